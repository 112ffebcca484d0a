// Kiro CLI session files: ~/.kiro/sessions/cli/<id>.json (metadata),
// <id>.jsonl (append-only log of {"version":"v1","kind":...,"data":...}),
// <id>.lock (present while the agent has the session open).
import { join } from 'node:path';
import type { Transcript } from '../../model.js';
import { forEachRecord } from '../../util/jsonl.js';
import { readDir, readJsonObject, statOrNull, statStamp } from '../../util/fsx.js';
import { argsText, firstLineTitle, isRecord, isoOrNull, str, toMs } from '../../util/text.js';
import { baseSession, type Reporter, type SessionRef, type Source } from '../../sources/source.js';
import { TranscriptBuilder, type ReadDepth } from '../../sources/transcript-builder.js';
import { isLiveLock } from './lock.js';

const NAME_RE = /^(.+)\.(json|jsonl|lock)$/;

export class KiroFilesSource implements Source {
  readonly kind = 'kiro-files' as const;

  /** `sessionsDir`: ~/.kiro/sessions/cli, or $KIRO_TEST_SESSIONS_DIR. */
  constructor(private readonly sessionsDir: string) {}

  scan(report: Reporter): SessionRef[] {
    const dir = this.sessionsDir;
    const listing = readDir(dir);
    if (listing.error) report(dir, `cannot list Kiro sessions: ${listing.error}`);
    const byId = new Map<string, Set<string>>();
    for (const e of listing.entries) {
      const m = NAME_RE.exec(e.name);
      if (!m || !(e.isFile() || e.isSymbolicLink())) continue;
      const [, id, ext] = m as unknown as [string, string, string];
      let exts = byId.get(id);
      if (!exts) byId.set(id, (exts = new Set()));
      exts.add(ext);
    }
    const refs: SessionRef[] = [];
    for (const [id, exts] of byId) {
      if (!exts.has('json') && !exts.has('jsonl')) continue; // a lone lock
      if (!exts.has('json')) {
        // The agent writes the metadata when it creates a session: a log without it is what an
        // interrupted copy or move leaves, not a session (the manager writes the log first, then this).
        report(join(dir, `${id}.jsonl`), 'skipped: a log without its metadata file (.json)');
        continue;
      }
      const meta = statOrNull(join(dir, `${id}.json`));
      const log = statOrNull(join(dir, `${id}.jsonl`));
      if (!meta && !log) {
        report(join(dir, `${id}.json`), 'skipped: cannot be read (dangling link?)');
        continue;
      }
      refs.push({
        source: this.kind,
        id,
        path: join(dir, `${id}.json`),
        key: `kiro-files:${dir}/${id}`,
        stamp: `${statStamp(meta)}|${statStamp(log)}`,
        lastWriteMs: Math.max(meta?.mtimeMs ?? 0, log?.mtimeMs ?? 0),
        // A lock left by a kiro process that is gone (or a pid now used by another program) is stale.
        locked: exts.has('lock') && isLiveLock(join(dir, `${id}.lock`)),
        hint: { dir },
      });
    }
    return refs;
  }

  read(ref: SessionRef, depth: ReadDepth = 'transcript'): Transcript {
    const session = baseSession(ref);
    const dir = ref.hint['dir'] ?? '';
    const metaPath = join(dir, `${ref.id}.json`);
    const logPath = join(dir, `${ref.id}.jsonl`);
    const metaRead = readJsonObject(metaPath);
    const meta = metaRead.ok ? metaRead.value : {};
    if (!metaRead.ok) session.problems.push(`${ref.id}.json: ${metaRead.missing ? 'missing' : metaRead.error}`);

    const log = readKiroLog(logPath, `${ref.id}.jsonl`, depth);
    session.problems.push(...log.problems);
    const b = log.builder;

    const title = str(meta['title']);
    if (title) {
      session.title = title;
      // The agent writes this itself from the first prompt; a person sets it with /title.
      session.titleSource = 'generated';
    } else {
      const first = b.firstPrompt ?? log.snapshotPrompt;
      if (first !== null) {
        session.title = firstLineTitle(first);
        session.titleSource = 'prompt';
      }
    }
    session.workDir = str(meta['cwd']);
    session.createdAt = isoOrNull(toMs(meta['created_at'])) ?? session.createdAt;
    session.updatedAt = isoOrNull(toMs(meta['updated_at'])) ?? session.updatedAt;
    session.turns = b.turns;
    session.messages = b.messageCount;
    session.bytes = (statOrNull(metaPath)?.size ?? 0) + (statOrNull(logPath)?.size ?? 0);
    return { session, messages: b.messages };
  }

