// Turning a session into what the index stores: its summary, its messages
// for snippets, and its word counts. Pure CPU work, so a bulk build runs it
// in a worker thread (prepare-worker.ts) while the main thread writes.
import type { Message } from '../model.js';
import type { ResumeMark, SessionRef, Source } from '../sources/source.js';
import { errorText } from '../util/text.js';
import { packWeight } from './index-store.js';
import { forEachTerm } from './tokenize.js';

/** Snippets need only so much of a message; tool output is kept shorter still. */
const DOC_TEXT_MAX = 20_000;
const DOC_TOOL_MAX = 300;
/** Characters of JSON per stored part of the messages (see the doc table in index-store.ts). */
const DOC_PART_CHARS = 256 * 1024;

export interface Prepared {
  key: string;
  stamp: string;
  /** The session summary as JSON (without `inUse`, which depends on the moment). */
  session: string;
  source: string;
  id: string;
  workDir: string | null;
  title: string;
  updatedAt: number;
  turns: number;
  messages: number;
  bytes: number;
  /** Words in the conversation, for length normalisation. */
  words: number;
  /** The messages as JSON [[role, text], ...], in parts (see docParts). */
  doc: DocPartRow[];
  terms: string[];
  /** Per term, its posting weight (see packWeight). */
  weights: number[];
  /** The session's last resume mark and the word counts from it on (JSON), where its layout records marks. */
  tail?: StoredTail;
}

export interface StoredTail {
  mark: string;
  /** [[word, conversation count + tool count * 2^20], ...] of the messages from the mark on. */
  counts: string;
}

/** A session that grew, re-read from its last mark: what changes in the index, in place. */
export interface Grown {
  stamp: string;
  session: string;
  updatedAt: number;
  turns: number;
  messages: number;
  bytes: number;
  /** The first message re-read: stored parts from here on are replaced by `doc`. */
  from: number;
  doc: DocPartRow[];
  /** Per word, how its conversation and tool-output counts change. */
  changes: Map<string, [number, number]>;
  /** How the session's conversation words change. */
  words: number;
  tail: StoredTail;
}

export type PrepareResult = { ok: true; value: Prepared } | { ok: false; key: string; path: string; error: string };

export function prepare(ref: SessionRef, source: Source): PrepareResult {
  let read;
  try {
    read = source.read(ref, 'transcript');
  } catch (error) {
    return { ok: false, key: ref.key, path: ref.path, error: errorText(error) };
  }
  const { session, messages, marks } = read;
  const counts = countTerms(session.title, messages);
  const last = marks?.at(-1);
  let words = 0;
  const weights: number[] = [];
  for (const c of counts.values()) {
    const [text, tool, title] = unpackCounts(c);
    words += text;
    weights.push(packWeight(text, tool, title));
  }
  const { inUse: _inUse, inUseReason: _why, ...stored } = session;
  return {
    ok: true,
    value: {
      key: ref.key,
      stamp: ref.stamp,
      session: JSON.stringify(stored),
      source: session.source,
      id: session.id,
      workDir: session.workDir,
      title: session.title,
      updatedAt: Date.parse(session.updatedAt),
      turns: session.turns,
      messages: session.messages,
      bytes: session.bytes,
      words,
      doc: docParts(messages, 0, marks),
      terms: [...counts.keys()],
      weights,
      ...(last ? { tail: storedTail(last, messages.slice(last.message)) } : {}),
    },
  };
}

function storedTail(mark: ResumeMark, messages: readonly Message[]): StoredTail {
  return { mark: JSON.stringify(mark), counts: JSON.stringify([...countTerms('', messages)]) };
}

/**
 * Re-reads a session that grew from its stored last mark. Null where that
 * cannot stand in for a whole read: the layout has no marks, the log was
 * rewritten before the mark, or the title changed (its words weigh apart).
 */
