// Delete (to the trash) and restore. Nothing is deleted for good here: every
// session goes into one trash entry per batch, which `restore` puts back.
import { UserError } from '../errors.js';
import { writerFor } from '../layouts/registry.js';
import { assertNotInUse, sessionOf, type ActionEnv, type ActionTarget } from './target.js';
import { Trash, trashedSession, type TrashAction, type TrashEntry, type TrashedSession } from './trash.js';

export type RemovedSession = TrashedSession;

export interface RemoveResult {
  action: 'rm';
  /** The trash entry that holds the batch (null on a dry run). */
  trashId: string | null;
  sessions: RemovedSession[];
  bytes: number;
  dryRun: boolean;
}

export function removeSessions(
  env: ActionEnv,
  targets: readonly ActionTarget[],
  opts: { force?: boolean; dryRun?: boolean; reason?: TrashAction } = {},
): RemoveResult {
  // Every check passes before anything moves: a batch goes whole or not at all.
  for (const t of targets) assertNotInUse(t, opts.force ?? false, 'deleting');
  const sessions = targets.map((t) => trashedSession(sessionOf(t)));
  const bytes = sessions.reduce((n, s) => n + s.bytes, 0);
  if (opts.dryRun || targets.length === 0) return { action: 'rm', trashId: null, sessions, bytes, dryRun: opts.dryRun ?? false };
  // Each agent's own lock is held while its sessions move (Kiro's files: as its --delete-session does).
  const releases: Array<() => void> = [];
  try {
    for (const t of targets) {
      const lock = writerFor(t.ref.source).lockFor;
      if (lock) releases.push(lock(t, opts.force ?? false));
    }
    const entry = new Trash(env.homes.data).put(
      targets.map((t, i) => ({ info: sessions[i]!, plan: writerFor(t.ref.source).trashPlan(t, env) })),
      opts.reason ?? 'rm',
    );
    return { action: 'rm', trashId: entry.id, sessions, bytes, dryRun: false };
  } finally {
    for (const release of releases) release();
  }
}

export interface RestoreResult {
  action: 'restore';
  trashId: string;
  sessions: RemovedSession[];
  /** When a compact backup was restored, the compacted version went to this trash entry. */
  replacedBy: string | null;
  dryRun: boolean;
}

/** Restores one trash entry: by id (or unique prefix), or the newest with `last`. */
export function restoreEntry(env: ActionEnv, which: { id?: string; last?: boolean }, opts: { dryRun?: boolean } = {}): RestoreResult {
  const trash = new Trash(env.homes.data);
  let entry: TrashEntry;
  if (which.last) {
    const newest = trash.list()[0];
    if (!newest) throw new UserError('the trash is empty', 'failed');
    entry = newest;
  } else {
    entry = trash.get(which.id ?? '');
  }
  const sessions = entry.items.map(trashedSession);
  if (opts.dryRun) return { action: 'restore', trashId: entry.id, sessions, replacedBy: null, dryRun: true };
  const replaced = trash.restore(entry);
  for (const source of new Set(sessions.map((x) => x.source))) env.wrote(source, sessions.filter((x) => x.source === source).map((x) => x.id));
  return { action: 'restore', trashId: entry.id, sessions, replacedBy: replaced?.id ?? null, dryRun: false };
}
