// Keeps the index in step with the sessions on disk: a session is read again
// only when its scan stamp changed; sessions that are gone drop out.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Homes } from '../sources/homes.js';
import type { SessionRef, Source } from '../sources/source.js';
import { IndexStore, packWeight, PostingList, unpackWeight } from './index-store.js';
import { type Grown, prepare, prepareGrown, type Prepared, type PrepareResult } from './prepare.js';

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
/** Batches (of 25 sessions) a worker may have waiting to be written; keeps a bulk build's memory flat. */
const WORKER_WINDOW = 3;

export interface SyncHooks {
  progress?: Progress;
  /** Called once if another process holds the index and this one waits for it. */
  waiting?: () => void;
  /** Where the sessions live, so a bulk build can read them in worker threads. */
  homes?: Homes;
}

/**
 * Brings the index up to date, as one write transaction: another `sessions`
 * process waits for it (never interleaves), and a crash leaves the index as it was.
 */
export async function syncIndex(
  store: IndexStore,
  found: readonly Found[],
  report: (path: string, reason: string) => void,
  hooks: SyncHooks = {},
): Promise<SyncStats> {
  // Nothing changed since the last sync (the common case): no lock, no reading of every stored stamp.
  const fingerprint = fingerprintOf(found);
  if (store.meta('fingerprint') === fingerprint) return { sessions: found.length, indexed: 0, removed: 0, bytes: 0 };
  lockForWrite(store, hooks.waiting);
  try {
    const stats = await syncLocked(store, found, report, hooks);
    store.setMeta('fingerprint', fingerprint);
    store.db.exec('COMMIT');
    return stats;
  } catch (error) {
    if (store.db.inTransaction) store.db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * A digest of every session's key and scan stamp. Written in the same
 * transaction as the sessions it describes, so an equal digest means the
 * index holds exactly what is on disk now.
 */
function fingerprintOf(found: readonly Found[]): string {
  const h = createHash('sha256');
  for (const f of found) h.update(`${f.ref.key}\u0000${f.ref.stamp}\n`);
  return h.digest('base64');
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

async function syncLocked(store: IndexStore, found: readonly Found[], report: (path: string, reason: string) => void, hooks: SyncHooks): Promise<SyncStats> {
  const existing = store.stamps();
  const seen = new Set<string>();
  const work: Found[] = [];
  const old = new Map<string, number>();
  for (const f of found) {
    seen.add(f.ref.key);
    const e = existing.get(f.ref.key);
    if (!e || e.stamp !== f.ref.stamp) {
      work.push(f);
      if (e) old.set(f.ref.key, e.n);
    }
  }
  const gone = [...existing].filter(([key]) => !seen.has(key)).map(([, e]) => e.n);
  const stats: SyncStats = { sessions: found.length, indexed: 0, removed: gone.length, bytes: 0 };
  if (work.length === 0 && gone.length === 0) return stats;

  const db = store.db;
  const bulk = work.length > BULK;
  if (bulk) {
    store.preloadTerms();
    // Building the typo index once at the end beats updating it row by row.
    db.exec('DROP INDEX IF EXISTS del_d');
  }
  const fresh = new Map<number, PostingList>();
  const insertSess = db.prepare(
    'INSERT INTO sess (key, stamp, session, source, id, work_dir, title, updated_at, turns, messages, bytes, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertDoc = db.prepare('INSERT INTO doc (n, first, data, at) VALUES (?, ?, ?, ?)');
  const insertTail = db.prepare('INSERT OR REPLACE INTO tail (n, mark, counts) VALUES (?, ?, ?)');
  const drop = (n: number): void => {
    db.prepare('DELETE FROM sess WHERE n = ?').run(n);
    db.prepare('DELETE FROM doc WHERE n = ?').run(n);
    db.prepare('DELETE FROM tail WHERE n = ?').run(n);
  };

  const write = (p: Prepared): void => {
    const previous = old.get(p.key);
    if (previous !== undefined) drop(previous);
    const n = Number(insertSess.run(p.key, p.stamp, p.session, p.source, p.id, p.workDir, p.title, p.updatedAt, p.turns, p.messages, p.bytes, p.words).lastInsertRowid);
    for (const [first, data, at] of p.doc) insertDoc.run(n, first, data, at);
    if (p.tail) insertTail.run(n, p.tail.mark, p.tail.counts);
    for (let i = 0; i < p.terms.length; i++) {
      const id = store.termId(p.terms[i]!);
      const w = p.weights[i]!;
      if (bulk) {
        let list = fresh.get(id);
        if (!list) fresh.set(id, (list = new PostingList()));
        list.push(n, w);
      } else {
        store.addDelta(id, n, w);
      }
    }
    stats.indexed++;
    stats.bytes += p.bytes;
  };
  let done = 0;
  const take = (r: PrepareResult): void => {
    if (r.ok) write(r.value);
    else report(r.path, `not indexed: ${r.error}`);
    done++;
    if (done % BATCH === 0 || done === work.length) {
      store.flushDeletes();
      hooks.progress?.(done, work.length);
    }
  };

  /** A session that grew, corrected in place from what was re-read after its last mark. */
  const update = (n: number, g: Grown): void => {
    for (const [term, [text, tool]] of g.changes) {
      if (text === 0 && tool === 0) continue;
      const id = store.termId(term);
      const before = store.weight(id, n);
      const was = unpackWeight(before);
      // Counts past packWeight's caps stay at the cap: BM25 has saturated long before.
      const w = packWeight(Math.max(0, was.text + text), Math.max(0, was.tool + tool), was.title);
      if (w !== before) store.addDelta(id, n, w);
    }
    db.prepare('UPDATE sess SET stamp = ?, session = ?, updated_at = ?, turns = ?, messages = ?, bytes = ?, words = max(0, words + ?) WHERE n = ?').run(
      g.stamp, g.session, g.updatedAt, g.turns, g.messages, g.bytes, g.words, n,
    );
    db.prepare('DELETE FROM doc WHERE n = ? AND first >= ?').run(n, g.from);
    for (const [first, data, at] of g.doc) insertDoc.run(n, first, data, at);
    insertTail.run(n, g.tail.mark, g.tail.counts);
    stats.indexed++;
    stats.bytes += g.bytes;
  };
  /** A grown session whose layout records marks is re-read from its last turn, not from its start. */
  const grown = (f: Found): boolean => {
    const n = old.get(f.ref.key);
    const tail = n === undefined ? undefined : store.tail(n);
    if (n === undefined || !tail) return false;
    const title = db.prepare('SELECT title FROM sess WHERE n = ?').pluck().get(n) as string;
    const g = prepareGrown(f.ref, f.source, tail, title);
    if (!g) return false;
    update(n, g);
    old.delete(f.ref.key);
    done++;
    return true;
  };

  const workerFile = workerScript();
  if (bulk && hooks.homes && workerFile) await prepareInWorkers(workerFile, hooks.homes, work, take);
  else for (const f of work) if (!grown(f)) take(prepare(f.ref, f.source));
  store.flushDeletes();
  gone.forEach(drop);

  const live = liveSet(store);
  const dead = Number(store.meta('dead') ?? 0) + gone.length + old.size;
  if (bulk || store.deltaCount() > MAX_DELTA || dead > Math.max(1000, live.size / 5)) {
    store.compact(fresh, (n) => live.has(n));
    store.setMeta('dead', '0');
  } else {
    store.setMeta('dead', String(dead));
  }
  if (bulk) db.exec('CREATE INDEX IF NOT EXISTS del_d ON del (d)');
  return stats;
}

export function liveSet(store: IndexStore): Set<number> {
  return new Set(store.db.prepare('SELECT n FROM sess').pluck().all() as number[]);
}

/**
 * The compiled worker beside this file. Run from source (tests under tsx),
 * there is none a worker thread can load: the build then reads in this thread.
 */
function workerScript(): URL | null {
  if (import.meta.url.endsWith('.ts')) return null;
  const url = new URL('./prepare-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * Reads and tokenizes on worker threads (one per core, at least two: the
 * writer is idle half the time) while this thread writes what they send.
 */
async function prepareInWorkers(file: URL, homes: Homes, work: readonly Found[], take: (r: PrepareResult) => void): Promise<void> {
  const count = Math.max(2, Math.min(4, availableParallelism()));
  const refs = work.map((f) => f.ref);
  const slices = Array.from({ length: count }, (_, i) => refs.filter((_, k) => k % count === i));
  const inflight = new SharedArrayBuffer(4 * count);
  const pending = new Int32Array(inflight);
  await Promise.all(
    slices.map(
      (slice, slot) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(file, {
            workerData: { homes, refs: slice, inflight, slot, window: WORKER_WINDOW },
            // A worker holds a few sessions at a time; a small heap makes it collect instead of grow.
            resourceLimits: { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 48 },
          });
          worker.on('message', (msg: PrepareResult[] | 'done') => {
            if (msg === 'done') return resolve();
            msg.forEach(take);
            Atomics.sub(pending, slot, 1);
            Atomics.notify(pending, slot);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`index worker stopped (${code})`))));
        }),
    ),
  );
}