export function prepareGrown(ref: SessionRef, source: Source, stored: StoredTail, title: string): Grown | null {
  if (!source.readFrom) return null;
  const mark = JSON.parse(stored.mark) as ResumeMark;
  let read;
  try {
    read = source.readFrom(ref, mark);
  } catch {
    return null;
  }
  if (!read || read.session.title !== title) return null;
  const last = read.marks?.at(-1) ?? mark;
  const reread = countTerms('', read.messages);
  const changes = new Map<string, [number, number]>();
  let words = 0;
  for (const [term, c] of reread) {
    const [text, tool] = unpackCounts(c);
    changes.set(term, [text, tool]);
    words += text;
  }
  // The stored tail's messages are in what was re-read: take their counts back out.
  for (const [term, c] of JSON.parse(stored.counts) as Array<[string, number]>) {
    const [text, tool] = unpackCounts(c);
    const had = changes.get(term) ?? [0, 0];
    changes.set(term, [had[0] - text, had[1] - tool]);
    words -= text;
  }
  const { inUse: _inUse, inUseReason: _why, ...session } = read.session;
  return {
    stamp: ref.stamp,
    session: JSON.stringify(session),
    updatedAt: Date.parse(session.updatedAt),
    turns: session.turns,
    messages: session.messages,
    bytes: session.bytes,
    from: mark.message,
    doc: docParts(read.messages, mark.message, read.marks),
    changes,
    words,
    tail: storedTail(last, read.messages.slice(last.message - mark.message)),
  };
}

/** A stored part: the number of its first message, its JSON, and the resume mark it starts at (JSON), if any. */
export type DocPartRow = [first: number, data: string, at: string | null];

/**
 * The stored messages, cut into parts of about DOC_PART_CHARS at message
 * boundaries. Where the layout records resume marks, parts start at marks
 * (turns), so a long session's preview can be read from the part of its
 * match; and the last mark always starts a part, so a session that grows
 * replaces only the parts from there on. `base` numbers the first message.
 */
export function docParts(messages: readonly Message[], base = 0, marks: readonly ResumeMark[] = []): DocPartRow[] {
  const at = new Map(marks.map((m) => [m.message, m]));
  const last = marks.at(-1)?.message;
  const parts: DocPartRow[] = [];
  let first = base;
  let chunk: string[] = [];
  let chars = 0;
  const close = (): void => {
    const mark = at.get(first);
    parts.push([first, `[${chunk.join(',')}]`, mark ? JSON.stringify(mark) : null]);
  };
  messages.forEach((m, k) => {
    const i = base + k;
    const entry = JSON.stringify(docEntry(m));
    const full = chars + entry.length > DOC_PART_CHARS;
    // One turn longer than several parts is cut inside it, without a mark.
    if (chunk.length > 0 && (i === last || (full && (at.size === 0 || at.has(i))) || chars > 4 * DOC_PART_CHARS)) {
      close();
      first = i;
      chunk = [];
      chars = 0;
    }
    chunk.push(entry);
    chars += entry.length + 1;
  });
  close();
  return parts;
}

/** How a message is kept for snippets: its role and (for long ones, the start of) its text. */
function docEntry(m: Message): [string, string] {
  if (m.role === 'tool') return ['tool', m.text.slice(0, DOC_TOOL_MAX)];
  if (m.tool) return ['assistant', `${m.tool.name} ${m.tool.args ?? ''}`.trim().slice(0, DOC_TEXT_MAX)];
  return [m.role, m.text.slice(0, DOC_TEXT_MAX)];
}

const TOOL_UNIT = 2 ** 20;
const TITLE_UNIT = 2 ** 40;

/**
 * Counts of each word, packed in one number so counting allocates nothing:
 * conversation + tool outputs * 2^20 + title * 2^40 (exact up to 2^53).
 */
export function countTerms(title: string, messages: readonly Message[]): Map<string, number> {
  const counts = new Map<string, number>();
  const bump = (inc: number) => (term: string): void => {
    counts.set(term, (counts.get(term) ?? 0) + inc);
  };
  forEachTerm(title, bump(TITLE_UNIT));
  const text = bump(1);
  const tool = bump(TOOL_UNIT);
  for (const m of messages) {
    // Thinking is searched with tool output: below what the person and the assistant said.
    if (m.role === 'tool' || m.thinking) forEachTerm(m.text, tool);
    else if (m.tool) forEachTerm(`${m.tool.name} ${m.tool.args ?? ''}`, text);
    else forEachTerm(m.text, text);
  }
  return counts;
}

function unpackCounts(c: number): [number, number, number] {
  const title = Math.floor(c / TITLE_UNIT);
  const rest = c - title * TITLE_UNIT;
  const tool = Math.floor(rest / TOOL_UNIT);
  return [rest - tool * TOOL_UNIT, tool, title];
}
