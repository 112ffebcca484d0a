// Kimi CLI (older, Python): ~/.kimi/sessions/<md5(workdir)>/<uuid>/ with
// context.jsonl (what the model sees), wire.jsonl (what happened, with times),
// state.json / metadata.json. The oldest form is a flat <md5>/<uuid>.jsonl
// holding the context alone. kimi.json maps work dirs to buckets.
import { basename, join } from 'node:path';
import type { Transcript } from '../../model.js';
import { forEachRecord } from '../../util/jsonl.js';
import { isDirEntry, readJsonObject, statOrNull, statStamp, treeBytes, walkBuckets } from '../../util/fsx.js';
import { argsText, contentText, firstLineTitle, isInjected, isRecord, isoOrNull, str, toMs } from '../../util/text.js';
import { baseSession, type Reporter, type SessionRef, type Source } from '../../sources/source.js';
import { TranscriptBuilder, type ReadDepth } from '../../sources/transcript-builder.js';
import { kimiCliBucket } from './paths.js';



export class KimiCliSource implements Source {
  readonly kind = 'kimi-cli' as const;

  constructor(private readonly home: string) {}

  scan(report: Reporter): SessionRef[] {
    const sessionsDir = join(this.home, 'sessions');
    if (!statOrNull(sessionsDir)) return [];
    const workDirs = readBucketWorkDirs(this.home, report);
    const refs: SessionRef[] = [];
    walkBuckets(sessionsDir, report, 'Kimi CLI sessions', (bucket, bucketDir, entry) => {
      const workDir = workDirs.get(bucket) ?? null;
      const path = `${bucketDir}/${entry.name}`;
      if (isDirEntry(bucketDir, entry)) {
        // The wire is appended on every event and state.json rewritten on every change;
        // the context only changes along with the wire (its rotation, or metadata.json
        // appearing, changes the folder's mtime). Only a session without a wire is
        // stamped by its context.
        const wire = statOrNull(`${path}/wire.jsonl`);
        const stats = [wire ?? statOrNull(`${path}/context.jsonl`), statOrNull(`${path}/state.json`)];
        const dir = statOrNull(path);
        refs.push({
          source: this.kind,
          id: entry.name,
          path,
          key: `kimi-cli:${path}`,
          stamp: [...stats, dir].map(statStamp).join('|'),
          lastWriteMs: Math.max(0, ...stats.map((s) => s?.mtimeMs ?? 0)) || (dir?.mtimeMs ?? 0),
          locked: false,
          hint: { workDir, flat: null },
        });
      } else if (entry.name.endsWith('.jsonl') && entry.isFile()) {
        const st = statOrNull(path);
        refs.push({
          source: this.kind,
          id: basename(entry.name, '.jsonl'),
          path,
          key: `kimi-cli:${path}`,
          stamp: statStamp(st),
          lastWriteMs: st?.mtimeMs ?? 0,
          locked: false,
          hint: { workDir, flat: 'yes' },
        });
      }
    });
    return refs;
  }

  read(ref: SessionRef, depth: ReadDepth = 'transcript'): Transcript {
    const session = baseSession(ref);
    const problems = session.problems;
    session.workDir = ref.hint['workDir'] ?? null;

    if (ref.hint['flat']) {
      const ctx = readContext(ref.path, basename(ref.path), depth);
      problems.push(...ctx.problems);
      finish(session, ctx.builder, null);
      session.bytes = statOrNull(ref.path)?.size ?? 0;
      return { session, messages: ctx.builder.messages };
    }

    const stateRead = readJsonObject(join(ref.path, 'state.json'));
    const state = stateRead.ok ? stateRead.value : {};
    if (!stateRead.ok && !stateRead.missing) problems.push(`state.json: ${stateRead.error}`);
    const metaRead = readJsonObject(join(ref.path, 'metadata.json'));
    const meta = metaRead.ok ? metaRead.value : {};

    // The wire has times, thinking and the full prompts; the context is the
    // fallback for sessions whose wire holds no turn (or is missing).
    const wirePath = join(ref.path, 'wire.jsonl');
    let b: TranscriptBuilder | null = null;
    if (statOrNull(wirePath)) {
      const wire = readWire(wirePath, depth);
      problems.push(...wire.problems);
      if (wire.builder.turns > 0 || wire.builder.messages.length > 0) b = wire.builder;
    }
    const contextPath = join(ref.path, 'context.jsonl');
    if (b === null && statOrNull(contextPath)) {
      const ctx = readContext(contextPath, 'context.jsonl', depth);
      problems.push(...ctx.problems);
      b = ctx.builder;
    }
    b ??= new TranscriptBuilder(depth);
    // A compaction (by the manager) starts a new context with the summary; the wire keeps the full history.
    if (b !== null && depth === 'transcript' && statOrNull(join(ref.path, 'context_1.jsonl')) && statOrNull(contextPath)) {
      const summary = compactionSummary(contextPath);
      if (summary !== null) b.summary(summary, null);
    }

    const custom = str(state['custom_title']);
    const generated = str(meta['title']);
    if (custom) {
      session.title = custom;
      session.titleSource = state['title_generated'] === true ? 'generated' : 'custom';
    } else if (generated) {
      session.title = generated;
      session.titleSource = 'generated';
    }
    session.archived = state['archived'] === true;
    finish(session, b, toMs(state['wire_mtime']));
    session.bytes = treeBytes(ref.path);
    return { session, messages: b.messages };
  }

