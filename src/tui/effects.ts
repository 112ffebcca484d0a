// Runs the reducer's effects through the catalog, the search index and the
// action layer, and answers with messages. The only part of the manager
// that reads or writes sessions.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { HISTORY } from './reducer.js';
import { ActionEnv } from '../actions/target.js';
import type { Catalog } from '../catalog/catalog.js';
import { SummaryCache } from '../catalog/summary-cache.js';
import { sessionKey, type Session, type Transcript } from '../model.js';
import type { SearchEngine } from '../search/engine.js';
import type { IndexStore } from '../search/index-store.js';
import type { Homes } from '../sources/homes.js';
import type { ResumeMark } from '../sources/source.js';
import { errorText } from '../util/text.js';
import { workDirGone } from '../services/picker.js';
import type { Msg } from './reducer.js';
import type { Dialog, Row } from './state.js';

/** Earlier queries, in the data folder (they are the person's, not a cache). */
const QUERIES = 'query-history.json';

/** Search results that carry their matched messages (the rest only rank). */
const SNIPPET_ROWS = 40;
/** A session larger than this is previewed in a window around its match (reading 100 MB takes seconds). */
const WINDOW_BYTES = 8 * 1024 * 1024;
/** Messages read past the match (or from the start) in such a window. */
const WINDOW_MESSAGES = 1000;

export interface EffectsOptions {
  homes: Homes;
  /** A fresh catalog (after an action the old one's scan is stale). */
  catalog: () => Catalog;
  /** The cache folder (summaries and the index), or null to keep both in memory. */
  indexDir: string | null;
  cwd: string;
  /** The person's home, for `~` in a typed file name. */
  home?: string;
  now: () => number;
  /** The sessions offered (the picker: one agent's, archived ones only when asked); default all. */
  offered?: (s: Session) => boolean;
  /** Sessions larger than this are previewed in a window (default WINDOW_BYTES; tests lower it). */
  windowBytes?: number;
}

export class Effects {
  private catalog: Catalog;
  private store: IndexStore | null = null;
  private engine: SearchEngine | null = null;
  private indexReady: Promise<void> | null = null;
  private readonly env: ActionEnv;
  private byKey = new Map<string, Session>();
  /** Why the index could not be kept or built, once that happened. */
  private indexProblem: string | null = null;

  constructor(private readonly o: EffectsOptions) {
    this.catalog = o.catalog();
    this.env = new ActionEnv(o.homes);
  }

  /** The clock every message carries (the reducer reads none). */
  now(): number {
    return this.o.now();
  }

  /** The sessions as the summary cache last saw them, unchecked: the first frame, at once. */
  loadCached(): Msg | null {
    if (this.o.indexDir === null) return null;
    const sessions = this.offer(SummaryCache.load(this.o.indexDir).all());
    return sessions.length > 0 ? { type: 'loaded', sessions, now: this.o.now(), locked: [] } : null;
  }

  /** Every session, from the summary cache where it is valid. */
  load(): Extract<Msg, { type: 'loaded' }> {
    const sessions = this.offer(this.catalog.list());
    this.byKey = new Map(sessions.map((x) => [sessionKey(x), x]));
    const locked = this.catalog.scanned().flatMap((f) => (f.ref.locked ? [sessionKey(f.ref)] : []));
    return { type: 'loaded', sessions, now: this.o.now(), locked };
  }

  /**
   * Brings the search index up to date in the background; progress goes to
   * `send`. Never rejects: an index that cannot be kept in the cache folder
   * (a file where the folder should be, a full disk) is built in memory, and
   * the status bar says so; the manager goes on either way.
   */
  startIndex(send: (m: Msg) => void): Promise<void> {
    this.indexReady ??= (async () => {
      // The index and the engine load here, after the first frame: a picker shows its rows first.
      const [{ openIndex }, { SearchEngine }] = await Promise.all([import('../services/search-index.js'), import('../search/engine.js')]);
      const open = (dir: string | null): Promise<IndexStore> =>
        openIndex({
          catalog: this.catalog,
          homes: this.o.homes,
          dir,
          report: () => {},
          progress: (done, total) => send({ type: 'indexing', text: total === 0 ? null : `indexing ${done}/${total}` }),
        });
      let store: IndexStore | null = null;
      try {
        store = await open(this.o.indexDir);
      } catch (error) {
        this.indexProblem = `the search index cannot be kept (${errorText(error)})`;
        send({ type: 'notice', message: `${this.indexProblem}; searching without it` });
        try {
          if (this.o.indexDir !== null) store = await open(null);
        } catch (again) {
          this.indexProblem = `search is unavailable: ${errorText(again)}`;
          send({ type: 'notice', message: this.indexProblem });
        }
      } finally {
        send({ type: 'indexing', text: null });
      }
      if (!store) return;
      this.store = store;
      this.engine = new SearchEngine(store);
    })();
    return this.indexReady;
  }

