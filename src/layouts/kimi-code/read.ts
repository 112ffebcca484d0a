// Kimi Code (current): ~/.kimi-code/sessions/<workDirKey>/<sessionId>/
//   state.json, agents/main/wire.jsonl (+ subagents), tool-results/, blobs/, logs/
// The session picker of the agent finds sessions by listing these folders;
// session_index.jsonl only maps ids to work dirs, so it is a fallback here.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { forEachLine, forEachRecord, parseLine, sniffTailType, sniffType } from '../../util/jsonl.js';
import { isDirEntry, readDir, readJsonObject, statOrNull, statStamp, treeBytes, walkBuckets } from '../../util/fsx.js';
import { argsText, contentText, firstLineTitle, isInjected, isRecord, isoOrNull, str, toMs } from '../../util/text.js';
import { isPersonOrigin, kimiCodeMainWire, kimiCodeStatePath } from './paths.js';
import { baseSession, type Reporter, type ResumeMark, type SessionRef, type Source, type SourceRead } from '../../sources/source.js';
import { TranscriptBuilder, type ReadDepth } from '../../sources/transcript-builder.js';

/** Allowed characters of a Kimi Code session id (FORMATS.md). */
const ID_RE = /^[A-Za-z0-9._-]+$/;

/** Record types that carry conversation text; every other line is skipped unparsed. */
const WANTED = new Set([
  'metadata',
  'config.update',
  'turn.prompt',
  'turn.steer',
  'context.append_message',
  'context.append_loop_event',
  'context.apply_compaction',
  'context.undo',
  'context.clear',
]);

export class KimiCodeSource implements Source {
  readonly kind = 'kimi-code' as const;

  constructor(private readonly home: string) {}

  scan(report: Reporter): SessionRef[] {
    const sessionsDir = join(this.home, 'sessions');
    const indexWorkDirs = readIndexWorkDirs(this.home, sessionsDir);
    const workspaces = readWorkspaceRoots(this.home);
    const refs: SessionRef[] = [];
    walkBuckets(sessionsDir, report, 'Kimi Code sessions', (_bucket, bucketDir, entry) => {
      if (!isDirEntry(bucketDir, entry)) return;
      const dir = `${bucketDir}/${entry.name}`;
      if (!ID_RE.test(entry.name)) {
        report(dir, 'skipped: not a Kimi Code session id');
        return;
      }
      const statePath = kimiCodeStatePath(dir);
      const wirePath = kimiCodeMainWire(dir);
      const state = statOrNull(statePath);
      const wire = statOrNull(wirePath);
      if (!state && !wire) {
        // Say why: a folder that cannot be read is not the same as an empty one.
        const unreadable = readDir(dir).error;
        report(dir, unreadable ? `skipped: cannot be read (${unreadable})` : 'skipped: no state.json and no agents/main/wire.jsonl');
        return;
      }
      refs.push({
        source: this.kind,
        id: entry.name,
        path: dir,
        key: `kimi-code:${dir}`,
        // A subagent never runs without the main wire recording it, so these two stats see every change.
        stamp: `${statStamp(state)}|${statStamp(wire)}`,
        lastWriteMs: Math.max(state?.mtimeMs ?? 0, wire?.mtimeMs ?? 0),
        locked: false,
        hint: { indexWorkDir: indexWorkDirs.get(entry.name) ?? null, workspaceRoot: workspaces.get(_bucket) ?? null, state: statePath, wire: wirePath },
      });
    });
    return refs;
  }

  read(ref: SessionRef, depth: ReadDepth = 'transcript'): SourceRead {
    return this.assemble(ref, readKimiCodeWire(wirePathOf(ref), depth));
  }

