// What each layout does for the actions. One module per layout implements
// it; the actions (rename.ts, fork.ts, …) never look at a file format.
import type { ActionEnv, ActionTarget } from '../actions/target.js';
import type { TrashPlan } from '../actions/trash.js';

export interface ForkOptions {
  /** Keep turns 1..N (the prompts a person typed) and what answered them. */
  atTurn?: number;
  /** The fork's title; default `Fork: <title>`. */
  title?: string;
}

/** A session an action made. */
export interface Created {
  id: string;
  /** Its folder, file, or database file. */
  path: string;
}

export interface LayoutWriter {
  /** The files, folders or row that make up the session, for the trash. */
  trashPlan(t: ActionTarget, env: ActionEnv): TrashPlan;
  /** Sets the title a person chose; `null` returns to the default title. */
  rename(t: ActionTarget, title: string | null, env: ActionEnv): void;
  fork(t: ActionTarget, options: ForkOptions, env: ActionEnv): Created;
  /**
   * Records a compaction the way the agent does, so that resuming starts
   * from `summary`. Returns the session that carries it (Kiro's database
   * makes a new row, as `/compact` does; the others compact in place).
   */
  compact(t: ActionTarget, summary: string, env: ActionEnv): Created;
  /** Cuts tool outputs longer than `limit` characters and drops logs the agent can do without. */
  shrink(t: ActionTarget, limit: number, env: ActionEnv): void;
}

export function forkTitle(t: ActionTarget, options: ForkOptions): string {
  if (options.title !== undefined) return options.title;
  const s = t.transcript.session;
  return `Fork: ${s.titleSource === 'none' || s.title === '' ? s.id : s.title}`;
}

/** A note put where a long tool output was cut. */
export function trimmedNote(original: string, limit: number): string {
  return `${original.slice(0, limit)}\n[… ${original.length - limit} more characters removed by \`sessions compact --shrink\`]`;
}

export function outOfTurns(id: string, atTurn: number, turns: number): Error {
  return new Error(`${id} has ${turns} turn${turns === 1 ? '' : 's'}; cannot cut after turn ${atTurn}`);
}

/** Cuts every string longer than `limit` inside a tool result; returns whether anything changed. */
export function trimStrings(value: unknown, limit: number): boolean {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && v.length > limit) {
      changed = true;
      return trimmedNote(v, limit);
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = walk(o[k]);
    }
    return v;
  };
  walk(value);
  return changed;
}

/** Index of the first element after the first `n` that `isStart` picks (the end of turn n), or the length. */
export function endOfTurn<T>(items: readonly T[], n: number, isStart: (item: T) => boolean, id: string): number {
  const starts = items.flatMap((item, i) => (isStart(item) ? [i] : []));
  if (n < 1 || n > starts.length) throw outOfTurns(id, n, starts.length);
  return n < starts.length ? starts[n]! : items.length;
}
