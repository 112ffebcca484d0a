// `sessions` on a terminal, and the picker: `sessions pick`, `--session [ID]`,
// `--resume-picker`. The picker prints the chosen id on stdout (exit 0), or
// nothing on Esc/q (exit 1); with --exec it runs the agent's resume command.
import { spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import tty from 'node:tty';
import { openCatalog } from '../services/catalog.js';
import { UserError } from '../errors.js';
import type { Session } from '../model.js';
import { layoutOf } from '../layouts/registry.js';
import { cacheDir } from '../sources/homes.js';
import type { AppStreams } from '../tui/app.js';
import type { CommandContext } from './context.js';
import { plainCode } from '../util/text.js';

export interface UiOptions {
  picker: boolean;
  exec: boolean;
  /** `--session ID`: look it up and print it, no UI. */
  sessionId?: string | undefined;
  query?: string | undefined;
  cache: boolean;
}

export async function runUi(ctx: CommandContext, o: UiOptions): Promise<number> {
  if (o.sessionId) {
    const found = ctx.catalog.resolve(o.sessionId);
    const s = ctx.catalog.read(found).session;
    return o.exec ? resumeIn(s, ctx.io.cwd) : (ctx.io.stdout.write(`${s.id}\n`), 0);
  }
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
  });
  const app = startApp({
    streams,
    effects,
    cwd: ctx.io.cwd,
    home: ctx.home,
    picker: o.picker,
    color: !('NO_COLOR' in ctx.io.env),
    ...(o.query ? { query: o.query } : {}),
    terminal: ctx.io.env['TERM'] ?? 'xterm-256color',
  });
  const r = await app.done;
  if (streams.close) streams.close();
  if (!o.picker) return 0;
  if (!r.chosen) return 1;
  if (o.exec) return resumeIn(r.chosen, ctx.io.cwd);
  ctx.io.stdout.write(`${r.chosen.id}\n`);
  return 0;
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

/** The agent's own resume command, in the session's work dir, arguments passed without a shell. */
export function resumeCommand(s: Session): string[] {
  return layoutOf(s.source).resume(s);
}

function resumeIn(s: Session, cwd: string): number {
  const [cmd, ...args] = resumeCommand(s);
  const dir = s.workDir && existsSync(s.workDir) ? s.workDir : cwd;
  const r = spawnSync(cmd!, args, { cwd: dir, stdio: 'inherit', shell: false });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot run ${cmd}: ${code === 'ENOENT' ? 'it is not installed (not found on PATH)' : (plainCode(code) ?? r.error.message)}`, 'failed');
  }
  return r.status ?? 1;
}