  /** The main wire is append-only between turns: a grown session is read from its last turn on, a long one's preview from the turn of its match. */
  readFrom(ref: SessionRef, mark: ResumeMark | null, limit?: number): SourceRead | null {
    const wire = readKimiCodeWire(wirePathOf(ref), 'transcript', mark, limit);
    if (wire === null) return null;
    const read = this.assemble(ref, wire);
    if (limit !== undefined) read.window = { first: mark?.message ?? 0, more: wire.more };
    return read;
  }

  private assemble(ref: SessionRef, wire: WireRead): SourceRead {
    const session = baseSession(ref);
    const problems = session.problems;
    const stateRead = readJsonObject(ref.hint['state'] ?? kimiCodeStatePath(ref.path));
    const state = stateRead.ok ? stateRead.value : {};
    if (!stateRead.ok) problems.push(`state.json: ${stateRead.missing ? 'missing' : stateRead.error}`);
    problems.push(...wire.problems);
    const b = wire.builder;

    // Newer state.json: title + titleKind/isCustomTitle. Older: customTitle.
    const title = str(state['title']) || str(state['customTitle']);
    if (title) {
      session.title = title;
      const custom = state['isCustomTitle'] === true || state['titleKind'] === 'custom' || Boolean(str(state['customTitle']));
      session.titleSource = custom ? 'custom' : 'generated';
    } else if (b.firstPrompt !== null) {
      // Not `lastPrompt`: the agent sometimes stores an injected reminder there.
      session.title = firstLineTitle(b.firstPrompt);
      session.titleSource = 'prompt';
    }
    const custom = isRecord(state['custom']) ? state['custom'] : {};
    // As the agent's recoverCwd: cwd, workDir, custom.cwd; then what the index and workspaces.json say, then the wire.
    session.workDir = str(state['cwd']) || str(state['workDir']) || str(custom['cwd']) || ref.hint['indexWorkDir'] || ref.hint['workspaceRoot'] || wire.cwd || null;
    const created = toMs(state['createdAt']) ?? wire.createdAtMs ?? b.firstTimeMs;
    const updated = toMs(state['updatedAt']) ?? b.lastTimeMs;
    session.createdAt = isoOrNull(created) ?? session.createdAt;
    session.updatedAt = isoOrNull(updated) ?? session.updatedAt;
    session.archived = state['archived'] === true;
    session.forkedFrom = str(state['forkedFrom']);
    const legacyId = str(custom['kimi_cli_session_id']);
    if (legacyId) session.sameAs = { source: 'kimi-cli', id: legacyId };
    session.turns = b.turns;
    session.messages = b.messageCount;
    session.bytes = treeBytes(ref.path);
    return { session, messages: b.messages, marks: wire.marks };
  }

  close(): void {}
}

function wirePathOf(ref: SessionRef): string {
  return ref.hint['wire'] ?? kimiCodeMainWire(ref.path);
}

/**
 * workspaces.json beside sessions/: `{version, workspaces: {<wd_… id>: {root,
 * name, created_at, last_opened_at}}, deleted_workspace_ids}` (FORMATS.md §5).
 * The id is the bucket folder's name; its root is the work dir.
 */
function readWorkspaceRoots(home: string): Map<string, string> {
  const map = new Map<string, string>();
  const read = readJsonObject(join(home, 'workspaces.json'));
  if (!read.ok || !isRecord(read.value['workspaces'])) return map;
  for (const [id, w] of Object.entries(read.value['workspaces'])) {
    const root = isRecord(w) ? str(w['root']) : null;
    if (root) map.set(id, root);
  }
  return map;
}

/** A resume mark's check: the file's identity and the record's digest (of its parsed form: the same line gives the same digest). */
function recordCheck(fileId: string, rec: Record<string, unknown>): string {
  return `${fileId}:${createHash('sha256').update(JSON.stringify(rec)).digest('base64').slice(0, 16)}`;
}

