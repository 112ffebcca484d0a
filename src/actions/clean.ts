// Bulk cleanup: which sessions a set of filters picks, and why the others
// were kept. Pure (sessions in, plan out), so the CLI and the manager's
// cleanup pane share it; the deleting is removeSessions, into one trash batch.
import bytes from 'bytes';
import { UserError } from '../errors.js';
import { sessionKey, type Session, type SourceKind } from '../model.js';
import { parseAge } from '../search/query.js';

export interface CleanFilters {
  /** Last activity more than this many ms ago. */
  olderThanMs?: number;
  /** No turn, or no answer. */
  empty?: boolean;
  smallerThan?: number;
  largerThan?: number;
  sources?: readonly SourceKind[];
  /** A work dir and the folders below it. */
  dir?: (workDir: string | null) => boolean;
  /** `source:id` of the sessions a search query matched. */
  matching?: ReadonlySet<string>;
  /** Keep the N newest sessions of each work dir whatever else matches. */
  keepLast?: number;
  /** Keep sessions with a title a person chose. */
  exceptRenamed?: boolean;
}

export interface CleanPlan {
  /** What would go, oldest first. */
  sessions: Session[];
  bytes: number;
  /** Sessions the filters picked that are kept anyway, by reason. */
  kept: { inUse: number; locked: number; keptLast: number; renamed: number };
}

/** The filters that pick sessions; --source and --dir only narrow, so alone they pick nothing. */
export function hasSelectingFilter(f: CleanFilters): boolean {
  return f.olderThanMs !== undefined || f.empty === true || f.smallerThan !== undefined || f.largerThan !== undefined || f.matching !== undefined || f.keepLast !== undefined;
}

export type CleanValueFilter = 'older-than' | 'smaller-than' | 'larger-than' | 'keep-last';

/**
 * The value of a filter that takes one, as the CLI's flags and the manager's
 * filter line both give it; `label` is how the person typed its name.
 */
export function parseCleanValue(name: CleanValueFilter, value: string, label: string = name): number {
  const v = value.trim();
  if (name === 'older-than') {
    const age = parseAge(v);
    if (age === null) throw new UserError(`${label} takes an age like 90d, 12h, 2w, 3m, 1y; got '${value}'`, 'bad-input');
    return age;
  }
  if (name === 'keep-last') {
    if (!/^\d+$/.test(v)) throw new UserError(`${label} takes a whole number, got '${value}'`, 'bad-input');
    return Number(v);
  }
  const n = bytes.parse(v);
  if (n === null || Number.isNaN(n) || !/^\d/.test(v)) throw new UserError(`${label} takes a size like 10kb or 5mb; got '${value}'`, 'bad-input');
  return n;
}

/** Puts a parsed value where its filter keeps it. */
export function setCleanValue(f: CleanFilters, name: CleanValueFilter, n: number): void {
  if (name === 'older-than') f.olderThanMs = n;
  else if (name === 'smaller-than') f.smallerThan = n;
  else if (name === 'larger-than') f.largerThan = n;
  else f.keepLast = n;
}

export function isEmptySession(s: Session): boolean {
  // `messages` counts prompts and answers (tool calls included): no more of them than prompts means no answer.
  return s.turns === 0 || s.messages <= s.turns;
}

export function planClean(all: readonly Session[], f: CleanFilters, now: number, locked: (s: Session) => boolean = () => false): CleanPlan {
  const kept = { inUse: 0, locked: 0, keptLast: 0, renamed: 0 };
  // The newest N of each work dir are safe before any other filter looks at them.
  const protectedKeys = new Set<string>();
  if (f.keepLast !== undefined) {
    const byDir = new Map<string, Session[]>();
    for (const s of all) {
      const k = s.workDir ?? '';
      let list = byDir.get(k);
      if (!list) byDir.set(k, (list = []));
      list.push(s);
    }
    for (const list of byDir.values()) {
      list.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
      for (const s of list.slice(0, f.keepLast)) protectedKeys.add(sessionKey(s));
    }
  }
  const picked: Session[] = [];
  for (const s of all) {
    if (f.sources && !f.sources.includes(s.source)) continue;
    if (f.dir && !f.dir(s.workDir)) continue;
    if (f.olderThanMs !== undefined && !(now - Date.parse(s.updatedAt) > f.olderThanMs)) continue;
    if (f.empty && !isEmptySession(s)) continue;
    if (f.smallerThan !== undefined && !(s.bytes < f.smallerThan)) continue;
    if (f.largerThan !== undefined && !(s.bytes > f.largerThan)) continue;
    if (f.matching && !f.matching.has(sessionKey(s))) continue;
    if (protectedKeys.has(sessionKey(s))) {
      kept.keptLast++;
      continue;
    }
    if (f.exceptRenamed && s.titleSource === 'custom') {
      kept.renamed++;
      continue;
    }
    if (s.inUse) {
      if (locked(s)) kept.locked++;
      else kept.inUse++;
      continue;
    }
    picked.push(s);
  }
  picked.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0));
  return { sessions: picked, bytes: picked.reduce((n, s) => n + s.bytes, 0), kept };
}
