// Rename: the layout's own title field (Kiro rows: the manager's notes).
import type { SourceKind } from '../model.js';
import { writerFor } from '../layouts/registry.js';
import { assertNotInUse, sessionOf, type ActionEnv, type ActionTarget } from './target.js';

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
  assertNotInUse(t, opts.force ?? false, 'renaming');
  if (!opts.dryRun) writerFor(s.source).rename(t, clean, env);
  return { action: 'rename', source: s.source, id: s.id, from: s.title, to: clean, dryRun: opts.dryRun ?? false };
}
