// Kimi Code: each action does what the agent itself does (FORMATS.md §1 and
// the agent's sessionLifecycleService): rename edits state.json, fork copies
// the folder and appends a `forked` record and an index line, compaction
// appends the three compaction records to the main wire.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { firstRecordType, joinLines, readRawRecords, rewriteLog, surveyLog, type RawRecord } from '../../util/jsonl.js';
import { contentText, isInjected, isRecord, toMs } from '../../util/text.js';
import { faultPoint } from '../../actions/faults.js';
import { appendLine, copyTree } from '../../actions/file-ops.js';
import { sessionOf, type ActionEnv } from '../../actions/target.js';
import { readJsonDoc, writeJsonDoc } from '../json-doc.js';
import { stagedFolder } from '../place-kit.js';
import { isPersonOrigin, kimiCodeMainWire, kimiCodeStatePath } from './paths.js';
import type { LayoutWriter, TrashParts } from '../contract.js';
import { forkTitle, outOfTurns, trimmedNote } from '../write-kit.js';

const MAIN = 'main';

function indexFile(env: ActionEnv): string {
  return join(env.homes.roots['kimi-code'][0]!, 'session_index.jsonl');
}

/** The agent's index line for a session that leaves and comes back (the last line of an id wins). */
interface IndexPart {
  file: string;
  removed: object;
  restored: object | null;
}

/** The index is the only part of a Kimi Code session that is not its folder. */
export const kimiCodeTrashParts: TrashParts = {
  capture: (extra) => extra,
  remove(part) {
    const p = part as IndexPart;
    appendLine(p.file, JSON.stringify(p.removed));
  },
  clash: () => null,
  restore(part, _root, how) {
    const p = part as IndexPart;
    // A compact backup never left: no line, or the agent would read it as deleted then restored.
    if (p.restored && how.movedFiles && !how.copy) appendLine(p.file, JSON.stringify(p.restored));
    return false;
  },
  bytes: () => 0,
};

function wirePath(sessionDir: string, agentId: string): string {
  return join(sessionDir, 'agents', agentId, 'wire.jsonl');
}

/** An agent's wire in an existing session: the main one may sit at the session root (an older shape). */
function sessionWire(sessionDir: string, agentId: string): string {
  return agentId === MAIN ? kimiCodeMainWire(sessionDir) : wirePath(sessionDir, agentId);
}

