// The contract every on-disk layout implements. A source never knows another
// source exists; discover.ts puts them together.
import type { Session, SourceKind, Transcript } from '../model.js';
import type { ReadDepth } from './transcript-builder.js';

/**
 * A little state a source keeps between runs (in the summary cache), so a
 * scan can skip work whose inputs have not changed. Values must be JSON.
 */
export interface ScanMemo {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Where a broken or unreadable file is told about (stderr for the CLI). */
export interface Reporter {
  (path: string, reason: string): void;
}

/**
 * A session found by a cheap scan (directory listings and stats, or one
 * indexed query): enough to tell whether a cached summary is still valid and
 * to read the session later, without reading its content.
 */
export interface SessionRef {
  source: SourceKind;
  id: string;
  /** The session's folder or file, or the database file for Kiro rows. */
  path: string;
  /** Unique among all refs of all sources; the cache key. */
  key: string;
  /** Changes whenever the session's content may have changed (sizes, mtimes, updated_at). */
  stamp: string;
  /** Newest write seen by the scan, epoch ms: a session written in the last minute is in use. */
  lastWriteMs: number;
  /** Kiro's `.lock` file is present. */
  locked: boolean;
  /** Source-private locator (work dir hint, table, row key). */
  hint: Readonly<Record<string, string | null>>;
}

export interface Source {
  readonly kind: SourceKind;
  /** Finds every session; reports (and leaves out) what cannot be read at all. */
  scan(report: Reporter, memo?: ScanMemo): SessionRef[];
  /**
   * Reads one session fully. Never throws for bad content: what is wrong goes
   * into `session.problems`. `inUse` and `sameAs` links across layouts are
   * filled in by the caller. At depth 'summary' the messages come back empty
   * (counts, title and times are still exact).
   */
  read(ref: SessionRef, depth?: ReadDepth): Transcript;
  /** Releases handles (database connections). */
  close(): void;
}

/** The fields every reader starts from; times fall back to the scan's file times. */
export function baseSession(ref: SessionRef): Session {
  const when = new Date(ref.lastWriteMs > 0 ? ref.lastWriteMs : 0).toISOString();
  return {
    source: ref.source,
    id: ref.id,
    title: '',
    titleSource: 'none',
    workDir: null,
    createdAt: when,
    updatedAt: when,
    turns: 0,
    messages: 0,
    bytes: 0,
    path: ref.path,
    inUse: false,
    archived: false,
    forkedFrom: null,
    sameAs: null,
    problems: [],
  };
}
