// Claude Code transcripts: $CLAUDE_CONFIG_DIR (default ~/.claude)
// /projects/<work dir with every other character made '-'>/<session uuid>.jsonl,
// one record per line (`user`, `assistant`, `summary`, `system`, …), chained
// by uuid/parentUuid; subagents' records are marked isSidechain (older) or
// live in <uuid>/subagents/ (newer). Every fact here is in
// docs/formats/claude-code.md with where it was seen.
import { join } from 'node:path';
import type { Transcript } from '../../model.js';
import { forEachRecord } from '../../util/jsonl.js';
import { readDir, statOrNull, statStamp } from '../../util/fsx.js';
import { argsText, firstLineTitle, isRecord, isoOrNull, str, toMs } from '../../util/text.js';
import { baseSession, type Reporter, type SessionRef, type Source } from '../../sources/source.js';
import { TranscriptBuilder, type ReadDepth } from '../../sources/transcript-builder.js';

const SESSION_RE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

/**
 * User-role text the agent writes itself: slash-command echoes, their
 * output, reminders, interruptions, task notifications. Public readers of
 * these files (claude-code-log and others) leave them out of the prompts.
 */
const INJECTED_PREFIXES = ['<command-', '<local-command-', '<system-reminder>', '<task-notification>', '<user-prompt-submit-hook>', 'Caveat: ', '[Request interrupted by user'];

export function isClaudeInjected(text: string): boolean {
  const t = text.trimStart();
  return INJECTED_PREFIXES.some((p) => t.startsWith(p));
}

export class ClaudeCodeSource implements Source {
  readonly kind = 'claude-code' as const;

  constructor(private readonly home: string) {}

  scan(report: Reporter): SessionRef[] {
    const projects = join(this.home, 'projects');
    const refs: SessionRef[] = [];
    const listing = readDir(projects);
    if (listing.error && statOrNull(projects)) report(projects, `cannot list Claude Code projects: ${listing.error}`);
    for (const p of listing.entries) {
      if (!p.isDirectory()) continue;
      const dir = join(projects, p.name);
      const files = readDir(dir);
      if (files.error) {
        report(dir, `cannot list: ${files.error}`);
        continue;
      }
      for (const e of files.entries) {
        const m = SESSION_RE.exec(e.name);
        if (!m || !(e.isFile() || e.isSymbolicLink())) continue;
        const path = join(dir, e.name);
        const st = statOrNull(path);
        if (!st) {
          report(path, 'skipped: cannot be read (dangling link?)');
          continue;
        }
        const id = m[1]!.toLowerCase();
        // The session's own folder (subagents, tool results) changes with it.
        const side = statOrNull(join(dir, id));
        refs.push({
          source: this.kind,
          id,
          path,
          key: `claude-code:${path}`,
          stamp: `${statStamp(st)}|${side ? statStamp(side) : ''}`,
          lastWriteMs: Math.max(st.mtimeMs, side?.mtimeMs ?? 0),
          locked: false,
          hint: { dir },
        });
      }
    }
    return refs;
  }

  read(ref: SessionRef, depth: ReadDepth = 'transcript'): Transcript {
    const session = baseSession(ref);
    const b = new TranscriptBuilder(depth);
    let custom: string | null = null;
    let generated: string | null = null;
    let cwd: string | null = null;
    // Records in file order; the conversation is the chain of parentUuid links
    // from the last message back (a rewind leaves the abandoned branch in the file).
    const records: Array<Record<string, unknown>> = [];
    const problems = forEachRecord(ref.path, `${ref.id}.jsonl`, (rec) => {
      records.push(rec);
    });
    const abandoned = abandonedBranches(records);
    for (const rec of records) {
      const t = toMs(rec['timestamp']);
      cwd ??= str(rec['cwd']);
      switch (rec['type']) {
        case 'user':
        case 'assistant': {
          const uuid = str(rec['uuid']);
          // A subagent's own conversation is not this one's, nor is a branch the person rewound away from.
          if (rec['isSidechain'] === true || (abandoned && uuid && abandoned.has(uuid))) b.touch(t);
          else if (rec['type'] === 'user') userRecord(b, rec, t);
          else assistantRecord(b, rec, t);
          break;
        }
        case 'summary': {
          const s = str(rec['summary']);
          if (s) generated = s;
          break;
        }
        case 'custom-title':
          custom = str(rec['customTitle']) ?? custom;
          break;
        case 'ai-title':
          generated = str(rec['aiTitle']) ?? generated;
          break;
        default:
          b.touch(t);
      }
    }
    session.problems.push(...problems);
    if (custom) {
      session.title = custom;
      session.titleSource = 'custom';
    } else if (generated) {
      session.title = generated;
      session.titleSource = 'generated';
    } else if (b.firstPrompt !== null) {
      session.title = firstLineTitle(b.firstPrompt);
      session.titleSource = 'prompt';
    }
    session.workDir = cwd;
    // A time no date can hold (a damaged record) falls back to the file's.
    session.createdAt = isoOrNull(b.firstTimeMs) ?? session.createdAt;
    session.updatedAt = isoOrNull(b.lastTimeMs) ?? session.updatedAt;
    if (session.updatedAt < session.createdAt) session.updatedAt = session.createdAt;
    session.turns = b.turns;
    session.messages = b.messageCount;
    session.bytes = statOrNull(ref.path)?.size ?? 0;
    return { session, messages: b.messages };
  }

