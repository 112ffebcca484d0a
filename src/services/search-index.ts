// The search index as the CLI and the manager both open it: brought up to
// date with the sessions on disk, and rebuilt once when it is damaged (it is
// only a cache). A busy or locked index belongs to another process at work
// and is waited for, never deleted.
import type { Catalog } from '../catalog/catalog.js';
import { SearchEngine } from '../search/engine.js';
import { IndexStore } from '../search/index-store.js';
import { syncIndex } from '../search/indexer.js';
import { parseQuery } from '../search/query.js';
import type { Homes } from '../sources/homes.js';
import type { Reporter } from '../sources/source.js';

export interface IndexOptions {
  catalog: Catalog;
  homes: Homes;
  /** Where the index lives, or null to build it in memory. */
  dir: string | null;
  report: Reporter;
  progress?: (done: number, total: number) => void;
  /** Another process holds the index lock. */
  waiting?: () => void;
}

/**
 * Opens the index and syncs it; the caller closes the store. Freshness costs
 * a stat of every session file (appends change no folder's mtime, so nothing
 * cheaper sees a new message); when the digest of every scan stamp equals
 * the one the index was last synced to, syncIndex neither locks nor reads
 * the stored stamps.
 */
export async function openIndex(o: IndexOptions): Promise<IndexStore> {
  const found = o.catalog.scanned();
  for (let attempt = 0; ; attempt++) {
    const store = IndexStore.open(o.dir);
    try {
      await syncIndex(store, found, o.report, { homes: o.homes, ...(o.progress ? { progress: o.progress } : {}), ...(o.waiting ? { waiting: o.waiting } : {}) });
      return store;
    } catch (error) {
      store.close();
      if (attempt > 0 || !isDamaged(error) || o.dir === null) throw error;
      IndexStore.discard(o.dir);
    }
  }
}

/** Runs `use` on a synced index and closes it. */
export async function withIndex<T>(o: IndexOptions, use: (store: IndexStore) => T): Promise<T> {
  const store = await openIndex(o);
  try {
    return use(store);
  } finally {
    store.close();
  }
}

/** `source:id` of every session a query (the search language) matches: for `export --all` and `clean --query`. */
export async function matchingKeys(o: IndexOptions, queryText: string, at: { cwd: string; now: number }): Promise<Set<string>> {
  const query = parseQuery(queryText, at.now);
  return new Set(await withIndex(o, (store) => new SearchEngine(store).matchingIds(query, { toolOutput: true, cwd: at.cwd, now: at.now })));
}

/** Only real damage deletes the index. */
function isDamaged(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}
