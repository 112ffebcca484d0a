// Writes to Kiro CLI's database: one row at a time, in short transactions,
// with a busy timeout, touching only the conversation tables. The agent
// writes this file while it runs; it is never copied or rewritten whole.
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

const BUSY_TIMEOUT_MS = 5000;

export type KiroTable = 'conversations_v2' | 'conversations';

export interface KiroRow {
  table: KiroTable;
  key: string;
  conversationId: string;
  value: string;
  /** unix ms; null for the old table, which has no time columns */
  createdAt: number | null;
  updatedAt: number | null;
}

export function openKiroForWrite(path: string): Database.Database {
  const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new BetterSqlite(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
}

export function withKiroDb<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = openKiroForWrite(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function getRow(db: Database.Database, table: KiroTable, key: string, conversationId: string): KiroRow | undefined {
  if (table === 'conversations_v2') {
    const r = db
      .prepare('SELECT key, conversation_id, value, created_at, updated_at FROM conversations_v2 WHERE key = ? AND conversation_id = ?')
      .get(key, conversationId) as { key: string; conversation_id: string; value: string; created_at: number; updated_at: number } | undefined;
    return r && { table, key: r.key, conversationId: r.conversation_id, value: r.value, createdAt: r.created_at, updatedAt: r.updated_at };
  }
  const r = db.prepare('SELECT key, value FROM conversations WHERE key = ?').get(key) as { key: string; value: string } | undefined;
  return r && { table, key: r.key, conversationId, value: r.value, createdAt: null, updatedAt: null };
}

/** Inserts a row; fails (never replaces) when one with the same key and id exists. */
export function insertRow(db: Database.Database, row: KiroRow): void {
  if (row.table === 'conversations_v2') {
    db.prepare('INSERT INTO conversations_v2 (key, conversation_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
      row.key,
      row.conversationId,
      row.value,
      row.createdAt ?? Date.now(),
      row.updatedAt ?? Date.now(),
    );
  } else {
    db.prepare('INSERT INTO conversations (key, value) VALUES (?, ?)').run(row.key, row.value);
  }
}

/** Deletes exactly one row, as `--delete-session` does; returns whether it was there. */
export function deleteRow(db: Database.Database, row: Pick<KiroRow, 'table' | 'key' | 'conversationId'>): boolean {
  const info =
    row.table === 'conversations_v2'
      ? db.prepare('DELETE FROM conversations_v2 WHERE key = ? AND conversation_id = ?').run(row.key, row.conversationId)
      : db.prepare('DELETE FROM conversations WHERE key = ?').run(row.key);
  return info.changes === 1;
}

export function rowExists(db: Database.Database, row: Pick<KiroRow, 'table' | 'key' | 'conversationId'>): boolean {
  return getRow(db, row.table, row.key, row.conversationId) !== undefined;
}

/** Any row of either table with this conversation id (ids must stay unique across keys). */
export function conversationIdTaken(db: Database.Database, id: string): boolean {
  if (db.prepare('SELECT 1 FROM conversations_v2 WHERE conversation_id = ?').get(id) !== undefined) return true;
  const old = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversations'`).get();
  return (
    old !== undefined &&
    db.prepare(`SELECT 1 FROM conversations WHERE json_valid(value) AND json_extract(value, '$.conversation_id') = ?`).get(id) !== undefined
  );
}

/** Replaces one row's value (and bumps updated_at, as the agent does on every write). */
export function updateValue(db: Database.Database, row: Pick<KiroRow, 'table' | 'key' | 'conversationId'>, value: string, now: number): void {
  const info =
    row.table === 'conversations_v2'
      ? db.prepare('UPDATE conversations_v2 SET value = ?, updated_at = ? WHERE key = ? AND conversation_id = ?').run(value, now, row.key, row.conversationId)
      : db.prepare('UPDATE conversations SET value = ? WHERE key = ?').run(value, row.key);
  if (info.changes !== 1) throw new Error(`the row of ${row.conversationId} is gone`);
}
