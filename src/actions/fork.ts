// Fork: a new session in the agent's own id format, same work dir, linked to
// its source, optionally cut after turn N. The source is only read.
import { UserError } from '../errors.js';
import type { SourceKind } from '../model.js';
import { writeAction } from '../layouts/registry.js';
import { forkTitle, type ForkOptions } from '../layouts/write-kit.js';
import { sessionOf, type ActionEnv, type ActionTarget } from './target.js';

export interface ForkResult {
  action: 'fork';
  source: SourceKind;
  /** The new session's id (empty on a dry run). */
  id: string;
  forkedFrom: string;
  title: string;
  atTurn: number | null;
  path: string | null;
  dryRun: boolean;
}

export function forkSession(env: ActionEnv, t: ActionTarget, options: ForkOptions, opts: { dryRun?: boolean } = {}): ForkResult {
  const s = sessionOf(t);
  if (options.atTurn !== undefined && (options.atTurn < 1 || options.atTurn > s.turns)) {
    // Asking for a turn the session does not have is bad input, like an unknown id.
    throw new UserError(`${s.id} has ${s.turns} turn${s.turns === 1 ? '' : 's'}; --at-turn must be 1..${s.turns}`, 'bad-input');
  }
  const fork = writeAction(s.source, 'fork');
  const title = forkTitle(t, options);
  const base = { action: 'fork' as const, source: s.source, forkedFrom: s.id, title, atTurn: options.atTurn ?? null };
  // Forking only reads the source, so a session in use can be forked (as the agent's own /fork does).
  if (opts.dryRun) return { ...base, id: '', path: null, dryRun: true };
  const created = fork(t, options, env);
  env.wrote(s.source, [created.id]);
  return { ...base, id: created.id, path: created.path, dryRun: false };
}

/** A turn number as a person types it (`--at-turn 2`, the fork dialog): a whole number from 1. */
export function parseTurn(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1) throw new UserError(`${what} takes a whole number of at least 1, got '${value}'`, 'bad-input');
  return n;
}
