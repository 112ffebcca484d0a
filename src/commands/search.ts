// `sessions search <query>`: sessions whose content matches, best first.
import { SearchEngine } from '../search/engine.js';
import { withIndex } from '../services/search-index.js';
import { parseQuery } from '../search/query.js';
import { indexOptions, type CommandContext } from './context.js';
import { UserError } from '../errors.js';

export interface SearchCommandOptions {
  json: boolean;
  limit: number;
  toolOutput: boolean;
  /** Keep the index in memory only (--no-cache). */
  cache: boolean;
}

export async function runSearch(ctx: CommandContext, queryText: string, options: SearchCommandOptions): Promise<number> {
  if (queryText.trim() === '') throw new UserError('search needs a query (see --help for the query language)', 'bad-input');
  const query = parseQuery(queryText, ctx.now.getTime());
  const o = indexOptions(ctx, options.cache);
  const results = await withIndex(o, (store) => (o.progress?.(0, 0), new SearchEngine(store).search(query, { limit: options.limit, toolOutput: options.toolOutput, cwd: ctx.io.cwd, now: ctx.now.getTime() })));
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
