// `sessions` on a terminal, and the picker: `sessions pick`, `--session [ID]`
// (Kimi's sessions), `--resume-picker` (Kiro's), `--agent NAME`. The picker
// prints the chosen id on stdout (exit 0), or nothing on Esc/q (exit 1);
// with --exec it runs the agent's resume command in the session's work dir,
// with --shell-command SHELL it prints that command for the shell to eval
// (the shell integration). fzf's habits: --query, --filter, --select-1,
// --exit-0; and --continue, as the agents' own.
import { spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import tty from 'node:tty';
import { openCatalog } from '../services/catalog.js';
import { UserError } from '../errors.js';
import { sessionKey, type Session } from '../model.js';
import { layoutOf } from '../layouts/registry.js';
import { cacheDir } from '../sources/homes.js';
import { firstScope, inDir, offers, rankBy, resumeOf, shellLine, type PickScope, type Resume, type Shell } from '../services/picker.js';
import type { AppStreams } from '../tui/app.js';
import { indexOptions, type CommandContext } from './context.js';
import { plainCode } from '../util/text.js';

export interface UiOptions {
  picker: boolean;
  exec: boolean;
  /** `--session ID`: look it up and print it (or resume it), no UI. */
  sessionId?: string | undefined;
  query?: string | undefined;
  cache: boolean;
  scope: PickScope;
  /** `--filter Q`: no screen, the matching ids best first. */
  filter?: string | undefined;
  selectOne: boolean;
  exitZero: boolean;
  /** `--continue`: the newest session of this directory. */
  continue: boolean;
  /** `--shell-command SHELL`: print the resume command for that shell to eval. */
  shell?: Shell | undefined;
  json: boolean;
}

export async function runUi(ctx: CommandContext, o: UiOptions): Promise<number> {
  // The picker offers one agent's sessions, archived ones when asked; the manager shows them all.
  const offered = o.picker ? offers(o.scope) : (): boolean => true;
  if (o.sessionId) {
    const s = ctx.catalog.read(ctx.catalog.resolve(o.sessionId), 'summary').session;
    if (!offered(s) && o.scope.kinds) {
      const ours = [...new Set(o.scope.kinds.map((k) => layoutOf(k).agent))].join(' or ');
      throw new UserError(`${sessionKey(s)} is a ${layoutOf(s.source).agent} session, not a ${ours} one`, 'bad-input');
    }
    return chosen(ctx, o, s);
  }
  // Only the paths without a screen list the sessions here: the screen shows the cached ones first
  // and scans after (listing 10,000 sessions before the first frame cost 300 ms).
  const sessions = (): Session[] => ctx.catalog.list().filter(offered);
  if (o.continue) {
    const newest = sessions().find((s) => inDir(s, ctx.io.cwd));
    if (!newest) throw new UserError(`no session to continue in ${ctx.io.cwd}`, 'failed');
    return chosen(ctx, o, newest);
  }
  if (o.filter !== undefined) {
    const found = await ranked(ctx, sessions(), o.filter, o.cache);
    ctx.io.stdout.write(o.json ? JSON.stringify(found, null, 2) + '\n' : found.map((s) => `${s.id}\n`).join(''));
    return found.length > 0 ? 0 : 1;
  }
  if (o.picker && (o.selectOne || o.exitZero)) {
    // What the picker would show first: this directory's matches, else every directory's.
    const all = await ranked(ctx, sessions(), o.query ?? '', o.cache);
    const first = firstScope(all, ctx.io.cwd) === 'here' ? all.filter((s) => inDir(s, ctx.io.cwd)) : all;
    if (first.length === 0 && o.exitZero) return 1;
    if (first.length === 1 && o.selectOne) return chosen(ctx, o, first[0]!);
  }
  const r = await runScreen(ctx, o, offered);
  if (!r.chosen) return o.picker ? 1 : 0;
  return chosen(ctx, { ...o, exec: o.exec || (!o.picker && r.resume) }, r.chosen, r.here);
}

/** The sessions `query` matches, best first (no query: newest first). */
async function ranked(ctx: CommandContext, sessions: Session[], query: string, cache: boolean): Promise<Session[]> {
  if (query.trim() === '') return sessions;
  const o = indexOptions(ctx, cache);
  const { matchingKeys } = await import('../services/search-index.js');
  try {
    const keys = await matchingKeys(o, query, { cwd: ctx.io.cwd, now: ctx.now.getTime() });
    return rankBy(sessions, keys);
  } finally {
    o.progress?.(0, 0);
  }
}

/** What becomes of the chosen session: its id printed, its command printed for a shell, or run. */
function chosen(ctx: CommandContext, o: UiOptions, s: Session, here = false): number {
  if (!o.exec && !o.shell) {
    ctx.io.stdout.write(`${s.id}\n`);
    return 0;
  }
  const r = resumeOf(s, { cwd: ctx.io.cwd, here, kimiFlavor: () => kimiFlavor(ctx) });
  if (r.note) ctx.io.stderr.write(`sessions: ${r.note}\n`);
  if (o.shell) {
    ctx.io.stdout.write(`${shellLine(r.argv, r.dir, o.shell)}\n`);
    return 0;
  }
  return resumeIn(r);
}

async function runScreen(ctx: CommandContext, o: UiOptions, offered: (s: Session) => boolean): Promise<{ chosen: Session | null; resume: boolean; here: boolean }> {
  const streams = terminalStreams(ctx);
  const { startApp } = await import('../tui/app.js');
  const { Effects } = await import('../tui/effects.js');
  const dir = o.cache ? (ctx.homes.cache ?? cacheDir(ctx.io.env)) : null;
  // Reports would draw over the screen; what is broken shows in each session's problems.
  const report = (): void => {};
  const effects = new Effects({
    homes: ctx.homes,
    catalog: () => openCatalog(ctx.homes, { cacheDir: dir, report, cwd: ctx.io.cwd }),
    indexDir: dir,
    cwd: ctx.io.cwd,
    home: ctx.home,
    now: () => Date.now(),
    offered,
  });
  const app = startApp({
    streams,
    effects,
    cwd: ctx.io.cwd,
    home: ctx.home,
    picker: o.picker,
    runsAgent: o.exec || o.shell !== undefined,
    ...(ctx.io.env['PAGER'] ? { pager: ctx.io.env['PAGER'] } : {}),
    color: !('NO_COLOR' in ctx.io.env),
    ...(o.query ? { query: o.query } : {}),
    terminal: ctx.io.env['TERM'] ?? 'xterm-256color',
  });
  const r = await app.done;
  if (streams.close) streams.close();
  return { chosen: r.chosen, resume: r.resume, here: r.here };
}

/**
 * The terminal to draw on: this process's own, or /dev/tty when stdout is a
 * pipe (as fzf does), so that `kimi --session "$(sessions --session)"` works.
 */
function terminalStreams(ctx: CommandContext): AppStreams & { close?: () => void } {
  if (ctx.io.stdout.isTTY && process.stdin.isTTY) return { input: process.stdin, output: ctx.io.stdout as AppStreams['output'] };
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw new UserError('no terminal to draw on (stdout is not a terminal and /dev/tty cannot be opened); use `sessions list`', 'bad-input');
  }
  const input = new tty.ReadStream(fd);
  const output = new tty.WriteStream(fd);
  return { input, output, close: () => (input.destroy(), output.destroy()) };
}