  async search(query: string): Promise<Msg> {
    // After an action the index is opened again; a search that comes first waits for it.
    await (this.indexReady ?? this.startIndex(() => {}));
    if (!this.engine) return { type: 'results', query, rows: [], error: this.indexProblem ?? 'search is unavailable' };
    try {
      const { parseQuery } = await import('../search/query.js');
      const q = parseQuery(query, this.o.now());
      const opts = { toolOutput: true, cwd: this.o.cwd, now: this.o.now() };
      // Every match for the list (no cap: the count and a cleanup over the query cover them all),
      // but the matched messages (the costly part) only for the first screenful: those are the rows a person opens.
      const found = this.engine.matchingIds(q, opts);
      const top = new Map(this.engine.search(q, { ...opts, limit: SNIPPET_ROWS }).map((r) => [sessionKey(r.session), r.matches]));
      // The sessions of the last load: listing again (thousands of stats) on every keystroke would lag.
      const rows: Row[] = [];
      for (const key of found) {
        const s = this.byKey.get(key);
        if (s) rows.push({ session: s, matches: top.get(key) ?? [] });
      }
      return { type: 'results', query, rows };
    } catch (error) {
      // A query still being typed (`after:20`) gets its reason where the rows would be, as the CLI says it.
      return { type: 'results', query, rows: [], error: errorText(error) };
    }
  }

  /** The selected session's transcript; a long one only around message `at` (its match), unless `whole`. */
  preview(s: Session, o: { at?: number; match?: number; whole?: boolean } = {}): Msg {
    const key = sessionKey(s);
    const match = o.match ?? 0;
    try {
      const found = this.catalog.resolve(key);
      const window = !o.whole && s.bytes > (this.o.windowBytes ?? WINDOW_BYTES) ? this.window(found, o.at) : null;
      return { type: 'preview', key, transcript: window ?? this.catalog.read(found), match };
    } catch (error) {
      return { type: 'preview', key, transcript: { session: s, messages: [{ role: 'summary', text: `cannot read: ${errorText(error)}`, time: null }] }, match };
    }
  }

  /**
   * A window of a long session: from the turn the index says holds message
   * `at` (its parts start at turns), or from the start. Null where the layout
   * reads only whole sessions.
   */
  private window(found: ReturnType<Catalog['resolve']>, at: number | undefined): Transcript | null {
    const json = at !== undefined ? this.store?.markBefore(found.ref.key, at) : undefined;
    const mark = json ? (JSON.parse(json) as ResumeMark) : null;
    return this.catalog.readWindow(found, mark, (at ?? 0) - (mark?.message ?? 0) + WINDOW_MESSAGES);
  }

  /** Runs a dialog's action; the sessions are read again afterwards. */
  /**
   * Runs a dialog's action; the sessions are read again afterwards. The
   * action layer loads with the first action, not before the first frame.
   */
  async act(d: Dialog): Promise<Msg[]> {
    try {
      const { runDialog } = await import('./run-action.js');
      const message = runDialog(d, { env: this.env, catalog: this.catalog, cwd: this.o.cwd, home: this.o.home ?? homedir() });
      return message.type === 'ask-replace' ? [message] : [message, this.reload()];
    } catch (error) {
      return [{ type: 'action-failed', message: errorText(error) }];
    }
  }

  async undo(trashId: string): Promise<Msg[]> {
    try {
      const { restoreEntry } = await import('../actions/remove.js');
      const r = restoreEntry(this.env, { id: trashId });
      return [{ type: 'action-done', message: `restored ${r.sessions.length} session${r.sessions.length === 1 ? '' : 's'}`, trashId: null }, this.reload()];
    } catch (error) {
      return [{ type: 'action-failed', message: errorText(error) }];
    }
  }

  /** Earlier queries, newest first (the data folder's query-history.json; none when it cannot be read). */
  queries(): string[] {
    try {
      const raw = JSON.parse(readFileSync(join(this.o.homes.data, QUERIES), 'utf8')) as unknown;
      return Array.isArray(raw) ? raw.filter((q): q is string => typeof q === 'string').slice(0, HISTORY) : [];
    } catch {
      return [];
    }
  }

  /** Keeps a query among the earlier ones; a history that cannot be written is not worth an error. */
  remember(query: string): void {
    const all = [query, ...this.queries().filter((q) => q !== query)].slice(0, HISTORY);
    try {
      writeFileAtomic(join(this.o.homes.data, QUERIES), JSON.stringify(all), { mkdirMode: 0o700 });
    } catch {
      // nothing lost but convenience
    }
  }

  /** The whole transcript as `sessions show` prints it, for $PAGER (its renderer loads with the first use). */
  async transcriptText(s: Session, width: number): Promise<string> {
    try {
      const { renderTranscript } = await import('../format/transcript-text.js');
      return renderTranscript(this.catalog.read(this.catalog.resolve(sessionKey(s))), { width, now: new Date(this.o.now()), home: this.o.home ?? homedir(), full: false });
    } catch (error) {
      return `cannot read ${sessionKey(s)}: ${errorText(error)}\n`;
    }
  }

  /** A work dir that no longer exists (or was never known): resuming there would fail. */
  workDirGone(s: Session): boolean {
    return workDirGone(s);
  }

  private offer(sessions: Session[]): Session[] {
    return this.o.offered ? sessions.filter(this.o.offered) : sessions;
  }

  close(): void {
    this.store?.close();
    this.catalog.close();
  }

  private reload(): Msg {
    this.catalog.close();
    this.catalog = this.o.catalog();
    this.engine = null;
    this.store?.close();
    this.store = null;
    this.indexReady = null;
    return { ...this.load(), fresh: true };
  }

}
