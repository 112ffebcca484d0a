// The search half of `npm run bench`: a fixed set of queries drawn from the
// corpus (single words of every frequency, typos, several words, phrases,
// filters), timed in one process against a warm index, plus fzf --filter over
// the same message text for comparison.
import { spawnSync } from 'node:child_process';
import { appendFileSync, createWriteStream, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import { SearchEngine } from '../src/search/engine.js';
import { IndexStore } from '../src/search/index-store.js';
import { syncIndex } from '../src/search/indexer.js';
import { parseQuery } from '../src/search/query.js';
import { resolveHomes } from '../src/sources/homes.js';
import { vocabulary } from './corpus.js';

export interface QueryTiming {
  query: string;
  ms: number;
  results: number;
}

/** At least 50 queries; the same every run. */
export function benchQueries(store: IndexStore): string[] {
  const words = vocabulary();
  const head = words.slice(0, 120);
  const tail = words.slice(120);
  const typo = (w: string): string => w.slice(0, 2) + w[3] + w[2] + w.slice(4); // swap two letters
  const drop = (w: string): string => w.slice(0, 3) + w.slice(4);
  const out: string[] = [];
  // Single words: frequent, middling, rare.
  for (let i = 0; i < 6; i++) out.push(head[i * 7]!);
  for (let i = 0; i < 6; i++) out.push(tail[i * 40]!);
  for (let i = 0; i < 6; i++) out.push(tail[3000 + i * 500]!);
  // Typos in words of six letters or more.
  const longer = tail.filter((w) => w.length >= 6);
  for (let i = 0; i < 6; i++) out.push(typo(longer[i * 11]!));
  for (let i = 0; i < 4; i++) out.push(drop(longer[100 + i * 13]!));
  // Several words.
  for (let i = 0; i < 6; i++) out.push(`${head[i]} ${tail[i * 30]}`);
  for (let i = 0; i < 4; i++) out.push(`${tail[i * 20]} ${tail[i * 20 + 5]} ${head[i + 10]}`);
  // Phrases: word pairs taken from real messages of the index.
  out.push(...phrasesFrom(store, 8).map((p) => `"${p}"`));
  // Filters, alone and with words.
  out.push(`agent:kiro ${tail[5]}`, `agent:kimi-code ${head[3]}`, 'newer:30d', `older:6m ${tail[7]}`, `turns>40 ${head[2]}`, `size>200kb ${tail[9]}`, `dir:-1 ${head[5]}`, `title:${tail[0]}`, `${head[1]} -${head[2]}`, `^${tail[2]!.slice(0, 4)}`);
  return out;
}

function phrasesFrom(store: IndexStore, count: number): string[] {
  const ns = store.db.prepare('SELECT n FROM sess ORDER BY n LIMIT ?').pluck().all(count * 7) as number[];
  const out: string[] = [];
  for (let i = 0; i < ns.length && out.length < count; i += 7) {
    const doc = store.doc(ns[i]!);
    const user = doc.find(([role]) => role === 'user');
    const words = user?.[1].split(/\s+/).filter((w) => /^[a-z]+$/.test(w)) ?? [];
    if (words.length >= 4) out.push(words.slice(1, 3).join(' '));
  }
  return out;
}

export interface SearchFigures {
  timings: QueryTiming[];
  p50: number;
  p95: number;
  reindexOneMs: number;
  scanMs: number;
}

/** Times every query twice over an up-to-date index; keeps the second (warm) pass. */
export async function timeQueries(cacheDir: string, corpus: string): Promise<SearchFigures> {
  const store = IndexStore.open(join(cacheDir, 'sessions'));
  try {
    const engine = new SearchEngine(store);
    const queries = benchQueries(store);
    const run = (): QueryTiming[] =>
      queries.map((query) => {
        const t0 = performance.now();
        const results = engine.search(parseQuery(query), { limit: 20, toolOutput: false, cwd: '/', now: Date.now() });
        return { query, ms: performance.now() - t0, results: results.length };
      });
    run();
    const timings = run();
    const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
    const reindex = await reindexOne(store, corpus);
    return { timings, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), ...reindex };
  } finally {
    store.close();
  }
}

/** One Kimi Code session gets a new prompt; the index catches up. The file is put back afterwards. */
async function reindexOne(store: IndexStore, corpus: string): Promise<{ reindexOneMs: number; scanMs: number }> {
  const catalog = new Catalog({ homes: resolveHomes({}, { home: corpus }), report: () => {} });
  try {
    const first = catalog.scanned().find((f) => f.ref.source === 'kimi-code')!;
    const wire = join(first.ref.path, 'agents', 'main', 'wire.jsonl');
    const before = readFileSync(wire);
    const { mtime } = statSync(wire);
    appendFileSync(wire, JSON.stringify({ type: 'turn.prompt', input: [{ type: 'text', text: 'benchmark change' }], origin: { kind: 'user' }, time: Date.now() }) + '\n');
    try {
      const t0 = performance.now();
      const fresh = new Catalog({ homes: resolveHomes({}, { home: corpus }), report: () => {} });
      const found = fresh.scanned();
      const t1 = performance.now();
      const stats = await syncIndex(store, found, () => {});
      const t2 = performance.now();
      fresh.close();
      if (stats.indexed !== 1) throw new Error(`expected one session re-read, got ${stats.indexed}`);
      return { reindexOneMs: t2 - t1, scanMs: t1 - t0 };
    } finally {
      writeFileSync(wire, before);
      utimesSync(wire, mtime, mtime);
    }
  } finally {
    catalog.close();
  }
}

/** fzf --filter over one line per message (the text search covers), p50 over a few queries. */
export async function timeFzf(cacheDir: string, out: string, queries: string[]): Promise<number | null> {
  if (spawnSync('fzf', ['--version']).status !== 0) return null;
  const store = IndexStore.open(join(cacheDir, 'sessions'));
  try {
    const file = createWriteStream(out);
    for (const data of store.db.prepare('SELECT data FROM doc').pluck().iterate() as Iterable<string>) {
      for (const [role, text] of JSON.parse(data) as Array<[string, string]>) {
        if (role !== 'tool' && !file.write(text.replace(/\s+/g, ' ') + '\n')) await new Promise<void>((r) => file.once('drain', () => r()));
      }
    }
    await new Promise<void>((r) => file.end(() => r()));
  } finally {
    store.close();
  }
  const times = queries.map((q) => {
    const t0 = performance.now();
    spawnSync('sh', ['-c', `fzf --filter "$1" < "$2" > /dev/null`, 'sh', q, out]);
    return performance.now() - t0;
  });
  return percentile(times.sort((a, b) => a - b), 0.5);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
