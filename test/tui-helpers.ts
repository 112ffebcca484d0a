// The manager on fake terminal streams: keys go through blessed's real
// decoder, the screen is read back as text (DESIGN.md).
import { PassThrough } from 'node:stream';
import type { TestContext } from './harness.js';
import { Catalog } from '../src/catalog/catalog.js';
import { SummaryCache } from '../src/catalog/summary-cache.js';
import { resolveHomes } from '../src/sources/homes.js';
import { startApp, type App } from '../src/tui/app.js';
import { Effects } from '../src/tui/effects.js';
import type { State } from '../src/tui/state.js';

export interface Headless {
  app: App;
  /** Every byte written to the fake terminal. */
  written(): string;
  /** How many sessions each frame so far listed. */
  frames(): number[];
  lines(): string[];
  text(): string;
  press(...keys: string[]): void;
  waitFor(pred: (text: string, s: State) => boolean, what: string, ms?: number): Promise<void>;
  close(): void;
}

export const KEYS: Record<string, string> = { enter: '\r', escape: '\x1b', down: '\x1b[B', up: '\x1b[A', tab: '\t', backspace: '\x7f', space: ' ' };

export interface HeadlessOptions {
  cwd?: string;
  picker?: boolean;
  /** The picker's choice runs the agent (--exec, --shell-command). */
  runsAgent?: boolean;
  color?: boolean;
  width?: number;
  height?: number;
  query?: string;
  /** Use the summary cache and index in this folder (default: none, all in memory). */
  cacheDir?: string;
  /** Sessions larger than this are previewed in a window. */
  windowBytes?: number;
}

export function headless(home: string, o: HeadlessOptions = {}): Headless {
  delete process.env['TMUX'];
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode() {}, isRaw: true });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: o.width ?? 100, rows: o.height ?? 30 });
  let bytes = '';
  output.on('data', (d: Buffer) => (bytes += d.toString('utf8')));
  const homes = resolveHomes({ HOME: home }, {});
  const dir = o.cacheDir;
  const catalog = (): Catalog => (dir ? new Catalog({ homes, report: () => {}, cache: () => SummaryCache.load(dir) }) : new Catalog({ homes, report: () => {} }));
  const effects = new Effects({ homes, catalog, indexDir: dir ?? null, cwd: o.cwd ?? home, home, now: () => Date.now(), ...(o.windowBytes !== undefined ? { windowBytes: o.windowBytes } : {}) });
  const frames: number[] = [];
  const app = startApp({
    streams: { input, output },
    effects,
    cwd: o.cwd ?? home,
    home,
    picker: o.picker ?? false,
    runsAgent: o.runsAgent ?? false,
    color: o.color ?? false,
    ...(o.query ? { query: o.query } : {}),
    onRender: (s) => void frames.push(s.sessions.length),
  });
  const lines = (): string[] => (app.screen as unknown as { lines: Array<Array<[unknown, string]>> }).lines.map((row) => row.map((c) => c[1]).join('').replace(/\x03/g, '').trimEnd());
  return {
    app,
    written: () => bytes,
    frames: () => frames,
    lines,
    text: () => lines().join('\n'),
    press: (...keys) => {
      for (const k of keys) input.write(KEYS[k] ?? k);
    },
    async waitFor(pred, what, ms = 5000) {
      const end = Date.now() + ms;
      for (;;) {
        // Checked once more after the deadline: a long synchronous read can outlast it.
        if (pred(lines().join('\n'), app.state())) return;
        if (Date.now() >= end) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`timed out waiting for ${what}; the screen:\n${lines().join('\n')}`);
    },
    close: () => {
      try {
        app.dispatch({ type: 'key', key: 'C-c' });
      } catch {
        // already closed
      }
    },
  };
}

/** The manager over `home`, its sessions loaded; closed when the test ends. */
export async function openManager(t: TestContext, home: string, o: HeadlessOptions = {}): Promise<Headless> {
  const h = headless(home, o);
  t.after(() => h.close());
  await h.waitFor((_, s) => !s.loading, 'the sessions');
  return h;
}
