// Where each agent keeps its sessions: from $HOME, the agents' own
// environment variables, and the command-line flags (flags win). Each layout
// says where it lives (its module's `home`); this puts them together.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { SourceKind } from '../model.js';
import { LAYOUTS } from '../layouts/registry.js';

export interface Homes {
  /** Each layout's roots (folders or database files); the first is where new sessions go. */
  roots: Record<SourceKind, string[]>;
  /** The manager's own data (trash, titles for rows without a title field): ~/.local/share/sessions */
  data: string;
  /** $HOME, or the --home folder: where the agents' own settings are. */
  home?: string;
  /** The manager's cache (summaries, the search index): under --home, that home's own, so nothing is written outside it. */
  cache?: string;
}

export interface HomeFlags {
  /** Read every layout under this home instead of $HOME, ignoring the agents' variables. */
  home?: string | undefined;
  /** Each layout's own flag, by its name (`kimiCodeHome`, `codexHome`, …). */
  layouts?: Readonly<Record<string, string | undefined>>;
}

type Env = Readonly<Record<string, string | undefined>>;

export function userHome(env: Env): string {
  return env['HOME'] || homedir();
}

export function resolveHomes(env: Env, flags: HomeFlags = {}): Homes {
  const explicitHome = flags.home !== undefined;
  const home = explicitHome ? resolve(flags.home!) : userHome(env);
  // With --home the agents' variables would point back at the real home: ignore them.
  const fromEnv = (name: string): string | undefined => (explicitHome ? undefined : env[name] || undefined);
  const xdgData = fromEnv('XDG_DATA_HOME');
  const dataHome = xdgData && isAbsolute(xdgData) ? xdgData : join(home, '.local', 'share');
  const roots = {} as Record<SourceKind, string[]>;
  for (const layout of LAYOUTS) {
    const flag = flags.layouts?.[layout.home.flag.name];
    roots[layout.kind] = [...new Set(layout.home.locate({ home, env: fromEnv, flag: flag === undefined ? undefined : resolve(flag), dataHome }).map((p) => resolve(p)))];
  }
  // Under --home too: the demo home's trash and titles stay in the demo home.
  return { roots, data: join(dataHome, 'sessions'), home, cache: explicitHome ? join(home, '.cache', 'sessions') : cacheDir(env) };
}

/** The manager's own cache: $XDG_CACHE_HOME/sessions or ~/.cache/sessions. */
export function cacheDir(env: Env): string {
  const xdg = env['XDG_CACHE_HOME'];
  return xdg && isAbsolute(xdg) ? join(xdg, 'sessions') : join(userHome(env), '.cache', 'sessions');
}
