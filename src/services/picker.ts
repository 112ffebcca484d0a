// What the picker offers, the same with a screen and without one: the
// sessions of one agent (`--session` is Kimi's flag, `--resume-picker`
// Kiro's, `--agent NAME` any), this directory's first as the agents' own
// pickers start, archived ones only when asked (as Kimi's own picker).
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { parseSources } from '../catalog/select.js';
import { UserError } from '../errors.js';
import { sessionKey, SOURCE_KINDS, type Session, type SourceKind } from '../model.js';
import { layoutOf, LAYOUTS } from '../layouts/registry.js';

/** The shells the integration speaks (`sessions init`, `--shell-command`). */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function parseShell(name: string): Shell {
  if ((SHELLS as readonly string[]).includes(name)) return name as Shell;
  throw new UserError(`unknown shell '${name}' (one of: ${SHELLS.join(', ')})`, 'bad-input');
}

export interface PickScope {
  /** The layouts offered (null: every one). */
  kinds: readonly SourceKind[] | null;
  /** Archived sessions too. */
  archived: boolean;
}

/** The agent names people type (`kimi`, `kiro`, `codex`, `claude`), for help and completions. */
export const AGENT_NAMES: readonly string[] = [...new Set(LAYOUTS.map((l) => l.agent))];

/** `--agent kimi` (or a layout's own name): the layouts it covers. Unknown names are bad input, naming the agents. */
export function agentKinds(name: string): SourceKind[] {
  const n = name.trim().toLowerCase();
  if (!AGENT_NAMES.includes(n) && !(SOURCE_KINDS as readonly string[]).includes(n)) throw new UserError(`unknown agent '${name}' (one of: ${AGENT_NAMES.join(', ')})`, 'bad-input');
  return parseSources([n]);
}

export function offers(scope: PickScope): (s: Session) => boolean {
  return (s) => (scope.kinds === null || scope.kinds.includes(s.source)) && (scope.archived || !s.archived);
}

export function inDir(s: Session, cwd: string): boolean {
  return s.workDir !== null && strip(s.workDir) === strip(cwd);
}

function strip(p: string): string {
  return p.length > 1 && p.endsWith(sep) ? p.slice(0, -1) : p;
}

/**
 * The sessions the picker shows first: this directory's, or every
 * directory's when this one has none (an empty first screen helps nobody).
 */
export function firstScope(sessions: readonly Session[], cwd: string): 'here' | 'all' {
  return sessions.some((s) => inDir(s, cwd)) ? 'here' : 'all';
}

/** `sessions` in the search's order of `source:id` keys (best first); those it did not match left out. */
export function rankBy(sessions: readonly Session[], ranked: Iterable<string>): Session[] {
  const byKey = new Map(sessions.map((s) => [sessionKey(s), s]));
  return [...ranked].flatMap((k) => byKey.get(k) ?? []);
}

/** Where and how the chosen session resumes: the agent's own command, in the session's work dir. */
export interface Resume {
  argv: string[];
  dir: string;
  /** Said before the agent starts (the work dir is gone, a twin is used). */
  note: string | null;
}

export interface ResumeOptions {
  cwd: string;
  /** Resume in `cwd` even where the work dir exists elsewhere (the person chose "here"). */
  here?: boolean;
  /** What the installed `kimi` is (asked only for a Kimi CLI session). */
  kimiFlavor?: () => 'kimi-code' | 'kimi-cli' | null;
}

/** A work dir that no longer exists (or was never known): resuming there would fail. */
export function workDirGone(s: Session): boolean {
  return !s.workDir || !existsSync(s.workDir);
}

/**
 * The command that resumes `s`. A Kimi CLI session handed to a `kimi` that
 * is Kimi Code goes over as its imported twin (`kimi migrate` made it);
 * without one, Kimi Code cannot open it, and that is said instead.
 */
export function resumeOf(s: Session, o: ResumeOptions): Resume {
  let target = s;
  let note: string | null = null;
  if (s.source === 'kimi-cli' && o.kimiFlavor?.() === 'kimi-code') {
    if (!s.sameAs) {
      throw new UserError(
        `kimi-cli:${s.id} is a Kimi CLI session, and the installed kimi is Kimi Code, which opens only its own sessions; \`kimi migrate\` brings it over (it then resumes as ses_${s.id})`,
        'failed',
      );
    }
    target = { ...s, source: s.sameAs.source, id: s.sameAs.id };
    note = `resuming its Kimi Code copy ${s.sameAs.id} (made by kimi migrate)`;
  }
  const gone = workDirGone(s);
  const dir = o.here || gone ? o.cwd : s.workDir!;
  if (gone && !o.here) note = s.workDir ? `its work dir ${s.workDir} no longer exists; resuming in ${o.cwd}` : `its work dir is not known; resuming in ${o.cwd}`;
  return { argv: layoutOf(target.source).resume(target), dir, note };
}

/**
 * A line for a shell: `cd -- 'dir' && command agent 'arg' …`, quoted for that
 * shell. `command` runs the agent itself, not the integration's function
 * around it; a line for a person to paste (`wrapped: false`) goes without.
 * No dir: the agent's command alone.
 */
export function shellLine(argv: readonly string[], dir: string | null, shell: Shell, wrapped = true): string {
  const q = shell === 'fish' ? fishQuote : posixQuote;
  const run = `${wrapped ? 'command ' : ''}${argv.map(q).join(' ')}`;
  return dir === null ? run : `cd -- ${q(dir)} && ${run}`;
}

/** A word a POSIX shell (bash, zsh) takes as it is: quoted where it has to be. */
function posixQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function fishQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
