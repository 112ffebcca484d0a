// Keeps the index in step with the sessions on disk: a session is read again
// only when its scan stamp changed; sessions that are gone drop out.
import type { Message, Session } from '../model.js';
import type { SessionRef, Source } from '../sources/source.js';
import { errorText } from '../util/text.js';
import { IndexStore, packWeight, PostingList } from './index-store.js';
import { forEachTerm } from './tokenize.js';

export interface Found {
  ref: SessionRef;
  source: Source;
}

export interface SyncStats {
  sessions: number;
  indexed: number;
  removed: number;
  /** Bytes of session files read (their size on disk). */
  bytes: number;
}

export type Progress = (done: number, total: number) => void;

/** Past this many sessions to read, the vocabulary is preloaded and postings go straight into the blobs. */
const BULK = 200;
const BATCH = 100;
/** Compact when this many delta rows or dead sessions have piled up. */
const MAX_DELTA = 300_000;
/** Snippets need only so much of a message; tool output is kept shorter still. */
const DOC_TEXT_MAX = 20_000;
const DOC_TOOL_MAX = 300;

export interface SyncHooks {
  progress?: Progress;
  /** Called once if another process holds the index and this one waits for it. */
  waiting?: () => void;
}

/**
 * Brings the index up to date, as one write transaction: another `sessions`
 * process waits for it (never interleaves), and a crash leaves the index as it was.
 */
export function syncIndex(store: IndexStore, found: readonly Found[], report: (path: string, reason: string) => void, hooks: SyncHooks = {}): SyncStats {
  lockForWrite(store, hooks.waiting);
  try {
    const stats = syncLocked(store, found, report, hooks.progress);
    store.db.exec('COMMIT');
    return stats;
  } catch (error) {
    if (store.db.inTransaction) store.db.exec('ROLLBACK');
    throw error;
  }
}

/** How long to wait for another process's index build before giving up. */
const LOCK_WAIT_MS = 10 * 60_000;

function lockForWrite(store: IndexStore, waiting?: () => void): void {
  const until = Date.now() + LOCK_WAIT_MS;
  // First without waiting, so a wait is announced at once rather than after the busy timeout.
  const timeout = store.db.pragma('busy_timeout', { simple: true }) as number;
  store.db.pragma('busy_timeout = 0');
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        store.db.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!code.startsWith('SQLITE_BUSY') || Date.now() > until) throw error;
        if (attempt === 0) {
          waiting?.();
          store.db.pragma(`busy_timeout = ${timeout}`);
        }
      }
    }
  } finally {
    store.db.pragma(`busy_timeout = ${timeout}`);
  }
}