  close(): void {}
}

/**
 * The uuids of records on a branch the person rewound away from: not on the
 * chain from the last main-conversation record back through parentUuid (and
 * logicalParentUuid across a compaction), but descended from a record on it.
 * A record whose ancestry never meets that chain (a link lost to damage) is
 * kept: nothing is hidden on a guess. Null when there is nothing to hide.
 */
function abandonedBranches(records: ReadonlyArray<Record<string, unknown>>): Set<string> | null {
  const parent = new Map<string, string | null>();
  let last: string | null = null;
  for (const rec of records) {
    const uuid = str(rec['uuid']);
    if (!uuid || rec['isSidechain'] === true) continue;
    parent.set(uuid, str(rec['parentUuid']) ?? str(rec['logicalParentUuid']));
    if (rec['type'] === 'user' || rec['type'] === 'assistant') last = uuid;
  }
  if (last === null) return null;
  const live = new Set<string>();
  for (let at: string | null = last; at !== null && !live.has(at); at = parent.get(at) ?? null) live.add(at);
  const off = new Map<string, boolean>();
  const branchesOff = (uuid: string): boolean => {
    const seen = new Set<string>();
    let at: string | null = uuid;
    let answer = false;
    while (at !== null && parent.has(at)) {
      if (live.has(at)) {
        answer = at !== uuid;
        break;
      }
      const known = off.get(at);
      if (known !== undefined) {
        answer = known;
        break;
      }
      if (seen.has(at)) break; // a loop: damage
      seen.add(at);
      at = parent.get(at) ?? null;
    }
    for (const u of seen) off.set(u, answer);
    return answer;
  };
  const hidden = new Set<string>();
  for (const uuid of parent.keys()) if (!live.has(uuid) && branchesOff(uuid)) hidden.add(uuid);
  return hidden.size > 0 ? hidden : null;
}

function userRecord(b: TranscriptBuilder, rec: Record<string, unknown>, t: number | null): void {
  const message = isRecord(rec['message']) ? rec['message'] : {};
  const content = message['content'];
  if (rec['isCompactSummary'] === true) {
    // What /compact (or the automatic compaction) leaves for the model to go on from.
    b.summary(blockText(content), t);
    return;
  }
  // isMeta: a message the agent adds for the model (a caveat, an attachment), not a person's.
  if (rec['isMeta'] === true) return b.touch(t);
  const texts: string[] = [];
  if (typeof content === 'string') texts.push(content);
  else if (Array.isArray(content)) {
    for (const block of content) {
      if (!isRecord(block)) continue;
      if (block['type'] === 'tool_result') b.toolResult(str(block['tool_use_id']) ?? undefined, blockText(block['content']), block['is_error'] === true, t);
      else if (block['type'] === 'text' && typeof block['text'] === 'string') texts.push(block['text']);
      else if (block['type'] === 'image') texts.push('[image]');
    }
  }
  const text = texts.join('\n');
  if (text.trim() === '') return b.touch(t);
  if (isClaudeInjected(text)) b.touch(t);
  else b.prompt(text, t);
}

function assistantRecord(b: TranscriptBuilder, rec: Record<string, unknown>, t: number | null): void {
  const message = isRecord(rec['message']) ? rec['message'] : {};
  const content = message['content'];
  if (typeof content === 'string') return content ? b.assistantText(content, t) : b.touch(t);
  if (!Array.isArray(content)) return b.touch(t);
  // One API message is streamed as several records, a block each: its text parts are one message.
  const key = str(message['id']);
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (block['type'] === 'text' && typeof block['text'] === 'string') b.assistantText(block['text'], t, key);
    else if (block['type'] === 'thinking' && typeof block['thinking'] === 'string') b.thinking(block['thinking'], t, key);
    else if (block['type'] === 'tool_use') b.toolCall(str(block['name']) ?? 'tool', str(block['id']) ?? undefined, argsText(block['input']), t);
  }
  b.touch(t);
}

/** Text of a content value: a string, or text blocks (a tool result's content is either). */
function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((c) => (isRecord(c) ? (c['type'] === 'text' ? (str(c['text']) ?? '') : c['type'] === 'image' ? '[image]' : '') : typeof c === 'string' ? c : ''))
    .filter(Boolean)
    .join('\n');
}