  close(): void {}
}

function finish(
  session: Transcript['session'],
  b: TranscriptBuilder,
  wireMtimeMs: number | null,
): void {
  if (!session.title && b.firstPrompt !== null) {
    session.title = firstLineTitle(b.firstPrompt);
    session.titleSource = 'prompt';
  }
  // The layout stores no creation time: the first record's time, else the
  // wire mtime the agent recorded (what Kimi Code's importer uses), else the file times.
  const created = b.firstTimeMs ?? wireMtimeMs;
  const updatedCandidates = [b.lastTimeMs, wireMtimeMs].filter((t): t is number => t !== null);
  const updated = updatedCandidates.length > 0 ? Math.max(...updatedCandidates) : null;
  session.createdAt = isoOrNull(created) ?? session.createdAt;
  session.updatedAt = isoOrNull(updated) ?? session.updatedAt;
  if (session.createdAt > session.updatedAt) session.createdAt = session.updatedAt;
  session.turns = b.turns;
  session.messages = b.messageCount;
}

/** bucket folder name -> work dir, from kimi.json. A missing or broken kimi.json leaves work dirs unknown. */
function readBucketWorkDirs(home: string, report: Reporter): Map<string, string> {
  const map = new Map<string, string>();
  const path = join(home, 'kimi.json');
  const read = readJsonObject(path);
  if (!read.ok) {
    if (!read.missing) report(path, `work dirs unknown: ${read.error}`);
    return map;
  }
  const dirs = read.value['work_dirs'];
  if (!Array.isArray(dirs)) return map;
  for (const wd of dirs) {
    if (!isRecord(wd)) continue;
    const path = str(wd['path']);
    if (!path) continue;
    map.set(kimiCliBucket(path, str(wd['kaos']) ?? 'local'), path);
  }
  return map;
}

/** wire.jsonl: {"timestamp": <s>, "message": {"type": ..., "payload": {...}}} */
function readWire(path: string, depth: ReadDepth): { builder: TranscriptBuilder; problems: string[] } {
  const b = new TranscriptBuilder(depth);
  let step = 0;
  const problems = forEachRecord(path, 'wire.jsonl', (rec) => {
    const msg = rec['message'];
    if (!isRecord(msg)) return;
    const payload = isRecord(msg['payload']) ? msg['payload'] : {};
    const time = toMs(rec['timestamp']);
    switch (msg['type']) {
      case 'TurnBegin': {
        const text = contentText(payload['user_input']);
        if (!isInjected(text)) b.prompt(text, time);
        break;
      }
      case 'StepBegin':
        step++;
        b.touch(time);
        break;
      case 'ContentPart':
        if (payload['type'] === 'text' && typeof payload['text'] === 'string') b.assistantText(payload['text'], time, `s${step}`);
        else if (payload['type'] === 'think' && typeof payload['think'] === 'string') b.thinking(payload['think'], time, `s${step}`);
        break;
      case 'ToolCall': {
        const fn = isRecord(payload['function']) ? payload['function'] : {};
        b.toolCall(str(fn['name']) ?? 'tool', str(payload['id']) ?? undefined, argsText(fn['arguments']), time);
        break;
      }
      case 'ToolResult': {
        const rv = isRecord(payload['return_value']) ? payload['return_value'] : {};
        const output = contentText(rv['output']) || str(rv['message']) || '';
        b.toolResult(str(payload['tool_call_id']) ?? undefined, output, rv['is_error'] === true, time);
        break;
      }
      default:
        b.touch(time);
    }
  });
  return { builder: b, problems };
}

/** The first line of the message a compaction leaves in a new context.jsonl. */
export const KIMI_CLI_COMPACTION_MARKER = 'Previous context has been compacted. Here is the compaction output:';

function compactionSummary(path: string): string | null {
  let found: string | null = null;
  forEachRecord(path, 'context.jsonl', (rec) => {
    if (found !== null || rec['role'] !== 'user') return;
    const text = contentText(rec['content']);
    if (text.startsWith(KIMI_CLI_COMPACTION_MARKER)) found = text.slice(KIMI_CLI_COMPACTION_MARKER.length).trim();
  });
  return found;
}

/** context.jsonl: role records (user, assistant, tool) plus bookkeeping records starting with "_". */
function readContext(path: string, label: string, depth: ReadDepth): { builder: TranscriptBuilder; problems: string[] } {
  const b = new TranscriptBuilder(depth);
  const problems = forEachRecord(path, label, (rec) => {
    const content = rec['content'];
    switch (rec['role']) {
      case 'user': {
        const text = contentText(content);
        if (text.startsWith(KIMI_CLI_COMPACTION_MARKER)) b.summary(text.slice(KIMI_CLI_COMPACTION_MARKER.length).trim(), null);
        else if (text !== '' && !isInjected(text)) b.prompt(text, null);
        break;
      }
      case 'assistant':
        b.assistantMessage(content, rec['tool_calls'], null);
        break;
      case 'tool':
        b.toolResult(str(rec['tool_call_id']) ?? undefined, contentText(content), false, null);
        break;
    }
  });
  return { builder: b, problems };
}
