// Inserts a Kiro ConversationState JSON (a sample's text, unchanged) as a row.
import type Database from 'better-sqlite3';

export function insertKiroConversationValue(db: Database.Database, key: string, value: string, createdMs: number, updatedMs: number): void {
  const id = (JSON.parse(value) as { conversation_id: string }).conversation_id;
  db.prepare('INSERT INTO conversations_v2 (key, conversation_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(key, id, value, createdMs, updatedMs);
}