/** sessionId -> workDir from the append-only index; later lines win, deletions remove. */
function readIndexWorkDirs(home: string, sessionsDir: string): Map<string, string> {
  const map = new Map<string, string>();
  const path = join(home, 'session_index.jsonl');
  if (!statOrNull(path)) return map;
  try {
    forEachLine(path, (buf, start, end) => {
      const line = parseLine(buf, start, end);
      if (!isRecord(line)) return;
      const id = str(line['sessionId']);
      if (!id) return;
      if (line['deleted'] === true) {
        map.delete(id);
        return;
      }
      const sessionDir = str(line['sessionDir']);
      const workDir = str(line['workDir']);
      // Only lines that point inside sessions/ are trusted.
      if (workDir && sessionDir && sessionDir.startsWith(sessionsDir + '/') && sessionDir.endsWith('/' + id)) {
        map.set(id, workDir);
      }
    });
  } catch {
    // An unreadable index only costs the work-dir fallback.
  }
  return map;
}

export interface WireRead {
  builder: TranscriptBuilder;
  createdAtMs: number | null;
  /** The work dir the legacy engine records in `config.update` (older state.json has none). */
  cwd: string | null;
  problems: string[];
  /** Where each turn's prompt starts: the points a later read can resume at. */
  marks: ResumeMark[];
  /** The read stopped at its message limit, with more of the wire unread. */
  more: boolean;
}

/**
 * Reads one agent's wire.jsonl into a transcript; from `mark` on when given
 * (null then if the record there is not the one the mark was taken at).
 */
