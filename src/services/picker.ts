// What the picker offers, the same with a screen and without one: the
// sessions of one agent (`--session` is Kimi's flag, `--resume-picker`
// Kiro's, `--agent NAME` any), this directory's first as the agents' own
// pickers start, archived ones only when asked (as Kimi's own picker).
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { parseSources } from '../catalog/select.js';
import { sessionKey, type Session, type SourceKind } from '../model.js';
import { layoutOf, LAYOUTS } from '../layouts/registry.js';

export interface PickScope {
  /** The layouts offered (null: every one). */
  kinds: readonly SourceKind[] | null;
  /** Archived sessions too. */
  archived: boolean;
}

/** `--agent kimi` (or a layout's own name): the layouts it covers. Unknown names are bad input, with the known ones. */
export function agentKinds(name: string): SourceKind[] {
  return parseSources([name]);
}

/** The agent names people type (`kimi`, `kiro`, `codex`, `claude`), for help and completions. */
export const AGENT_NAMES: readonly string[] = [...new Set(LAYOUTS.map((l) => l.agent))];

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

/**
 * Ranks `sessions` by a query: `ranked` is the search's order of `source:id`
 * keys (best first); no query keeps them newest first.
 */
export function rankBy(sessions: readonly Session[], ranked: readonly string[] | null): Session[] {
  if (ranked === null) return [...sessions];
  const byKey = new Map(sessions.map((s) => [sessionKey(s), s]));
  return ranked.flatMap((k) => byKey.get(k) ?? []);
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
      throw new ResumeError(
        `kimi-cli:${s.id} is a Kimi CLI session, and the installed kimi is Kimi Code, which opens only its own sessions; \`kimi migrate\` brings it over (it then resumes as ses_${s.id})`,
      );
    }
    target = { ...s, source: s.sameAs.source, id: s.sameAs.id };
    note = `resuming its Kimi Code copy ${s.sameAs.id} (made by kimi migrate)`;
  }
  const gone = !s.workDir || !existsSync(s.workDir);
  const dir = o.here || gone ? o.cwd : s.workDir!;
  if (gone && !o.here) note = s.workDir ? `its work dir ${s.workDir} no longer exists; resuming in ${o.cwd}` : `its work dir is not known; resuming in ${o.cwd}`;
  return { argv: layoutOf(target.source).resume(target), dir, note };
}

export class ResumeError extends Error {}

/** A line for a shell to eval: `cd -- 'dir' && agent 'arg' …`, quoted for that shell. */
export function shellLine(r: Resume, shell: 'bash' | 'zsh' | 'fish'): string {
  const q = shell === 'fish' ? fishQuote : posixQuote;
  // `command`: the agent itself, not the shell function that wraps it.
  return `cd -- ${q(r.dir)} && command ${r.argv.map(q).join(' ')}`;
}

/** A word a POSIX shell (bash, zsh) takes as it is: quoted where it has to be. */
export function posixQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function fishQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
