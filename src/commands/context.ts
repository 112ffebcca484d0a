// What every command needs: where the homes are, a catalog over them, and
// where warnings go. Built from the parsed flags and the environment.
import { Catalog } from '../catalog/catalog.js';
import { FileScanMemo } from '../catalog/scan-memo.js';
import { SummaryCache } from '../catalog/summary-cache.js';
import type { Session } from '../model.js';
import { cacheDir, resolveHomes, userHome, type HomeFlags, type Homes } from '../sources/homes.js';
import type { Reporter } from '../sources/source.js';

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
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
  const dir = cacheDir(io.env);
  const catalog = flags.cache
    ? new Catalog({ homes, report, cache: () => SummaryCache.load(dir), memo: FileScanMemo.load(dir) })
    : new Catalog({ homes, report });
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
