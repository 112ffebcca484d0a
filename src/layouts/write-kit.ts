// Building blocks the layouts' writers share (titles, cuts, trimming).
import type { ActionEnv, ActionTarget } from '../actions/target.js';
import type { SessionRef } from '../sources/source.js';

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
  /** How to find it for a next step (compact's shrink), where that is not the target's ref with the new id. */
  ref?: SessionRef;
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