function syncLocked(store: IndexStore, found: readonly Found[], report: (path: string, reason: string) => void, progress?: Progress): SyncStats {
  const existing = store.stamps();
  const seen = new Set<string>();
  const work: Array<Found & { old: number | undefined }> = [];
  for (const f of found) {
    seen.add(f.ref.key);
    const e = existing.get(f.ref.key);
    if (!e || e.stamp !== f.ref.stamp) work.push({ ...f, old: e?.n });
  }
  const gone = [...existing].filter(([key]) => !seen.has(key)).map(([, e]) => e.n);
  const stats: SyncStats = { sessions: found.length, indexed: 0, removed: gone.length, bytes: 0 };
  if (work.length === 0 && gone.length === 0) return stats;

  const db = store.db;
  const bulk = work.length > BULK;
  if (bulk) store.preloadTerms();
  const fresh = new Map<number, PostingList>();
  const insertSess = db.prepare(
    'INSERT INTO sess (key, stamp, session, source, work_dir, title, updated_at, turns, messages, bytes, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertDoc = db.prepare('INSERT INTO doc (n, data) VALUES (?, ?)');
  const drop = (n: number): void => {
    db.prepare('DELETE FROM sess WHERE n = ?').run(n);
    db.prepare('DELETE FROM doc WHERE n = ?').run(n);
  };

  const indexOne = (f: (typeof work)[number]): void => {
    let session: Session;
    let messages: Message[];
    try {
      ({ session, messages } = f.source.read(f.ref, 'transcript'));
    } catch (error) {
      report(f.ref.path, `not indexed: ${errorText(error)}`);
      return;
    }
    if (f.old !== undefined) drop(f.old);
    const { inUse: _inUse, ...stored } = session;
    const counts = countTerms(session.title, messages);
    let words = 0;
    for (const c of counts.values()) words += unpackCounts(c)[0];
    const n = Number(
      insertSess.run(f.ref.key, f.ref.stamp, JSON.stringify(stored), session.source, session.workDir, session.title, Date.parse(session.updatedAt), session.turns, session.messages, session.bytes, words)
        .lastInsertRowid,
    );
    insertDoc.run(n, JSON.stringify(messages.map(docEntry)));
    for (const [term, c] of counts) {
      const id = store.termId(term);
      const w = packWeight(...unpackCounts(c));
      if (bulk) {
        let list = fresh.get(id);
        if (!list) fresh.set(id, (list = new PostingList()));
        list.push(n, w);
      } else {
        store.addDelta(id, n, w);
      }
    }
    stats.indexed++;
    stats.bytes += session.bytes;
  };

  for (let i = 0; i < work.length; i += BATCH) {
    const batch = work.slice(i, i + BATCH);
    batch.forEach(indexOne);
    store.flushDeletes();
    progress?.(Math.min(i + BATCH, work.length), work.length);
  }
  gone.forEach(drop);

  const live = liveSet(store);
  const dead = Number(store.meta('dead') ?? 0) + gone.length + work.filter((w) => w.old !== undefined).length;
  if (bulk || store.deltaCount() > MAX_DELTA || dead > Math.max(1000, live.size / 5)) {
    store.compact(fresh, (n) => live.has(n));
    store.setMeta('dead', '0');
  } else {
    store.setMeta('dead', String(dead));
  }
  return stats;
}

export function liveSet(store: IndexStore): Set<number> {
  return new Set(store.db.prepare('SELECT n FROM sess').pluck().all() as number[]);
}

/** How a message is kept for snippets: its role and (for long ones, the start of) its text. */
function docEntry(m: Message): [string, string] {
  if (m.role === 'tool') return ['tool', m.text.slice(0, DOC_TOOL_MAX)];
  if (m.tool) return ['assistant', `${m.tool.name} ${m.tool.args ?? ''}`.trim().slice(0, DOC_TEXT_MAX)];
  return [m.role, m.text.slice(0, DOC_TEXT_MAX)];
}

/**
 * Counts of each word, packed in one number so counting allocates nothing:
 * conversation + tool outputs * 2^20 + title * 2^40 (exact up to 2^53).
 */
export function countTerms(title: string, messages: readonly Message[]): Map<string, number> {
  const counts = new Map<string, number>();
  const bump = (inc: number) => (term: string): void => {
    counts.set(term, (counts.get(term) ?? 0) + inc);
  };
  forEachTerm(title, bump(TITLE_UNIT));
  const text = bump(1);
  const tool = bump(TOOL_UNIT);
  for (const m of messages) {
    if (m.role === 'tool') forEachTerm(m.text, tool);
    else if (m.tool) forEachTerm(`${m.tool.name} ${m.tool.args ?? ''}`, text);
    else forEachTerm(m.text, text);
  }
  return counts;
}

const TOOL_UNIT = 2 ** 20;
const TITLE_UNIT = 2 ** 40;

export function unpackCounts(c: number): [number, number, number] {
  const title = Math.floor(c / TITLE_UNIT);
  const rest = c - title * TITLE_UNIT;
  const tool = Math.floor(rest / TOOL_UNIT);
  return [rest - tool * TOOL_UNIT, tool, title];
}
