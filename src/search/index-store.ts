// The search index: one SQLite file in the cache folder.
//
//   sess   one row per indexed session (a new number each time it is re-read;
//          numbers are never reused, so postings of old numbers are just dead)
//   doc    the session's messages as JSON [[role, text], ...], for snippets, in
//          parts of about 256 KB (most sessions are one part), so a 100 MB
//          session is read and parsed only where a query's words are
//   term   the vocabulary;  del  one-character deletions of each word (typos)
//   post   per word, its postings in a blob (gaps between session numbers and
//          counts, as varints: about two bytes a session)
//   delta  postings written since the last compaction, one row each, so that
//          re-reading one session never rewrites the blobs of common words; a
//          delta row for a session also in a word's blob replaces that entry
//   tail   for sessions whose layout records resume marks: the last mark and
//          the word counts from it on, so that a session that grew is
//          re-read from its last turn and its postings corrected in place
//
// Postings are per session, not per message: "all words somewhere in the
// session" is then a merge of a few sorted lists, however many messages match.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { typoKeys } from './fuzzy.js';
import { isCjkTerm } from './tokenize.js';

/** Bump when what is indexed, or how, changes: an older index is then rebuilt. */
export const INDEX_VERSION = 8;
const FILE = `index-v${INDEX_VERSION}.sqlite3`;
/** Rows per multi-row insert of deletion entries (SQLite allows 32,766 parameters). */
const DEL_BATCH = 500;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sess (
  n INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT UNIQUE NOT NULL,
  stamp TEXT NOT NULL,
  session TEXT NOT NULL,
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  work_dir TEXT,
  title TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  turns INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  words INTEGER NOT NULL
);
-- What ranking reads of every session, in an index of its own: the rows themselves carry the session JSON.
CREATE INDEX IF NOT EXISTS sess_rank ON sess (updated_at, words);
-- at: the resume mark (JSON) the part starts at, where the layout records marks.
CREATE TABLE IF NOT EXISTS doc (n INTEGER NOT NULL, first INTEGER NOT NULL, data TEXT NOT NULL, at TEXT, PRIMARY KEY (n, first));
CREATE TABLE IF NOT EXISTS term (id INTEGER PRIMARY KEY, t TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS del (d TEXT NOT NULL, term INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS del_d ON del (d);
CREATE TABLE IF NOT EXISTS post (term INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS delta (term INTEGER NOT NULL, n INTEGER NOT NULL, w INTEGER NOT NULL, PRIMARY KEY (term, n)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tail (n INTEGER PRIMARY KEY, mark TEXT NOT NULL, counts TEXT NOT NULL);
`;

/**
 * A posting's weight packs three counts of the word in one session: in the
 * conversation (16 bits), in tool outputs (8 bits), in the title (8 bits).
 */
export function packWeight(text: number, tool: number, title: number): number {
  return (Math.min(text, 0xffff) | (Math.min(tool, 0xff) << 16) | (Math.min(title, 0xff) << 24)) >>> 0;
}

export function unpackWeight(w: number): { text: number; tool: number; title: number } {
  return { text: w & 0xffff, tool: (w >>> 16) & 0xff, title: w >>> 24 };
}

/** What ranking needs of every session: a plain word query reads nothing more. */
export interface RankRow {
  n: number;
  updated_at: number;
  /** Words in the conversation (tool outputs left out): a session's length for scoring. */
  words: number;
}

/** A session's indexed fields (filters read these). */
export interface SessRow extends RankRow {
  key: string;
  source: string;
  /** The agent's session id (with `source`, what names the session everywhere else). */
  id: string;
  work_dir: string | null;
  title: string;
  turns: number;
  messages: number;
  bytes: number;
}

export interface TermHit {
  id: number;
  t: string;
}

export class IndexStore {
  private termIds = new Map<string, number>();
  /** Deletion rows waiting to be written in one multi-row insert (flushDeletes). */
  private pendingDels: Array<string | number> = [];
  /** After preloadTerms, a word missing from the map is new: no need to ask the database. */
  private complete = false;
  private readonly stmt;

  private constructor(readonly db: Database.Database) {
    this.stmt = {
      termId: db.prepare('SELECT id FROM term WHERE t = ?').pluck(),
      addTerm: db.prepare('INSERT INTO term (t) VALUES (?)'),
      addDel: db.prepare('INSERT INTO del (d, term) VALUES (?, ?)'),
      addDels: db.prepare(`INSERT INTO del (d, term) VALUES ${Array.from({ length: DEL_BATCH }, () => '(?, ?)').join(', ')}`),
      postBlob: db.prepare('SELECT data FROM post WHERE term = ?').pluck(),
      delta: db.prepare('SELECT n, w FROM delta WHERE term = ?').raw(),
      deltaOne: db.prepare('SELECT w FROM delta WHERE term = ? AND n = ?').pluck(),
      addDelta: db.prepare('INSERT OR REPLACE INTO delta (term, n, w) VALUES (?, ?, ?)'),
      putPost: db.prepare('INSERT OR REPLACE INTO post (term, data) VALUES (?, ?)'),
      docFirsts: db.prepare('SELECT first FROM doc WHERE n = ? ORDER BY first').pluck(),
      docPart: db.prepare('SELECT data FROM doc WHERE n = ? AND first = ?').pluck(),
      sessionOf: db.prepare('SELECT key, session FROM sess WHERE n = ?'),
    };
  }

  /**
   * Opens (or creates) the index in `dir`; `null` keeps it in memory (--no-cache).
   * An index that cannot be opened, or was left half-built, is deleted and
   * started anew: it holds nothing that cannot be rebuilt.
   */
  static open(dir: string | null): IndexStore {
    const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
    if (dir === null) return IndexStore.init(new BetterSqlite(':memory:'));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    removeOtherVersions(dir);
    const path = join(dir, FILE);
    try {
      const store = IndexStore.init(new BetterSqlite(path, { timeout: 5000 }));
      if (store.meta('state') === 'building') {
        store.close();
        throw new Error('left half-built');
      }
      return store;
    } catch {
      removeIndexFiles(path);
      return IndexStore.init(new BetterSqlite(path, { timeout: 5000 }));
    }
  }

  /** Deletes the index files in `dir` (a corrupt index is rebuilt from the sessions). */
  static discard(dir: string): void {
    removeIndexFiles(join(dir, FILE));
  }

  private static init(db: Database.Database): IndexStore {
    db.pragma('journal_mode = WAL');
    // A cache: a crash may cost the index (it is then rebuilt), never user data.
    db.pragma('synchronous = OFF');
    db.exec(SCHEMA);
    const store = new IndexStore(db);
    const version = store.meta('version');
    if (version !== null && version !== String(INDEX_VERSION)) throw new Error('other version');
    if (version === null) store.setMeta('version', String(INDEX_VERSION));
    // Touch the tables so a corrupt file fails here, not in the middle of a search.
    db.prepare('SELECT count(*) FROM sess').get();
    return store;
  }

  meta(k: string): string | null {
    const row = this.db.prepare('SELECT v FROM meta WHERE k = ?').pluck().get(k) as string | undefined;
    return row ?? null;
  }

  setMeta(k: string, v: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)').run(k, v);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ------------------------------------------------------------------ vocabulary

  /** Loads the whole vocabulary (worth it before indexing many sessions). */
  preloadTerms(): void {
    for (const [id, t] of this.db.prepare('SELECT id, t FROM term').raw().iterate() as Iterable<[number, string]>) this.termIds.set(t, id);
    this.complete = true;
  }

  /** The id of a word, adding it (and its typo entries) when new. */
  termId(t: string): number {
    let id = this.termIds.get(t);
    if (id !== undefined) return id;
    id = this.complete ? undefined : (this.stmt.termId.get(t) as number | undefined);
    if (id === undefined) {
      id = Number(this.stmt.addTerm.run(t).lastInsertRowid);
      if (!isCjkTerm(t)) {
        for (const d of typoKeys(t)) this.pendingDels.push(d, id);
        if (this.pendingDels.length >= 2 * DEL_BATCH) this.flushDeletes();
      }
    }
    this.termIds.set(t, id);
    return id;
  }

  /** Writes waiting deletion rows; call before the transaction that added words ends. */
  flushDeletes(): void {
    while (this.pendingDels.length >= 2 * DEL_BATCH) {
      this.stmt.addDels.run(...this.pendingDels.splice(0, 2 * DEL_BATCH));
    }
    for (let i = 0; i < this.pendingDels.length; i += 2) this.stmt.addDel.run(this.pendingDels[i], this.pendingDels[i + 1]);
    this.pendingDels = [];
  }

  /** Known words among `words`. */
  findTerms(words: readonly string[]): TermHit[] {
    if (words.length === 0) return [];
    return this.db.prepare(`SELECT id, t FROM term WHERE t IN (${placeholders(words.length)})`).all(...words) as TermHit[];
  }

  /** Words that have one of `dels` among their one-character deletions. */
  findByDeletes(dels: readonly string[]): TermHit[] {
    if (dels.length === 0) return [];
    return this.db
      .prepare(`SELECT DISTINCT term.id, term.t FROM del JOIN term ON term.id = del.term WHERE del.d IN (${placeholders(dels.length)})`)
      .all(...dels) as TermHit[];
  }

  /**
   * Words starting with `prefix`. Past `limit` of them (a two-letter prefix
   * in a large vocabulary), the oldest words are kept: ids are given in the
   * order words were first seen, so common words come first.
   */
  findByPrefix(prefix: string, limit = 2000): TermHit[] {
    // The unique index on t makes this a range scan: prefix <= t < prefix + U+FFFF.
    return this.db.prepare('SELECT id, t FROM term WHERE t >= ? AND t < ? ORDER BY id LIMIT ?').all(prefix, prefix + '\uffff', limit) as TermHit[];
  }

  findBySuffix(suffix: string, limit = 500): TermHit[] {
    return this.db.prepare("SELECT id, t FROM term WHERE t LIKE '%' || ? LIMIT ?").all(suffix.replace(/[%_]/g, ''), limit) as TermHit[];
  }

  // ------------------------------------------------------------------ postings

  /**
   * Live postings of a word: session numbers and their packed weights, side
   * by side (no array per posting). A delta row replaces the blob's entry for
   * its session (a session corrected in place); a zero weight means gone.
   */
  postings(termId: number, live: (n: number) => boolean): { n: number[]; w: number[] } {
    const out = { n: [] as number[], w: [] as number[] };
    const extra = this.stmt.delta.all(termId) as Array<[number, number]>;
    const replaced = extra.length > 0 ? new Set(extra.map(([n]) => n)) : null;
    const blob = this.stmt.postBlob.get(termId) as Buffer | undefined;
    if (blob) {
      decodePostings(blob, (n, w) => {
        if (live(n) && !replaced?.has(n)) {
          out.n.push(n);
          out.w.push(w);
        }
      });
    }
    for (const [n, w] of extra) {
      if (w !== 0 && live(n)) {
        out.n.push(n);
        out.w.push(w);
      }
    }
    return out;
  }

  /** The packed weight of a word in session `n` (0: not in it). */
  weight(termId: number, n: number): number {
    const w = this.stmt.deltaOne.get(termId, n) as number | undefined;
    if (w !== undefined) return w;
    const blob = this.stmt.postBlob.get(termId) as Buffer | undefined;
    let found = 0;
    if (blob) {
      decodePostings(blob, (m, v) => {
        if (m === n) found = v;
        // Sorted by session: stop at `n` or past it.
        return m < n;
      });
    }
    return found;
  }

  addDelta(termId: number, n: number, w: number): void {
    this.stmt.addDelta.run(termId, n, w);
  }

  deltaCount(): number {
    return this.db.prepare('SELECT count(*) FROM delta').pluck().get() as number;
  }

  /**
   * Folds new postings (and any delta rows) into the blobs, dropping dead
   * sessions. `fresh` holds, per word id, its new [n, w] pairs.
   */
  compact(fresh: Map<number, PostingList>, live: (n: number) => boolean): void {
    const terms = new Set<number>(fresh.keys());
    for (const t of this.db.prepare('SELECT DISTINCT term FROM delta').pluck().iterate() as Iterable<number>) terms.add(t);
    for (const term of terms) {
      // Old entries have smaller session numbers than fresh ones: appending keeps the order.
      const list = new PostingList();
      const old = this.postings(term, live);
      // A delta row that replaced a blob entry comes after the blob's later ones: back in order.
      const order = old.n.map((_, i) => i).sort((a, b) => old.n[a]! - old.n[b]!);
      for (const i of order) list.push(old.n[i]!, old.w[i]!);
      const add = fresh.get(term);
      if (add) decodePostings(add.bytes(), (n, w) => list.push(n, w));
      if (list.length === 0) this.db.prepare('DELETE FROM post WHERE term = ?').run(term);
      else this.stmt.putPost.run(term, Buffer.from(list.bytes()));
    }
    this.db.exec('DELETE FROM delta');
  }

  // ------------------------------------------------------------------ sessions

  /**
   * Every live session's ranking fields. Reading only these (from their own
   * covering index) takes ~14 ms at 10,000 sessions where whole rows take
   * ~90: most of that is turning column strings into JS strings.
   */
  rankRows(): RankRow[] {
    const out: RankRow[] = [];
    for (const [n, updated_at, words] of this.db.prepare('SELECT n, updated_at, words FROM sess').raw().iterate() as Iterable<[number, number, number]>) out.push({ n, updated_at, words });
    return out;
  }

  /** Session `n`'s index key and its session JSON (for a result). */
  sessionOf(n: number): { key: string; session: string } | undefined {
    return this.stmt.sessionOf.get(n) as { key: string; session: string } | undefined;
  }

  liveRows(): SessRow[] {
    return this.db.prepare('SELECT n, key, source, id, work_dir, title, updated_at, turns, messages, bytes, words FROM sess').all() as SessRow[];
  }

  stamps(): Map<string, { n: number; stamp: string }> {
    const out = new Map<string, { n: number; stamp: string }>();
    for (const [n, key, stamp] of this.db.prepare('SELECT n, key, stamp FROM sess').raw().iterate() as Iterable<[number, string, string]>) out.set(key, { n, stamp });
    return out;
  }

  /**
   * The resume mark nearest before message `message` of the session with
   * index key `key` (a long session's preview is read from there), if its layout records marks.
   */
  markBefore(key: string, message: number): string | undefined {
    return this.db
      .prepare('SELECT doc.at FROM doc JOIN sess ON sess.n = doc.n WHERE sess.key = ? AND doc.first <= ? AND doc.at IS NOT NULL ORDER BY doc.first DESC LIMIT 1')
      .pluck()
      .get(key, message) as string | undefined;
  }

  /** Session `n`'s resume mark and the word counts from it on (see the tail table), if its layout records marks. */
  tail(n: number): { mark: string; counts: string } | undefined {
    return this.db.prepare('SELECT mark, counts FROM tail WHERE n = ?').get(n) as { mark: string; counts: string } | undefined;
  }

  /**
   * Session `n`'s stored messages, part by part. A part's text is read when
   * first asked for, and parsed only if its messages are: a query looks at
   * the raw JSON first and parses only the parts that hold its words.
   */
  docParts(n: number): DocPart[] {
    return (this.stmt.docFirsts.all(n) as number[]).map((first) => {
      let raw: string | undefined;
      let messages: Array<[string, string]> | undefined;
      const part: DocPart = {
        first,
        raw: () => (raw ??= (this.stmt.docPart.get(n, first) as string | undefined) ?? '[]'),
        messages: () => (messages ??= JSON.parse(part.raw()) as Array<[string, string]>),
      };
      return part;
    });
  }

  /** Every stored message of session `n`, parsed (small sessions, the bench). */
  doc(n: number): Array<[string, string]> {
    return this.docParts(n).flatMap((p) => p.messages());
  }
}

/** One part of a session's stored messages: those from message number `first` on. */
export interface DocPart {
  first: number;
  /** The part as its JSON text (cheap to test before parsing). */
  raw(): string;
  messages(): Array<[string, string]>;
}

/**
 * A word's postings, compressed: session numbers only grow, so each entry is
 * varint(gap << 1 | more) varint(conversation count) [varint(weight >>> 16)],
 * about two bytes where [n, weight] as uint32 pairs took eight.
 */
export class PostingList {
  private buf = new Uint8Array(16);
  length = 0;
  private last = 0;

  push(n: number, w: number): void {
    const more = w > 0xffff ? 1 : 0;
    this.varint((n - this.last) * 2 + more);
    this.varint(w & 0xffff);
    if (more) this.varint(w >>> 16);
    this.last = n;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  private varint(v: number): void {
    if (this.length + 6 > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    while (v >= 0x80) {
      this.buf[this.length++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.length++] = v;
  }
}

/** Calls `visit(n, weight)` for every entry of an encoded posting list, in order; `visit` returning false stops. */
export function decodePostings(bytes: Uint8Array, visit: (n: number, w: number) => boolean | void): void {
  let i = 0;
  let n = 0;
  const next = (): number => {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[i++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
  };
  while (i < bytes.length) {
    const head = next();
    n += Math.floor(head / 2);
    let w = next();
    if (head % 2 === 1) w = (w | (next() << 16)) >>> 0;
    if (visit(n, w) === false) return;
  }
}

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

function removeIndexFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

/** Older index versions are rebuilt, not kept: drop their files. */
function removeOtherVersions(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = /^index-v(\d+)\.sqlite3(-wal|-shm)?$/.exec(name);
    if (m && Number(m[1]) !== INDEX_VERSION) rmSync(join(dir, name), { force: true });
  }
}