export function readKimiCodeWire(path: string, depth: ReadDepth): WireRead;
export function readKimiCodeWire(path: string, depth: ReadDepth, from: ResumeMark | null, limit?: number): WireRead | null;
export function readKimiCodeWire(path: string, depth: ReadDepth = 'transcript', from: ResumeMark | null = null, limit = Infinity): WireRead | null {
  const b = new TranscriptBuilder(depth);
  if (from) b.resume(from);
  const result: WireRead = { builder: b, createdAtMs: null, cwd: null, problems: [], marks: [], more: false };
  let resumedAtMark = from === null;
  // An undo that reaches back before the mark this read started from: the caller reads it all.
  let undoneBeforeMark = false;
  // The last turn.prompt, so the context.append_message that repeats it is not shown twice.
  let lastPrompt: { id: string | null; text: string } | null = null;

  const handle = (rec: Record<string, unknown>, offset: number): void => {
    const type = rec['type'];
    const time = toMs(rec['time']);
    // Between turns nothing is pending (tool calls answered, streamed parts merged): a place to resume.
    if (type === 'turn.prompt' && depth === 'transcript') result.marks.push(b.mark(offset, recordCheck(fileId, rec)));
    switch (type) {
      case 'metadata':
        result.createdAtMs = toMs(rec['created_at']);
        return;
      case 'config.update':
        result.cwd ??= str(rec['cwd']);
        return;
      case 'turn.prompt':
      case 'turn.steer': {
        const text = contentText(rec['input']);
        if (isInjected(text)) return;
        // What the agent put in itself (origin.kind `injection` and the like) is never a prompt, nor shown as one.
        if (!isPersonOrigin(rec['origin'])) return;
        lastPrompt = { id: str(rec['promptId']), text };
        if (type === 'turn.prompt') b.prompt(text, time);
        else b.user(text, time);
        return;
      }
      case 'context.append_message':
        appendMessage(rec['message'], time);
        return;
      case 'context.append_loop_event':
        loopEvent(rec['event'], time);
        return;
      case 'context.apply_compaction': {
        // Three shapes (agent-core-v2 contextMemory/contextEvents.ts): a summary string, a
        // contextSummary string, or a summary message object with `count`.
        const summary = str(rec['summary']) ?? str(rec['contextSummary']) ?? (isRecord(rec['summary']) ? contentText(rec['summary']['content']) : null);
        if (summary) b.summary(summary, time);
        else b.boundary();
        return;
      }
      case 'context.undo': {
        // The last `count` turns leave the transcript, back to a compaction at most (the v2 TUI's applyTranscriptUndo).
        const count = rec['count'];
        if (typeof count === 'number' && Number.isInteger(count) && count > 0 && !b.undo(count)) undoneBeforeMark = true;
        lastPrompt = null;
        return;
      }
      case 'context.clear':
        // The transcript keeps what came before; an undo stops here.
        b.boundary();
        return;
    }
  };

  const appendMessage = (message: unknown, time: number | null): void => {
    if (!isRecord(message)) return;
    const role = message['role'];
    const content = message['content'];
    if (role === 'user') {
      const text = contentText(content);
      if (text === '' || isInjected(text) || !isPersonOrigin(message['origin'])) return;
      const id = str(message['id']);
      const repeat = lastPrompt !== null && ((id !== null && id === lastPrompt.id) || text === lastPrompt.text);
      lastPrompt = null;
      if (!repeat) b.prompt(text, time);
    } else if (role === 'assistant') {
      b.assistantMessage(content, message['toolCalls'], time);
    } else if (role === 'tool') {
      b.toolResult(str(message['toolCallId']) ?? undefined, contentText(content), message['isError'] === true, time);
    }
  };

  const loopEvent = (event: unknown, time: number | null): void => {
    if (!isRecord(event)) return;
    switch (event['type']) {
      case 'content.part': {
        const part = event['part'];
        if (!isRecord(part)) return;
        const step = str(event['stepUuid']) ?? (event['step'] !== undefined ? String(event['step']) : null);
        if (part['type'] === 'text' && typeof part['text'] === 'string') b.assistantText(part['text'], time, step);
        else if (part['type'] === 'think' && typeof part['think'] === 'string') b.thinking(part['think'], time, step);
        return;
      }
      case 'tool.call':
        b.toolCall(str(event['name']) ?? 'tool', str(event['toolCallId']) ?? undefined, argsText(event['args']), time);
        return;
      case 'tool.result': {
        const res = isRecord(event['result']) ? event['result'] : {};
        const output = res['output'];
        const text = typeof output === 'string' ? output : contentText(output);
        b.toolResult(str(event['toolCallId']) ?? undefined, text, res['isError'] === true, time);
        return;
      }
    }
  };

  const stat = statOrNull(path);
  if (!stat) {
    if (from !== null) return null;
    result.problems.push('agents/main/wire.jsonl: missing');
    return result;
  }
  // The file itself too: our own rewrites (compact, import) are atomic renames, a new inode
  // (a file deleted and made again may get the old one back: its birth time tells, where the file system keeps one).
  const fileId = `${stat.dev}:${stat.ino}:${Math.trunc(stat.birthtimeMs)}`;
  let mismatch = false;
  const problems = forEachRecord(
    path,
    'agents/main/wire.jsonl',
    (rec, info) => {
      if (b.messages.length >= limit) {
        result.more = true;
        return false;
      }
      if (!resumedAtMark) {
        // The first record read must be the one the mark was taken at.
        resumedAtMark = info.offset === from!.offset && recordCheck(fileId, rec) === from!.check;
        if (!resumedAtMark) {
          mismatch = true;
          return false;
        }
      }
      const type = str(rec['type']);
      if (type !== null && WANTED.has(type)) handle(rec, info.offset);
      return true;
    },
    { skip: skipBookkeeping, from: from?.offset ?? 0 },
  );
  if (mismatch || !resumedAtMark || undoneBeforeMark) return null;
  result.problems.push(...problems);
  return result;
}

/** Skips, from the raw bytes, records that carry no conversation text. */
function skipBookkeeping(buf: Buffer, start: number, end: number): boolean {
  const type = sniffType(buf, start, end);
  if (type !== null) return !WANTED.has(type);
  // Records that name their type last (agent.message.appended) repeat what the loop events said.
  return sniffTailType(buf, start, end)?.startsWith('agent.') ?? false;
}
