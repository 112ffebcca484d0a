// The manager's speed on a bench home: time to the first frame, to the first
// frame with the sessions listed, and from a keystroke to the screen, on fake
// terminal streams (the same path a terminal takes, without the terminal).
// Run by bench.ts in its own process: node --import tsx bench/tui-bench.ts HOME CACHE
import { PassThrough } from 'node:stream';
import { Catalog } from '../src/catalog/catalog.js';
import { FileScanMemo } from '../src/catalog/scan-memo.js';
import { SummaryCache } from '../src/catalog/summary-cache.js';
import { cacheDir, resolveHomes } from '../src/sources/homes.js';
import { startApp } from '../src/tui/app.js';
import { Effects } from '../src/tui/effects.js';

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
app.dispatch({ type: 'key', key: 'C-c' });
await app.done;
const p50 = moves[Math.floor(moves.length / 2)]!;
const p95 = moves[Math.floor(moves.length * 0.95)]!;
console.log(JSON.stringify({ firstFrameMs: Math.round(firstFrame), listedMs: Math.round(listed), keyP50Ms: Math.round(p50 * 10) / 10, keyP95Ms: Math.round(p95 * 10) / 10, sessions: app.state().sessions.length }));
process.exit(0);
