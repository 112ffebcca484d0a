// Where each agent keeps its sessions: from $HOME, the agents' own
// environment variables, and the command-line flags (flags win).
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export interface Homes {
  /** Kimi Code: $KIMI_CODE_HOME or ~/.kimi-code */
  kimiCode: string;
  /** Kimi CLI: $KIMI_SHARE_DIR or ~/.kimi */
  kimiCli: string;
  /** Kiro CLI databases to read (those that exist are read). */
  kiroDbs: string[];
  /** Kiro CLI home holding sessions/cli: ~/.kiro */
  kiroHome: string;
  /** The manager's own data (trash, titles for rows without a title field): ~/.local/share/sessions */
  data: string;
}

export interface HomeFlags {
  /** Read every layout under this home instead of $HOME, ignoring the agents' variables. */
  home?: string | undefined;
  kimiCodeHome?: string | undefined;
  kimiHome?: string | undefined;
  kiroDb?: string | undefined;
  kiroHome?: string | undefined;
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
  const macSupport = join(home, 'Library', 'Application Support');
  const kiroDb = flags.kiroDb ?? fromEnv('KIRO_TEST_DB_PATH');
  const kiroDbs = kiroDb
    ? [resolve(kiroDb)]
    : unique([
        join(dataHome, 'kiro-cli', 'data.sqlite3'),
        join(macSupport, 'kiro-cli', 'data.sqlite3'),
        // Kiro CLI's predecessor, Amazon Q Developer CLI, used the same file under another name.
        join(dataHome, 'amazon-q', 'data.sqlite3'),
        join(macSupport, 'amazon-q', 'data.sqlite3'),
      ]);
  return {
    kimiCode: resolve(flags.kimiCodeHome ?? fromEnv('KIMI_CODE_HOME') ?? join(home, '.kimi-code')),
    kimiCli: resolve(flags.kimiHome ?? fromEnv('KIMI_SHARE_DIR') ?? join(home, '.kimi')),
    kiroDbs,
    kiroHome: resolve(flags.kiroHome ?? join(home, '.kiro')),
    // Under --home too: the demo home's trash and titles stay in the demo home.
    data: join(dataHome, 'sessions'),
  };
}

/** The manager's own cache: $XDG_CACHE_HOME/sessions or ~/.cache/sessions. */
export function cacheDir(env: Env): string {
  const xdg = env['XDG_CACHE_HOME'];
  return xdg && isAbsolute(xdg) ? join(xdg, 'sessions') : join(userHome(env), '.cache', 'sessions');
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}
