// Kiro CLI's database. A row has no title field, so titles live in the
// manager's annotations. A fork or a compaction is a new row under the same
// key with the new conversation_id inside its JSON too; `/compact` keeps the
// old row, and so does this. Deletion removes one row, as --delete-session.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { isRecord } from '../../util/text.js';
import { deleteRow, getRow, insertRow, rowExists, updateValue, withKiroDb, type KiroRow, type KiroTable } from './db.js';
import { sessionOf, type ActionEnv, type ActionTarget } from '../../actions/target.js';
import type { LayoutWriter, TrashParts } from '../contract.js';
import { endOfTurn, forkTitle, trimStrings, type Created } from '../write-kit.js';

type RowLocator = { db: string; table: KiroTable; key: string; conversationId: string };

/** A deleted row in a trash entry: where it was, and the row itself as JSON in the entry with its hash. */
interface StoredRow extends RowLocator {
  createdAt: number | null;
  updatedAt: number | null;
  /** Relative to the entry folder. */
  stored: string;
  sha256: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A row leaves the database for the trash entry (row.json), and comes back
 * only byte-identical (its value's hash) and only where no row is now.
 */
export const kiroRowTrashParts: TrashParts = {
  capture(extra, at) {
    const loc = extra as RowLocator;
    const row = withKiroDb(loc.db, (db) => getRow(db, loc.table, loc.key, loc.conversationId));
    if (!row) throw new Error(`${at.label}: the row is gone from ${loc.db}`);
    const stored = `${at.dir}/row.json`;
    writeFileAtomic(join(at.root, stored), JSON.stringify(row), { mkdirMode: 0o700 });
    return { ...loc, createdAt: row.createdAt, updatedAt: row.updatedAt, stored, sha256: sha256(row.value) } satisfies StoredRow;
  },
  remove(part) {
    const row = part as StoredRow;
    withKiroDb(row.db, (db) => deleteRow(db, row));
  },
  clash(part, root) {
    const row = part as StoredRow;
    if (!existsSync(join(root, row.stored))) return null;
    return withKiroDb(row.db, (db) => rowExists(db, row)) ? `is in ${row.db} again` : null;
  },
  restore(part, root, how) {
    const item = part as StoredRow;
    if (!existsSync(join(root, item.stored))) return false;
    const row = JSON.parse(readFileSync(join(root, item.stored), 'utf8')) as KiroRow;
    if (sha256(row.value) !== item.sha256) throw new Error(`${item.stored} in trash entry ${how.entryId} is damaged; not restoring it`);
    withKiroDb(item.db, (d) => {
      if (!rowExists(d, row)) insertRow(d, row);
    });
    return true;
  },
  bytes(extra) {
    const loc = extra as RowLocator;
    return withKiroDb(loc.db, (db) => Buffer.byteLength(getRow(db, loc.table, loc.key, loc.conversationId)?.value ?? ''));
  },
};

export function locator(t: ActionTarget): RowLocator {
  const { db, table, key } = t.ref.hint;
  if (!db || !key || (table !== 'conversations_v2' && table !== 'conversations')) throw new Error(`${t.ref.id}: no database row to act on`);
  return { db, table, key, conversationId: t.ref.id };
}

function readState(t: ActionTarget): { row: KiroRow; state: Record<string, unknown> } {
  const loc = locator(t);
  const row = withKiroDb(loc.db, (db) => getRow(db, loc.table, loc.key, loc.conversationId));
  if (!row) throw new Error(`${t.ref.id}: the row is gone from ${loc.db}`);
  let state: unknown;
  try {
    state = JSON.parse(row.value);
  } catch {
    throw new Error(`${t.ref.id}: the row's value is not valid JSON; not copying it`);
  }
  if (!isRecord(state) || !Array.isArray(state['history'])) throw new Error(`${t.ref.id}: the row's value is not a Kiro conversation`);
  return { row, state };
}

function isPromptEntry(entry: unknown): boolean {
  const user = isRecord(entry) ? entry['user'] : null;
  return isRecord(user) && isRecord(user['content']) && 'Prompt' in user['content'];
}

/** A new row under the same work dir; the id inside the JSON matches the row's. */
function insertCopy(t: ActionTarget, state: Record<string, unknown>, env: ActionEnv): Created {
  const loc = locator(t);
  const id = randomUUID();
  state['conversation_id'] = id;
  const now = env.now();
  withKiroDb(loc.db, (db) =>
    insertRow(db, { table: 'conversations_v2', key: loc.key, conversationId: id, value: JSON.stringify(state), createdAt: now, updatedAt: now }),
  );
  // The new row is always in conversations_v2, whichever table the original was in.
  return { id, path: loc.db, ref: { ...t.ref, id, key: `${t.ref.key}#${id}`, hint: { ...t.ref.hint, table: 'conversations_v2' } } };
}

export const kiroSqliteWriter: LayoutWriter = {
  trashPlan(t) {
    return { paths: [], extra: locator(t) };
  },

  trashParts: kiroRowTrashParts,

  rename(t, title, env) {
    env.annotations.update('kiro-sqlite', t.ref.id, { title: title ?? undefined });
  },

  fork(t, options, env) {
    const { state } = readState(t);
    if (options.atTurn !== undefined) {
      const history = state['history'] as unknown[];
      state['history'] = history.slice(0, endOfTurn(history, options.atTurn, isPromptEntry, t.ref.id));
      const transcript = state['transcript'];
      if (Array.isArray(transcript)) {
        // The display transcript marks prompts with "> "; it may hold fewer than the history.
        const isPrompt = (line: unknown): boolean => typeof line === 'string' && line.startsWith('> ');
        const prompts = transcript.filter(isPrompt).length;
        if (prompts > options.atTurn) state['transcript'] = transcript.slice(0, endOfTurn(transcript, options.atTurn, isPrompt, t.ref.id));
      }
      fixRange(state);
    }
    const created = insertCopy(t, state, env);
    env.annotations.update('kiro-sqlite', created.id, { title: forkTitle(t, options), forkedFrom: t.ref.id });
    return created;
  },

  compact(t, summary, env) {
    const { state } = readState(t);
    const history = state['history'] as unknown[];
    // As /compact: the summary stands for everything before the last prompt, which is kept.
    let lastPrompt = -1;
    history.forEach((e, i) => {
      if (isPromptEntry(e)) lastPrompt = i;
    });
    const kept = lastPrompt === -1 ? [] : history.slice(lastPrompt);
    const last = history.at(-1);
    const metadata = isRecord(last) && isRecord(last['request_metadata']) ? last['request_metadata'] : previousMetadata(state['latest_summary']);
    state['latest_summary'] = [summary, metadata];
    state['history'] = kept;
    state['valid_history_range'] = [0, kept.length];
    const created = insertCopy(t, state, env);
    const s = sessionOf(t);
    if (s.titleSource !== 'none') env.annotations.update('kiro-sqlite', created.id, { title: s.title });
    return created;
  },

  shrink(t, limit, env) {
    const { row, state } = readState(t);
    let changed = false;
    for (const entry of state['history'] as unknown[]) {
      const user = isRecord(entry) ? entry['user'] : null;
      const content = isRecord(user) ? user['content'] : null;
      if (isRecord(content) && 'ToolUseResults' in content && trimStrings(content['ToolUseResults'], limit)) changed = true;
    }
    if (changed) withKiroDb(locator(t).db, (db) => updateValue(db, row, JSON.stringify(state), env.now()));
  },
};

function fixRange(state: Record<string, unknown>): void {
  const len = (state['history'] as unknown[]).length;
  const range = state['valid_history_range'];
  const start = Array.isArray(range) && typeof range[0] === 'number' ? Math.min(range[0], len) : 0;
  state['valid_history_range'] = [start, len];
}

function previousMetadata(latest: unknown): unknown {
  return Array.isArray(latest) && latest.length > 1 ? latest[1] : null;
}

