// What a layout module answers, all of it. Everything outside src/layouts/
// iterates the registry and asks these questions; a layout that leaves one
// out does not compile. An action a layout cannot do is said so, with the
// reason the manager and the CLI show (never a guessed write).
import type { Session, SourceKind } from '../model.js';
import type { ActionEnv, ActionTarget } from '../actions/target.js';
import type { SessionRef, Source } from '../sources/source.js';
import type { Homes } from '../sources/homes.js';
import type { BundleFile, Bundle } from '../actions/bundle.js';
import type { Created, ForkOptions } from './write-kit.js';

/** An action this layout does not do, and why (shown as is: "Claude Code keeps …"). */
export interface Unsupported {
  unsupported: string;
}

export type Capability<F> = F | Unsupported;

export function isUnsupported<F>(c: Capability<F>): c is Unsupported {
  return typeof c === 'object' && c !== null && 'unsupported' in c;
}

/** What a layout's `locate` may look at. */
export interface HomeLookup {
  /** $HOME, or the --home folder. */
  home: string;
  /** An environment variable; always undefined under --home (it would point back at the real home). */
  env(name: string): string | undefined;
  /** This layout's own flag, when given. */
  flag: string | undefined;
  /** $XDG_DATA_HOME or ~/.local/share. */
  dataHome: string;
}

export interface LayoutHome {
  /** The command-line flag that points at this layout's store (camelCase, as meow names it), and its help. */
  flag: { name: string; help: string };
  /** Where its sessions are: absolute paths; the first is where new ones go. */
  locate(at: HomeLookup): string[];
}

/**
 * Parts of a session the trash cannot move as files (a database row, a line
 * in the agent's index). The layout captures them into the trash entry,
 * removes them, and puts them back; the trash keeps `part` as opaque JSON.
 */
export interface TrashParts {
  /** Records what `extra` (from trashPlan) names; may write files under `root/dir`. Throws if it is gone. */
  capture(extra: unknown, at: { root: string; dir: string; label: string }): unknown;
  remove(part: unknown): void;
  /** Why it cannot come back (the row exists again), or null. */
  clash(part: unknown, root: string): string | null;
  /** Puts it back; returns whether anything came back. `movedFiles`: the session's files came back too. */
  restore(part: unknown, root: string, how: { copy: boolean; movedFiles: boolean; entryId: string }): boolean;
  /** Bytes it holds (for the before/after sizes of a compaction). */
  bytes(extra: unknown): number;
}

/** What the trash takes for one session: files and folders, and the layout's own parts. */
export interface TrashPlan {
  paths: string[];
  extra?: unknown;
}

/** A session placed by an import. */
export interface Placed {
  id: string;
  path: string | null;
  workDir: string | null;
}

export interface PlaceOptions {
  cwd: string;
  dryRun: boolean;
  /** The file imported, absolute and with links resolved; null for stdin. */
  from: string | null;
}

export interface LayoutWriter {
  /** The files, folders and parts that make up the session, for the trash. */
  trashPlan(t: ActionTarget, env: ActionEnv): TrashPlan;
  trashParts: TrashParts | null;
  /** Sets the title a person chose; `null` returns to the default title. */
  rename: Capability<(t: ActionTarget, title: string | null, env: ActionEnv) => void>;
  /** Takes the agent's own lock on the session while it is deleted (as the agent's delete does); returns the release. */
  lockFor?(t: ActionTarget, force: boolean): () => void;
  /** Why a rename cannot return to the default title (`--clear`), when the agent has no way to. */
  cannotClear?: string;
  /** Files a rename would replace because they cannot be read (backed up to the trash first). */
  renameReplaces?(t: ActionTarget): string[];
  fork: Capability<(t: ActionTarget, options: ForkOptions, env: ActionEnv) => Created>;
  /**
   * Records a compaction the way the agent does, so that resuming starts
   * from `summary`. Returns the session that carries it.
   */
  compact: Capability<(t: ActionTarget, summary: string, env: ActionEnv) => Created>;
  /** Cuts tool outputs longer than `limit` characters and drops logs the agent can do without. */
  shrink: Capability<(t: ActionTarget, limit: number, env: ActionEnv) => void>;
}

export interface LayoutTransfer {
  /** The session's own files for a JSON or ZIP export (default: the files of the trash plan). */
  files?(t: ActionTarget, env: ActionEnv): BundleFile[] | null;
  /** Which of those files an export keeps (default: all). */
  keep?(path: string): boolean;
  /** A JSON export written in the agent's own shape instead of ours, or null for ours. */
  agentJson?(t: ActionTarget, bundle: Bundle): string | null;
  /** False where the agent's own ZIP has no manifest and its loader is not known to skip one: ours is left out. */
  ownZipManifest?: boolean;
  /** Fields the agent's own export manifest has, put before ours in a ZIP's manifest.json. */
  zipManifest?(t: ActionTarget, env: ActionEnv): Record<string, unknown>;
  /**
   * Tells an archive of the agent's own (no `source` in it) as this layout's:
   * null if it is not, else what the archive says of the session (its id, title, work dir).
   */
  recognize?(manifest: Record<string, unknown>, files: readonly BundleFile[]): { id?: string | null; title?: string | null; workDir?: string | null } | null;
  /** Parses a JSON file the agent itself writes (not ours) into a bundle, or null if it is not one. */
  fromAgentJson?(value: Record<string, unknown>, data: Buffer, file: string): Bundle | null;
  /** Writes an imported bundle into the agent's store under a free id. */
  place: Capability<(b: Bundle, roots: readonly string[], options: PlaceOptions, env: ActionEnv) => Placed>;
}

export interface Layout {
  readonly kind: SourceKind;
  /** How it is named on screen and in help ("Kimi Code"). */
  readonly label: string;
  /** The short name people type for the agent (`--source kiro` means both Kiro layouts). */
  readonly agent: string;
  /** Its colour in the list (a blessed colour name). */
  readonly color: string;
  readonly home: LayoutHome;
  /** A reader over the roots `home.locate` gave; `dataDir` holds the manager's notes. */
  source(roots: readonly string[], dataDir: string): Source;
  readonly writer: LayoutWriter;
  readonly transfer: LayoutTransfer;
  /** The agent's own command that resumes the session (run in its work dir, without a shell). */
  resume(s: Session): string[];
  /**
   * The agent's program names as /proc shows them, for a layout without a
   * lock of its own: a running one that names a session or holds its files
   * open has that session in use (catalog/in-use.ts).
   */
  readonly processes?: readonly string[];
  /**
   * How a person opens the agent's own session picker (the command, and each
   * argument list that means "pick one": `kimi -S`): the shell integration
   * opens ours there instead. Layouts of one agent may each say it.
   */
  readonly picker?: { command: string; calls: ReadonlyArray<readonly string[]> };
  /**
   * Which sessions the agent deletes by itself at its next start (Kiro's retention), for a run in `cwd`:
   * a test per session giving the reason, or null when nothing is set.
   */
  retention?(homes: Homes, cwd: string | null, now: number): ((ref: SessionRef, s: Session) => string | null) | null;
  /** Sets `sameAs` on this layout's sessions that have a copy in another layout (made by the agent's migration). */
  linkTwins?(sessions: Session[], refs: readonly SessionRef[]): void;
}
