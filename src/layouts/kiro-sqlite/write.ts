// Kiro CLI's database. A row has no title field, so titles live in the
// manager's annotations. A fork or a compaction is a new row under the same
// key with the new conversation_id inside its JSON too; `/compact` keeps the
// old row, and so does this. Deletion removes one row, as --delete-session.
import { randomUUID } from 'node:crypto';
import { isRecord } from '../../util/text.js';
import { getRow, insertRow, updateValue, withKiroDb, type KiroRow, type KiroTable } from './db.js';
import { sessionOf, type ActionEnv, type ActionTarget } from '../../actions/target.js';
import { endOfTurn, forkTitle, trimStrings, type Created, type LayoutWriter } from '../write-kit.js';

function locator(t: ActionTarget): { db: string; table: KiroTable; key: string; conversationId: string } {
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
  return { id, path: loc.db };
}

export const kiroSqliteWriter: LayoutWriter = {
  trashPlan(t) {
    return { paths: [], row: locator(t) };
  },

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

