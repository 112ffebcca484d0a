// How fast the picker opens, as a person sees it (issue 16): the built
// command started in a real terminal (tmux), timed until its first rows are
// on screen; and a one-shot `list --limit 20`, timed to its exit. Each beside
// `node -e 0` started and timed the same way in the same run, alternating,
// so the ratio holds on a noisy machine. Run by bench.ts in its own process:
//   node --import tsx bench/startup-bench.ts DEMO_HOME BIG_HOME BIG_CACHE RUNS
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const [demo, big, bigCache, runsArg] = process.argv.slice(2) as [string, string, string, string];
const runs = Math.max(1, Number(runsArg));
const BIN = resolve(import.meta.dirname, '..', 'bin', 'sessions.js');
const SOCKET = `sessions-startup-${process.pid}`;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.error) throw new Error(`the startup bench needs tmux: ${r.error.message}`);
  if (args[0] === 'new-session' && r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
  return r.stdout;
}

// A session for the whole run: the server exits with its last session, and one started while it
// exits fails. Timings start after this, so none of them pays for the server's start.
tmux('new-session', '-d', '-s', 'keeper', 'sleep 86400');

/**
 * Starts `command` in a new 120x40 tmux session and returns the ms until
 * `done` matches its screen (polled as fast as tmux answers, a few ms).
 */
function timed(command: string, done: RegExp, env: string): number {
  const name = `s${Math.random().toString(36).slice(2, 8)}`;
  const t0 = performance.now();
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', `env ${env} ${command}; echo STARTUP-EXITED; sleep 30`);
  try {
    for (;;) {
      const screen = tmux('capture-pane', '-p', '-t', name);
      if (done.test(screen)) return performance.now() - t0;
      if (performance.now() - t0 > 30_000) throw new Error(`no ${done} after 30 s; the screen:\n${screen}`);
    }
  } finally {
    tmux('kill-session', '-t', name);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const node = process.execPath;
const envOf = (home: string, cache = join(home, '.cache')): string => `HOME=${home} XDG_CACHE_HOME=${cache} TERM=xterm-256color LANG=C.UTF-8`;

// The picker's first rows: the status line counts them (`1/N of N`).
const ROWS = /\] sort:\S+ {2}1\/\d+ of \d+/;
const EXITED = /STARTUP-EXITED/;

function measure(home: string, cache: string | undefined, withList: boolean): { nodeMs: number; firstRowsMs: number; listMs: number | null } {
  const env = envOf(home, cache);
  const nodeMs: number[] = [];
  const rows: number[] = [];
  const list: number[] = [];
  // One run first to warm the summary cache and the compile cache, as a person's second use would find them.
  timed(`${node} ${BIN} pick`, ROWS, env);
  for (let i = 0; i < runs; i++) {
    nodeMs.push(timed(`${node} -e 0`, EXITED, env));
    rows.push(timed(`${node} ${BIN} pick`, ROWS, env));
    if (withList) {
      nodeMs.push(timed(`${node} -e 0`, EXITED, env));
      list.push(timed(`${node} ${BIN} list --limit 20 > /dev/null`, EXITED, env));
    }
  }
  return { nodeMs: median(nodeMs), firstRowsMs: median(rows), listMs: withList ? median(list) : null };
}

try {
  const small = measure(demo, undefined, true);
  const large = measure(big, bigCache, false);
  console.log(JSON.stringify({ demo: small, big: large }));
} finally {
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
}
