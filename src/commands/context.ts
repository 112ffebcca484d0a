// What every command needs: where the homes are, a catalog over them, and
// where warnings go. Built from the parsed flags and the environment.
import type { Catalog } from '../catalog/catalog.js';
import { openCatalog } from '../services/catalog.js';
import type { IndexOptions } from '../services/search-index.js';
import type { Session } from '../model.js';
import { cacheDir, resolveHomes, userHome, type HomeFlags, type Homes } from '../sources/homes.js';
import type { Reporter } from '../sources/source.js';

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** For `import -`; absent where there is none to read. */
  stdin?: NodeJS.ReadableStream;
  /** Asks a yes/no question on the terminal; absent when there is no terminal to ask on. */
  confirm?: (question: string) => Promise<boolean>;
}

export interface CommandContext {
  io: CommandIO;
  homes: Homes;
  catalog: Catalog;
  /** The user's home, for `~` in paths. */
  home: string;
  now: Date;
  /** Columns to fit output into. */
  width: number;
}

export interface ContextFlags extends HomeFlags {
  cache: boolean;
}

export function createContext(io: CommandIO, flags: ContextFlags): CommandContext {
  const homes = resolveHomes(io.env, flags);
  const report: Reporter = (path, reason) => io.stderr.write(`sessions: ${path}: ${reason}\n`);
  const catalog = openCatalog(homes, { cacheDir: flags.cache ? (homes.cache ?? cacheDir(io.env)) : null, report, cwd: io.cwd });
  // Piped output is not cut to a terminal; 160 columns keeps it readable.
  const width = io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : 160;
  return { io, homes, catalog, home: userHome(io.env), now: new Date(), width };
}

/** One stderr line per session that was listed but read with problems. */
export function warnProblems(io: CommandIO, sessions: readonly Session[]): void {
  for (const s of sessions) {
    if (s.problems.length === 0) continue;
    const more = s.problems.length > 1 ? ` (+${s.problems.length - 1} more)` : '';
    io.stderr.write(`sessions: ${s.source}:${s.id}: ${s.problems[0]}${more}\n`);
  }
}

/** The index as a command opens it: its catalog, the cache folder (unless --no-cache), reports and progress on stderr. */
export function indexOptions(ctx: CommandContext, persistent: boolean): IndexOptions {
  return {
    catalog: ctx.catalog,
    homes: ctx.homes,
    dir: persistent ? (ctx.homes.cache ?? cacheDir(ctx.io.env)) : null,
    report: (path, reason) => void ctx.io.stderr.write(`sessions: ${path}: ${reason}\n`),
    progress: progressLine(ctx),
    waiting: () => void ctx.io.stderr.write('sessions: waiting for another sessions process to finish updating the index…\n'),
  };
}

/** `source:id` of every session the query matches (for `export --all` and `clean --query`). */
export async function commandMatches(ctx: CommandContext, queryText: string, persistent: boolean): Promise<Set<string>> {
  const o = indexOptions(ctx, persistent);
  // The search stack loads only for the commands that search (list and the picker's first frame do not).
  const { matchingKeys } = await import('../services/search-index.js');
  try {
    return await matchingKeys(o, queryText, { cwd: ctx.io.cwd, now: ctx.now.getTime() });
  } finally {
    o.progress?.(0, 0);
  }
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
