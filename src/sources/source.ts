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
  /** The agent holds the session's lock (Kiro's `.lock` file). */
  locked: boolean;
  /** Source-private locator (work dir hint, table, row key). */
  hint: Readonly<Record<string, string | null>>;
}

/**
 * A point a reader can resume at: the start of a turn in a session's
 * append-only log, with what the reader had counted before it. A layout whose
 * sessions grow by appending records one per turn, so that a session that
 * grew (an agent at work in a 100 MB session) is re-read from its last turn,
 * not from its first byte.
 */
export interface ResumeMark {
  /** Byte offset of the turn's first record in the log. */
  offset: number;
  /** A digest of that record: a log rewritten (compacted, cut) rather than appended to no longer matches. */
  check: string;
  /** Transcript messages before the mark (the index of its first message). */
  message: number;
  /** `Session.messages` and `Session.turns` before the mark. */
  messageCount: number;
  turns: number;
  firstPrompt: string | null;
  firstTimeMs: number | null;
}

/** A read, with the resume marks of layouts that record them (one per turn, in order). */
export interface SourceRead extends Transcript {
  marks?: ResumeMark[];
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
  read(ref: SessionRef, depth?: ReadDepth): SourceRead;
  /**
   * Reads a session from `mark` on (null: from its start), the messages from
   * `mark.message` on; with `limit`, stops after that many messages (a window,
   * `window.more` set if it stopped early; its counts are then partial).
   * Without a limit the session's fields are whole (a session that grew).
   * Null where the log changed before the mark (the caller reads it all
   * again). Only layouts that record marks have it.
   */
  readFrom?(ref: SessionRef, mark: ResumeMark | null, limit?: number): SourceRead | null;
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
