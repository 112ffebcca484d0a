// The manager's speed on a bench home: time to the first frame, to the first
// frame with the sessions listed, and from a keystroke to the screen, on fake
// terminal streams (the same path a terminal takes, without the terminal).
// Run by bench.ts in its own process: node --import tsx bench/tui-bench.ts HOME CACHE
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';

// The compiled code, as the command runs it (and its index workers need .js); the types come from src/.
const DIST = resolve(import.meta.dirname, '..', 'dist');
const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(join(DIST, rel)).href)) as T;
const { Catalog } = await load<typeof import('../src/catalog/catalog.js')>('catalog/catalog.js');
const { FileScanMemo } = await load<typeof import('../src/catalog/scan-memo.js')>('catalog/scan-memo.js');
const { SummaryCache } = await load<typeof import('../src/catalog/summary-cache.js')>('catalog/summary-cache.js');
const { cacheDir, resolveHomes } = await load<typeof import('../src/sources/homes.js')>('sources/homes.js');
const { startApp } = await load<typeof import('../src/tui/app.js')>('tui/app.js');
const { Effects } = await load<typeof import('../src/tui/effects.js')>('tui/effects.js');

const [home, cacheHome] = process.argv.slice(2) as [string, string];
const env = { HOME: home, XDG_CACHE_HOME: cacheHome };
const homes = resolveHomes(env, {});
const dir = cacheDir(env);
const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode() {} });
const output = Object.assign(new PassThrough(), { isTTY: true, columns: 120, rows: 40 });
output.resume();

const t0 = performance.now();
let firstFrame = NaN;
let listed = NaN;
let onRender: (() => void) | null = null;
const effects = new Effects({
  homes,
  catalog: () => new Catalog({ homes, report: () => {}, cache: () => SummaryCache.load(dir), memo: FileScanMemo.load(dir) }),
  indexDir: dir,
  cwd: home,
  now: () => Date.now(),
});
const app = startApp({
  streams: { input, output },
  effects,
  cwd: home,
  home,
  picker: false,
  color: true,
  onRender: (s) => {
    if (Number.isNaN(firstFrame)) firstFrame = performance.now() - t0;
    if (Number.isNaN(listed) && !s.loading) listed = performance.now() - t0;
    onRender?.();
  },
});

async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 5));
}

await until(() => !Number.isNaN(listed));
// Let the preview of the first row arrive before timing keys.
await until(() => app.state().preview.transcript !== null);

/** Time from writing one key to the next render. */
async function keyToScreen(key: string): Promise<number> {
  const start = performance.now();
  const rendered = new Promise<void>((r) => (onRender = r));
  input.write(key);
  await rendered;
  onRender = null;
  const ms = performance.now() - start;
  // The preview of the new row loads after the frame: wait for it so keys do not pile up.
  await new Promise((r) => setTimeout(r, 10));
  return ms;
}

const moves: number[] = [];
for (let i = 0; i < 30; i++) moves.push(await keyToScreen(i % 2 ? 'k' : 'j'));
moves.sort((a, b) => a - b);

// Typing a query: from the last keystroke to the results on screen (the index is warm).
await until(() => app.state().indexing === null);
const queries: number[] = [];
for (const word of ['deploy', 'rounding', 'parquet', 'schema', 'retry']) {
  input.write('/');
  const start = performance.now();
  input.write(word);
  await until(() => app.state().results !== null && app.state().query === word);
  queries.push(performance.now() - start);
  input.write('\x1b');
  await until(() => app.state().mode === 'list' && app.state().query === '');
  await new Promise((r) => setTimeout(r, 60));
}
queries.sort((a, b) => a - b);
app.dispatch({ type: 'key', key: 'C-c' });
await app.done;
const p50 = moves[Math.floor(moves.length / 2)]!;
const p95 = moves[Math.floor(moves.length * 0.95)]!;
console.log(
  JSON.stringify({
    firstFrameMs: Math.round(firstFrame),
    listedMs: Math.round(listed),
    keyP50Ms: Math.round(p50 * 10) / 10,
    keyP95Ms: Math.round(p95 * 10) / 10,
    // Includes the 25 ms the app waits for typing to pause before it searches.
    queryMedianMs: Math.round(queries[Math.floor(queries.length / 2)]!),
    queriesMs: queries.map(Math.round),
    sessions: app.state().sessions.length,
  }),
);
process.exit(0);
