// `sessions search <query>`: sessions whose content matches, best first.
import { cacheDir } from '../sources/homes.js';
import { SearchEngine } from '../search/engine.js';
import { IndexStore } from '../search/index-store.js';
import { syncIndex } from '../search/indexer.js';
import { parseQuery } from '../search/query.js';
import type { CommandContext } from './context.js';
import { CliError } from '../errors.js';

export interface SearchCommandOptions {
  json: boolean;
  limit: number;
  toolOutput: boolean;
  /** Keep the index in memory only (--no-cache). */
  cache: boolean;
}

export async function runSearch(ctx: CommandContext, queryText: string, options: SearchCommandOptions): Promise<number> {
  if (queryText.trim() === '') throw new CliError('search needs a query (see --help for the query language)', 2);
  const query = parseQuery(queryText, ctx.now.getTime());
  const results = await withIndex(ctx, options.cache, (store) => new SearchEngine(store).search(query, { limit: options.limit, toolOutput: options.toolOutput, cwd: ctx.io.cwd, now: ctx.now.getTime() }));
  if (options.json) {
    const out = results.map((r) => ({
      id: r.session.id,
      source: r.session.source,
      title: r.session.title,
      workDir: r.session.workDir,
      updatedAt: r.session.updatedAt,
      score: r.score,
      matches: r.matches,
    }));
    ctx.io.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else if (results.length === 0) {
    ctx.io.stderr.write('sessions: no session matches\n');
  } else {
    const { renderSearchResults } = await import('../format/search-results.js');
    const color = Boolean(ctx.io.stdout.isTTY) && !('NO_COLOR' in ctx.io.env);
    ctx.io.stdout.write(renderSearchResults(results, { width: ctx.width, now: ctx.now, home: ctx.home, color }));
  }
  return 0;
}

/** `source:id` of every session the query matches (for `export --all` and `clean --query`). */
export async function matchingKeys(ctx: CommandContext, queryText: string, cache: boolean): Promise<Set<string>> {
  const query = parseQuery(queryText, ctx.now.getTime());
  const ids = await withIndex(ctx, cache, (store) => new SearchEngine(store).matchingIds(query, { toolOutput: true, cwd: ctx.io.cwd, now: ctx.now.getTime() }));
  return new Set(ids);
}

/**
 * Opens the index, brings it up to date with the sessions on disk, and runs
 * `use` on it. A corrupt index is deleted and rebuilt once: it is only a cache.
 *
 * Freshness costs a stat of every session file (about 17,000 at 10,000
 * sessions): appends change no folder's mtime, so nothing cheaper sees a new
 * message. What is saved is the rest: when the digest of every scan stamp
 * equals the one the index was last synced to, syncIndex neither locks nor
 * reads the stored stamps.
 */
export async function withIndex<T>(ctx: CommandContext, persistent: boolean, use: (store: IndexStore) => T): Promise<T> {
  const dir = persistent ? cacheDir(ctx.io.env) : null;
  const found = ctx.catalog.scanned();
  const report = (path: string, reason: string): void => void ctx.io.stderr.write(`sessions: ${path}: ${reason}\n`);
  const progress = progressLine(ctx);
  for (let attempt = 0; ; attempt++) {
    const store = IndexStore.open(dir);
    try {
      await syncIndex(store, found, report, {
        homes: ctx.homes,
        progress,
        waiting: () => void ctx.io.stderr.write('sessions: waiting for another sessions process to finish updating the index…\n'),
      });
      progress(0, 0);
      return use(store);
    } catch (error) {
      if (attempt > 0 || !isSqliteError(error) || dir === null) throw error;
      store.close();
      IndexStore.discard(dir);
    } finally {
      store.close();
    }
  }
}

/** Only real damage deletes the index; a busy or locked one belongs to another process at work. */
function isSqliteError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

/** "indexing 1200/10000 sessions" on a terminal's stderr while the index is built; nothing otherwise. */
function progressLine(ctx: CommandContext): (done: number, total: number) => void {
  const tty = (ctx.io.stderr as NodeJS.WritableStream & { isTTY?: boolean }).isTTY;
  let shown = false;
  return (done, total) => {
    if (!tty) return;
    if (total === 0) {
      if (shown) ctx.io.stderr.write('\r\x1b[K');
      shown = false;
      return;
    }
    shown = true;
    ctx.io.stderr.write(`\r\x1b[Kindexing ${done}/${total} sessions`);
  };
}