  close(): void {}
}

/** Reads the log. Compaction snapshots are not replayed: the transcript keeps what was said. */
export function readKiroLog(
  path: string,
  label: string,
  depth: ReadDepth = 'transcript',
): { builder: TranscriptBuilder; problems: string[]; snapshotPrompt: string | null } {
  const b = new TranscriptBuilder(depth);
  let snapshotPrompt: string | null = null;
  if (!statOrNull(path)) return { builder: b, problems: [`${label}: missing`], snapshotPrompt };
  const problems = forEachRecord(path, label, (rec) => {
    const data = isRecord(rec['data']) ? rec['data'] : {};
    switch (rec['kind']) {
      case 'Prompt':
        // MessageMetadata.timestamp is unix seconds (ts_seconds_option); toMs reads seconds and milliseconds alike.
        b.prompt(blocksText(data['content']), isRecord(data['meta']) ? toMs(data['meta']['timestamp']) : null);
        break;
      case 'AssistantMessage':
        assistantBlocks(b, data['content']);
        break;
      case 'ToolResults':
        toolResultBlocks(b, data['content']);
        break;
      case 'Compaction': {
        const summary = str(data['summary']);
        if (summary) b.summary(summary, null);
        // Imported, compacted sessions start with a snapshot: the agent titles them from its first user message.
        if (snapshotPrompt === null && Array.isArray(data['messages_snapshot'])) {
          const firstUser = data['messages_snapshot'].find((m) => isRecord(m) && m['role'] === 'user');
          if (isRecord(firstUser)) snapshotPrompt = blocksText(firstUser['content']);
        }
        break;
      }
      // ResetTo, CancelledPrompt, Clear change what the model sees next, not what was said.
    }
  });
  return { builder: b, problems, snapshotPrompt };
}

/** Text of content blocks: `{"kind":"text","data":"..."}`; other kinds are named, not dumped. */
function blocksText(blocks: unknown): string {
  if (typeof blocks === 'string') return blocks;
  if (!Array.isArray(blocks)) return '';
  const out: string[] = [];
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    const data = block['data'];
    if (block['kind'] === 'text' && typeof data === 'string') out.push(data);
    else if (block['kind'] === 'json') out.push(argsText(data) ?? '');
    else if (block['kind'] === 'image') out.push('[image]');
  }
  return out.join('\n');
}

function assistantBlocks(b: TranscriptBuilder, blocks: unknown): void {
  if (!Array.isArray(blocks)) return;
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    const data = block['data'];
    // Trimmed, as the database reader shows a row's answers: a V1 conversation made into files keeps the agent's spacing.
    if (block['kind'] === 'text' && typeof data === 'string') b.assistantText(data.trim(), null);
    // ContentBlock::Thinking: {kind: "thinking", data: {text, signature, redactedContent}} (crates/agent/src/agent/agent_loop/types.rs).
    else if (block['kind'] === 'thinking' && isRecord(data) && typeof data['text'] === 'string') b.thinking(data['text'], null);
    else if (block['kind'] === 'toolUse' && isRecord(data)) {
      b.toolCall(str(data['name']) ?? 'tool', str(data['toolUseId']) ?? undefined, argsText(data['input']), null);
    }
  }
}

function toolResultBlocks(b: TranscriptBuilder, blocks: unknown): void {
  if (!Array.isArray(blocks)) return;
  for (const block of blocks) {
    // The prompt a person typed while cancelling tool uses rides in the same entry (v1_export convert_user_message).
    if (isRecord(block) && block['kind'] === 'text' && typeof block['data'] === 'string' && block['data'] !== '') {
      b.prompt(block['data'], null);
      continue;
    }
    if (!isRecord(block) || block['kind'] !== 'toolResult' || !isRecord(block['data'])) continue;
    const data = block['data'];
    b.toolResult(str(data['toolUseId']) ?? undefined, blocksText(data['content']), data['status'] === 'error', null);
  }
}
