// Rename: the layout's own title field (Kiro rows: the manager's notes).
import { UserError } from '../errors.js';
import type { SourceKind } from '../model.js';
import { writeAction, writerFor } from '../layouts/registry.js';
import { assertNotInUse, sessionOf, type ActionEnv, type ActionTarget } from './target.js';
import { Trash, trashedSession } from './trash.js';

export interface RenameResult {
  action: 'rename';
  source: SourceKind;
  id: string;
  from: string;
  /** null: back to the default title */
  to: string | null;
  dryRun: boolean;
}

export function renameSession(env: ActionEnv, t: ActionTarget, title: string | null, opts: { force?: boolean; dryRun?: boolean } = {}): RenameResult {
  const s = sessionOf(t);
  if (title !== null && title.trim() === '') throw new Error('the new title is empty (use --clear to return to the default title)');
  const clean = title === null ? null : title.replace(/\s*\n\s*/g, ' ').trim();
  const rename = writeAction(s.source, 'rename');
  const noClear = writerFor(s.source).cannotClear;
  if (clean === null && noClear) throw new UserError(`cannot clear the title of ${s.source}:${s.id}: ${noClear}`, 'bad-input');
  assertNotInUse(t, opts.force ?? false, 'renaming');
  if (opts.dryRun) return { action: 'rename', source: s.source, id: s.id, from: s.title, to: clean, dryRun: true };
  const replaced = writerFor(s.source).renameReplaces?.(t) ?? [];
  // A file the rename must replace because it cannot be read goes to the trash first, as a copy.
  if (replaced.length > 0) new Trash(env.homes.data).put([{ info: trashedSession(s), plan: { paths: replaced } }], 'replaced', true);
  rename(t, clean, env);
  env.wrote(s.source, [s.id]);
  return { action: 'rename', source: s.source, id: s.id, from: s.title, to: clean, dryRun: false };
}
