// Kiro CLI's database: data.sqlite3, table conversations_v2 (key = work dir,
// conversation_id, value = ConversationState JSON, created_at/updated_at ms),
// and the old one-per-directory table `conversations`. The agent writes the
// file while it runs, so it is opened read-only with a busy timeout.
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import type { Transcript } from '../../model.js';
import { statOrNull, statStamp } from '../../util/fsx.js';
import { argsText, errorText, foldedTitle, isRecord, isoOrNull, str, toMs } from '../../util/text.js';
import { baseSession, type Reporter, type ScanMemo, type SessionRef, type Source } from '../../sources/source.js';
import { TranscriptBuilder, type ReadDepth } from '../../sources/transcript-builder.js';

const BUSY_TIMEOUT_MS = 1000;

/** The native SQLite binding loads only when a Kiro database exists. */
function openReadOnly(path: string): Database.Database {
  const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new BetterSqlite(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
}

interface V2Row {
  rid: number;
  key: string;
  conversation_id: string;
}

interface OldRow {
  key: string;
  cid: string | null;
  bytes: number;
}

export class KiroSqliteSource implements Source {
  readonly kind = 'kiro-sqlite' as const;
  private readonly dbs = new Map<string, Database.Database>();

  constructor(private readonly dbPaths: readonly string[]) {}

  scan(report: Reporter, memo?: ScanMemo): SessionRef[] {
    const refs: SessionRef[] = [];
    for (const path of this.dbPaths) {
      const st = statOrNull(path);
      if (!st) continue;
      // Every committed write changes the database file or its write-ahead log:
      // while both are as they were, so are the rows, and the last scan stands.
      const fileStamp = `${statStamp(st)}|${statStamp(statOrNull(`${path}-wal`))}`;
      const memoKey = `kiro-sqlite:${path}`;
      const remembered = memo?.get(memoKey) as { stamp: string; refs: SessionRef[] } | undefined;
      if (remembered?.stamp === fileStamp && Array.isArray(remembered.refs)) {
        refs.push(...remembered.refs);
        continue;
      }
      try {
        const found = this.scanDb(path, st.mtimeMs, report);
        refs.push(...found);
        memo?.set(memoKey, { stamp: fileStamp, refs: found });
      } catch (error) {
        report(path, `skipped Kiro database: ${errorText(error)}`);
        this.dbs.get(path)?.close();
        this.dbs.delete(path);
      }
    }
    return refs;
  }

  private scanDb(path: string, fileMtimeMs: number, report: Reporter): SessionRef[] {
    const db = openReadOnly(path);
    this.dbs.set(path, db);
    const tables = new Set(
      (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name),
    );
    const refs: SessionRef[] = [];
    const seen = new Set<string>();
    if (tables.has('conversations_v2')) {
      // The time columns come after the large value in each record, so selecting them
      // walks every value. The agent's own indexes cover (key, conversation_id) and
      // updated_at: two index-only scans, joined on rowid, read no value at all.
      const rows = db.prepare(`SELECT rowid AS rid, key, conversation_id FROM conversations_v2`).all() as V2Row[];
      const updatedAt = new Map<number, number>();
      for (const r of db.prepare(`SELECT rowid AS rid, updated_at FROM conversations_v2 ORDER BY updated_at DESC`).iterate() as Iterable<{ rid: number; updated_at: number }>) {
        updatedAt.set(r.rid, r.updated_at);
      }
      for (const row of rows) {
        seen.add(row.conversation_id);
        const updated = updatedAt.get(row.rid) ?? 0;
        refs.push({
          source: this.kind,
          id: row.conversation_id,
          path,
          key: `kiro-sqlite:${path}#v2:${row.key}#${row.conversation_id}`,
          // The agent bumps updated_at on every write, so it alone tells a changed row.
          stamp: String(updated),
          lastWriteMs: toMs(updated) ?? 0,
          locked: false,
          hint: { db: path, table: 'conversations_v2', key: row.key },
        });
      }
    }
    if (tables.has('conversations')) {
      // The old table: one conversation per directory. Rows migrated into v2 are shown from there.
      const rows = db
        .prepare(
          `SELECT key, CASE WHEN json_valid(value) THEN json_extract(value, '$.conversation_id') END AS cid, octet_length(value) AS bytes FROM conversations`,
        )
        .all() as OldRow[];
      for (const row of rows) {
        if (row.cid !== null && seen.has(row.cid)) continue;
        if (typeof row.cid !== 'string' || row.cid === '') {
          report(`${path}#conversations:${row.key}`, 'skipped: value is not JSON with a conversation_id');
          continue;
        }
        refs.push({
          source: this.kind,
          id: row.cid,
          path,
          key: `kiro-sqlite:${path}#v1:${row.key}`,
          stamp: `${Math.trunc(fileMtimeMs)}:${row.bytes}`,
          // Kiro no longer writes this table: its rows are never in use.
          lastWriteMs: 0,
          locked: false,
          hint: { db: path, table: 'conversations', key: row.key },
        });
      }
    }
    return refs;
  }

  read(ref: SessionRef, depth: ReadDepth = 'transcript'): Transcript {
    const session = baseSession(ref);
    const { db: dbPath, table, key } = ref.hint;
    session.workDir = key ?? null;
    let value: string | undefined;
    try {
      const db = this.open(dbPath ?? '');
      type Row = { value: string; created_at?: unknown; updated_at?: unknown };
      const row = (
        table === 'conversations_v2'
          ? db.prepare(`SELECT value, created_at, updated_at FROM conversations_v2 WHERE key = ? AND conversation_id = ?`).get(key, ref.id)
          : db.prepare(`SELECT value FROM conversations WHERE key = ?`).get(key)
      ) as Row | undefined;
      value = row?.value;
      if (row?.created_at !== undefined) {
        session.createdAt = isoOrNull(toMs(row.created_at)) ?? session.createdAt;
        session.updatedAt = isoOrNull(toMs(row.updated_at)) ?? session.updatedAt;
      }
      if (value === undefined) session.problems.push('row vanished while reading');
    } catch (error) {
      session.problems.push(`cannot read row: ${errorText(error)}`);
    }
    let state: unknown;
    if (value !== undefined) {
      session.bytes = Buffer.byteLength(value);
      try {
        state = JSON.parse(value);
      } catch (error) {
        session.problems.push(`value is not valid JSON (${errorText(error)})`);
      }
    }
    const b = readConversationState(state, depth);
    if (state !== undefined && !isRecord(state)) session.problems.push('value is not a JSON object');
    if (table !== 'conversations_v2') {
      // The old table has no time columns: the prompts' own times, else the database file's.
      const fileMs = statOrNull(dbPath ?? '')?.mtimeMs ?? null;
      session.createdAt = isoOrNull(b.firstTimeMs ?? fileMs) ?? session.createdAt;
      session.updatedAt = isoOrNull(b.lastTimeMs ?? fileMs) ?? session.updatedAt;
    }
    if (b.firstPrompt !== null) {
      session.title = foldedTitle(b.firstPrompt);
      session.titleSource = 'prompt';
    }
    session.turns = b.turns;
    session.messages = b.messageCount;
    return { session, messages: b.messages };
  }

  private open(path: string): Database.Database {
    let db = this.dbs.get(path);
    if (!db) {
      db = openReadOnly(path);
      this.dbs.set(path, db);
    }
    return db;
  }

  close(): void {
    for (const db of this.dbs.values()) db.close();
    this.dbs.clear();
  }
}

/**
 * A ConversationState (`value`, or what `/chat save` writes) as a transcript:
 * the compaction summary first (it stands for what came before), then history.
 */
export function readConversationState(state: unknown, depth: ReadDepth = 'transcript'): TranscriptBuilder {
  const b = new TranscriptBuilder(depth);
  if (!isRecord(state)) return b;
  const summary = state['latest_summary'];
  const summaryText = Array.isArray(summary) ? str(summary[0]) : str(summary);
  if (summaryText) b.summary(summaryText, null);
  const history = Array.isArray(state['history']) ? state['history'] : [];
  for (const entry of history) {
    if (!isRecord(entry)) continue;
    const user = isRecord(entry['user']) ? entry['user'] : {};
    const meta = isRecord(entry['request_metadata']) ? entry['request_metadata'] : {};
    userContent(b, user['content'], toMs(user['timestamp']));
    assistantContent(b, entry['assistant'], toMs(meta['request_start_timestamp_ms']));
  }
  return b;
}

function userContent(b: TranscriptBuilder, content: unknown, time: number | null): void {
  if (!isRecord(content)) return;
  const prompt = content['Prompt'];
  if (isRecord(prompt)) {
    b.prompt(str(prompt['prompt']) ?? '', time);
    return;
  }
  const results = isRecord(content['ToolUseResults']) ? content['ToolUseResults']['tool_use_results'] : undefined;
  if (Array.isArray(results)) {
    for (const r of results) {
      if (!isRecord(r)) continue;
      b.toolResult(str(r['tool_use_id']) ?? undefined, resultText(r['content']), r['status'] === 'Error', time);
    }
    return;
  }
  const cancelled = isRecord(content['CancelledToolUses']) ? content['CancelledToolUses'] : undefined;
  if (cancelled) {
    const prompt = str(cancelled['prompt']);
    if (prompt) b.prompt(prompt, time);
    const uses = cancelled['tool_use_results'];
    if (Array.isArray(uses)) {
      for (const r of uses) if (isRecord(r)) b.toolResult(str(r['tool_use_id']) ?? undefined, 'cancelled', true, time);
    }
  }
}

function assistantContent(b: TranscriptBuilder, assistant: unknown, time: number | null): void {
  if (!isRecord(assistant)) return;
  const response = isRecord(assistant['Response']) ? assistant['Response'] : undefined;
  const toolUse = isRecord(assistant['ToolUse']) ? assistant['ToolUse'] : undefined;
  const body = response ?? toolUse;
  if (!body) return;
  const text = (str(body['content']) ?? '').trim();
  if (text) b.assistantText(text, time);
  if (toolUse && Array.isArray(toolUse['tool_uses'])) {
    for (const use of toolUse['tool_uses']) {
      if (!isRecord(use)) continue;
      b.toolCall(str(use['name']) ?? 'tool', str(use['id']) ?? undefined, argsText(use['args']), time);
    }
  }
}

/** Tool result content: `[{"Text": "..."}, {"Json": {...}}]`. */
function resultText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((c) => {
      if (!isRecord(c)) return '';
      if (typeof c['Text'] === 'string') return c['Text'];
      if (c['Json'] !== undefined) return argsText(c['Json']) ?? '';
      return '';
    })
    .filter((t) => t !== '')
    .join('\n');
}