/**
 * What the installed `kimi` is: the older Kimi CLI says `kimi, version 1.49.0`,
 * Kimi Code its bare version (`2.1.0`). Null where none runs.
 */
export function kimiFlavor(ctx: Pick<CommandContext, 'io'>): 'kimi-code' | 'kimi-cli' | null {
  const r = spawnSync('kimi', ['--version'], { encoding: 'utf8', env: ctx.io.env as NodeJS.ProcessEnv, timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.error || r.status !== 0) return null;
  const out = r.stdout.trim();
  if (/^kimi,\s*version\b/i.test(out)) return 'kimi-cli';
  return /\d+\.\d+/.test(out) ? 'kimi-code' : null;
}

function resumeIn(r: Resume): number {
  const [cmd, ...args] = r.argv;
  // Ctrl-C belongs to the agent now: this process only waits for it to end.
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  try {
    const run = spawnSync(cmd!, args, { cwd: r.dir, stdio: 'inherit', shell: false });
    if (run.error) {
      const code = (run.error as NodeJS.ErrnoException).code;
      throw new UserError(`cannot run ${cmd}: ${code === 'ENOENT' ? 'it is not installed (not found on PATH)' : (plainCode(code) ?? run.error.message)}`, 'failed');
    }
    return run.status ?? 1;
  } finally {
    process.off('SIGINT', ignore);
  }
}