function agentIds(sessionDir: string): string[] {
  let ids: string[];
  try {
    ids = readdirSync(join(sessionDir, 'agents'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    ids = [];
  }
  if (!ids.includes(MAIN) && existsSync(kimiCodeMainWire(sessionDir))) ids.push(MAIN);
  return ids.sort((a, b) => (a === MAIN ? -1 : b === MAIN ? 1 : a.localeCompare(b)));
}

/** A prompt a person typed, as the agent counts turns when it forks (injected reminders are not). */
function isTurnStart(rec: Record<string, unknown> | null): boolean {
  if (!rec || rec['type'] !== 'context.append_message') return false;
  const message = rec['message'];
  if (!isRecord(message) || message['role'] !== 'user') return false;
  return isPersonOrigin(message['origin']) && !isInjected(contentText(message['content']));
}

function isTurnInput(rec: Record<string, unknown> | null): boolean {
  if (!rec || (rec['type'] !== 'turn.prompt' && rec['type'] !== 'turn.steer')) return false;
  const origin = isRecord(rec['origin']) ? rec['origin'] : undefined;
  return origin?.['kind'] === 'user';
}

function record(value: Record<string, unknown>): RawRecord {
  return { raw: JSON.stringify(value), rec: value };
}

/** The main wire cut after turn N, as the agent's sliceMainRecordsAtTurn does. */
function sliceAtTurn(records: RawRecord[], id: string, atTurn: number): { records: RawRecord[]; cutoff: number | null } {
  // The turns that stand: a `context.undo {count}` takes back the last `count` of them, never past a
  // compaction (as the reader counts them, after the v2 TUI's applyTranscriptUndo).
  const starts: number[] = [];
  let floor = 0;
  records.forEach((r, i) => {
    if (isTurnStart(r.rec)) starts.push(i);
    else if (r.rec?.['type'] === 'context.apply_compaction' || r.rec?.['type'] === 'context.clear') floor = starts.length;
    else if (r.rec?.['type'] === 'context.undo' && typeof r.rec['count'] === 'number') {
      for (let n = r.rec['count']; n > 0 && starts.length > floor; n--) starts.pop();
    }
  });
  if (atTurn < 1 || atTurn > starts.length) throw outOfTurns(id, atTurn, starts.length);
  const end = starts[atTurn] ?? records.length;
  // Prompts of turns undone before the cut stay in it (their undo record too), so they are allowed for.
  let undone = 0;
  for (let i = 0; i < end; i++) if (isTurnStart(records[i]!.rec)) undone++;
  undone -= atTurn;
  let inputs = 0;
  const kept = records.slice(0, end).filter((r) => {
    const type = r.rec?.['type'];
    if (typeof type === 'string' && type.startsWith('file_history.')) return false;
    // The prompt record of the next turn can come before its message: keep only N of them.
    if (isTurnInput(r.rec)) return ++inputs <= atTurn + undone;
    return true;
  });
  let cutoff: number | null = null;
  for (const r of kept) {
    const t = toMs(r.rec?.['time']);
    if (t !== null && (cutoff === null || t > cutoff)) cutoff = t;
  }
  return { records: kept, cutoff };
}

function forkedRecord(agentId: string, now: number): RawRecord {
  return record({ type: 'forked', agentId, time: now });
}

function withMetadata(records: RawRecord[], now: number): RawRecord[] {
  if (records[0]?.rec?.['type'] === 'metadata') return records;
  return [metadataRecord(now), ...records];
}

function metadataRecord(now: number): RawRecord {
  return record({ type: 'metadata', protocol_version: '1.5', created_at: now });
}

/** withMetadata for a log rewritten by streaming: the line to put first, if its first record is not the metadata. */
function metadataLine(path: string, now: number, firstType = firstRecordType(path)): { first?: string } {
  return firstType === 'metadata' ? {} : { first: metadataRecord(now).raw };
}

/** The records compaction counts as the messages it replaces. */
const MESSAGE_RECORDS: ReadonlySet<string> = new Set(['context.append_message', 'context.append_loop_event']);

export const kimiCodeWriter: LayoutWriter = {
  trashPlan(t, env) {
    const s = sessionOf(t);
    return {
      paths: [t.ref.path],
      extra: {
        file: indexFile(env),
        removed: { sessionId: s.id, deleted: true },
        restored: s.workDir ? { sessionId: s.id, sessionDir: t.ref.path, workDir: s.workDir } : null,
      } satisfies IndexPart,
    };
  },

  trashParts: kimiCodeTrashParts,

  rename(t, title) {
    // Where the agent reads it (state.json, else session-meta/state.json): sessionIndexSource.ts.
    const path = kimiCodeStatePath(t.ref.path);
    const doc = readJsonDoc(path, 'state.json');
    const state = doc.value;
    if (title === null) {
      // Back to what the agent shows without a custom title: its generated title, else the first prompt.
      if (state['titleKind'] === 'custom' || state['isCustomTitle'] === true) delete state['title'];
      delete state['customTitle'];
      state['titleKind'] = 'replaceable';
      state['isCustomTitle'] = false;
    } else {
      state['title'] = title;
      state['titleKind'] = 'custom';
      state['isCustomTitle'] = true;
      if ('customTitle' in state) state['customTitle'] = title;
    }
    // updatedAt is left alone, as /title does: a rename is not activity.
    writeJsonDoc(path, doc);
  },

  fork(t, options, env) {
    const s = sessionOf(t);
    const now = env.now();
    const source = readJsonDoc(kimiCodeStatePath(t.ref.path), 'state.json').value;
    const id = `session_${randomUUID()}`;
    const bucket = dirname(t.ref.path);
    const target = join(bucket, id);
    // Built beside the buckets under a dot name the agent does not list, then renamed into place whole.
    stagedFolder(target, join(dirname(bucket), `.sessions-staging-${id}`), (staging) => {
      const cut = options.atTurn !== undefined;
      copyTree(t.ref.path, staging, (rel) => {
        // The fork gets the current shape: a root state.json and agents/main/wire.jsonl (written below).
        if (rel === 'state.json' || rel === 'session-meta' || rel === 'wire.jsonl' || rel === 'logs' || rel === 'upcoming-goals.json') return true;
        if (!cut) return false;
        // A cut fork rewrites every wire and leaves out the agents' task state and file history.
        return /^agents\/[^/]+\/(wire\.jsonl|tasks|cron|file-history)$/.test(rel);
      });
      let agents = agentIds(t.ref.path);
      if (cut) {
        const main = sliceAtTurn(readRawRecords(sessionWire(t.ref.path, MAIN)), s.id, options.atTurn!);
        const kept: string[] = [];
        for (const agentId of agents) {
          let records: RawRecord[];
          if (agentId === MAIN) records = main.records;
          else {
            const all = existsSync(sessionWire(t.ref.path, agentId)) ? readRawRecords(sessionWire(t.ref.path, agentId)) : [];
            const end = all.findIndex((r) => {
              const time = toMs(r.rec?.['time']);
              return main.cutoff === null || (time !== null && time > main.cutoff);
            });
            records = end === -1 ? all : all.slice(0, end);
          }
          if (agentId !== MAIN && records.length === 0) {
            rmSync(join(staging, 'agents', agentId), { recursive: true, force: true });
            continue;
          }
          kept.push(agentId);
          writeFileAtomic(wirePath(staging, agentId), joinLines([...withMetadata(records, now), forkedRecord(agentId, now)]), { mkdirMode: 0o700 });
        }
        agents = kept;
      } else {
        // A whole fork copies each wire as it is (streamed: a 100 MB wire is never in memory) and adds its `forked` record.
        for (const agentId of agents) {
          const path = wirePath(staging, agentId);
          // A main wire at the old place (the session root) goes to agents/main/ in the fork.
          if (!existsSync(path) && existsSync(sessionWire(t.ref.path, agentId))) copyTree(sessionWire(t.ref.path, agentId), path);
          if (!existsSync(path)) {
            writeFileAtomic(path, joinLines([...withMetadata([], now), forkedRecord(agentId, now)]), { mkdirMode: 0o700 });
            continue;
          }
          rewriteLog(path, { ...metadataLine(path, now), added: [forkedRecord(agentId, now).raw] });
        }
      }
      const sourceAgents = isRecord(source['agents']) ? source['agents'] : {};
      const agentsMeta: Record<string, unknown> = {};
      for (const agentId of agents) {
        const old = isRecord(sourceAgents[agentId]) ? sourceAgents[agentId] : {};
        agentsMeta[agentId] = {
          ...old,
          homedir: join(target, 'agents', agentId),
          type: agentId === MAIN ? 'main' : (old['type'] ?? 'sub'),
          ...(agentId === MAIN ? {} : { parentAgentId: old['parentAgentId'] ?? MAIN }),
        };
      }
      const custom = isRecord(source['custom']) ? { ...source['custom'] } : {};
      delete custom['goal'];
      const state: Record<string, unknown> = {
        id,
        version: 2,
        cwd: s.workDir ?? source['cwd'] ?? source['workDir'],
        createdAt: now,
        updatedAt: toMs(source['updatedAt']) ?? now,
        archived: false,
        title: forkTitle(t, options),
        titleKind: options.title !== undefined ? 'custom' : 'replaceable',
        isCustomTitle: options.title !== undefined,
        forkedFrom: s.id,
        agents: agentsMeta,
        custom,
      };
      if (!cut && source['lastPrompt'] !== undefined) state['lastPrompt'] = source['lastPrompt'];
      if (source['lastTurnReason'] !== undefined) state['lastTurnReason'] = source['lastTurnReason'];
      writeFileAtomic(join(staging, 'state.json'), JSON.stringify(state));
      faultPoint('fork.staged');
    });
    if (s.workDir) appendLine(indexFile(env), JSON.stringify({ sessionId: id, sessionDir: target, workDir: s.workDir }));
    return { id, path: target };
  },

  compact(t, summary, env) {
    const path = sessionWire(t.ref.path, MAIN);
    const log = existsSync(path) ? surveyLog(path, MESSAGE_RECORDS) : { firstType: null, lines: 0, counted: 0 };
    const messages = log.counted;
    const now = env.now();
    const contextSummary =
      'The conversation so far has been compacted to free up context (by `sessions compact`). ' +
      'What follows is a summary of it; use it to continue the task rather than starting over.\n\n' +
      summary;
    const added = [
      record({ type: 'full_compaction.begin', source: 'manual', agentId: MAIN, time: now }),
      record({
        type: 'context.apply_compaction',
        agentId: MAIN,
        summary,
        contextSummary,
        compactedCount: messages,
        keptUserMessageCount: 0,
        wireLines: { start: 1, end: log.lines },
        time: now,
      }),
      record({ type: 'full_compaction.complete', agentId: MAIN, time: now }),
    ];
    // The whole file is rewritten through a temp file, so a crash leaves it without any of the three records or with all;
    // streamed, so a 100 MB wire is never held in memory.
    if (existsSync(path)) rewriteLog(path, { ...metadataLine(path, now, log.firstType), added: added.map((r) => r.raw), mode: fileMode(path) });
    else writeFileAtomic(path, joinLines([...withMetadata([], now), ...added]), { mkdirMode: 0o700 });
    return { id: t.ref.id, path: t.ref.path };
  },

  shrink(t, limit) {
    for (const agentId of agentIds(t.ref.path)) {
      const path = sessionWire(t.ref.path, agentId);
      if (!existsSync(path)) continue;
      let changed = false;
      const records = readRawRecords(path).map((r) => {
        const ev = r.rec?.['type'] === 'context.append_loop_event' && isRecord(r.rec['event']) ? r.rec['event'] : null;
        const result = ev?.['type'] === 'tool.result' && isRecord(ev['result']) ? ev['result'] : null;
        if (!result || typeof result['output'] !== 'string' || result['output'].length <= limit) return r;
        result['output'] = trimmedNote(result['output'], limit);
        changed = true;
        return record(r.rec!);
      });
      if (changed) writeFileAtomic(path, joinLines(records), { mode: fileMode(path) });
    }
    // The session's own debug log: the agent recreates it, nothing reads it back.
    rmSync(join(t.ref.path, 'logs'), { recursive: true, force: true });
  },
};

function fileMode(path: string): number {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return 0o600;
  }
}
