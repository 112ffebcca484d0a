// Is a session in use: does its agent have it open right now, so that
// rewriting or moving it could lose what the agent writes next?
//
// - A live lock (Kiro's .lock; the layout's reader says so in `ref.locked`).
// - A running agent process that names the session on its command line or
//   holds one of its files open. Linux's /proc tells; without /proc nothing
//   is known this way.
// - A write in the last FOREIGN_WRITE_MS that this tool did not make. Our own
//   writes (from this process or an earlier one) are recorded in the data
//   folder, so renaming and then deleting a session is never refused.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { sessionKey, type SourceKind } from '../model.js';
import type { SessionRef } from '../sources/source.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** A write this recent, not ours, may be an agent at work. */
export const FOREIGN_WRITE_MS = 10_000;

/** Records older than this are dropped when the file is written (no session stays "ours" for long). */
const KEEP_MS = 10 * 60_000;

const FILE = 'own-writes.json';

/** When this tool last wrote each session (`source:id` → epoch ms, taken after the write ended). */
export function loadOwnWrites(dataDir: string): Map<string, number> {
  try {
    const raw = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as unknown;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return new Map();
    return new Map(Object.entries(raw as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    // Missing or damaged: nothing is known to be ours, which errs on the side of "in use".
    return new Map();
  }
}

/** Notes that this tool just wrote these sessions. A failure to note it only means a later refusal. */
export function recordOwnWrites(dataDir: string, keys: readonly string[], at: number = Date.now()): void {
  if (keys.length === 0) return;
  const all = loadOwnWrites(dataDir);
  for (const [k, t] of all) if (at - t > KEEP_MS) all.delete(k);
  for (const k of keys) all.set(k, at);
  try {
    writeFileAtomic(join(dataDir, FILE), JSON.stringify(Object.fromEntries(all)), { mkdirMode: 0o700 });
  } catch {
    // The write itself succeeded; not remembering it is not worth failing the action for.
  }
}

/** A running agent: its command line and the files it holds open. */
export interface AgentProcess {
  pid: number;
  /** The agent's name as matched (kimi, codex, …). */
  name: string;
  args: string[];
  /** Targets of /proc/PID/fd links (empty where they cannot be read: another user's process). */
  open: string[];
}

/**
 * The running processes whose program (or the script an interpreter runs)
 * is one of `names` (kimi, kimi-cli, …). Null where there is no /proc.
 */
export function agentProcesses(names: readonly string[], proc = '/proc'): AgentProcess[] | null {
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  const out: AgentProcess[] = [];
  for (const pid of pids) {
    let args: string[];
    try {
      args = readFileSync(join(proc, pid, 'cmdline'), 'utf8').split('\0').filter((a) => a !== '');
    } catch {
      continue; // gone since the listing
    }
    const name = agentName(args, names);
    if (!name) continue;
    const open: string[] = [];
    try {
      for (const fd of readdirSync(join(proc, pid, 'fd'))) {
        try {
          open.push(readlinkSync(join(proc, pid, 'fd', fd)));
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      // another user's process: its command line still counts
    }
    out.push({ pid: Number(pid), name, args, open });
  }
  return out;
}

/** Programs that run an agent written as a script (Kimi CLI in Python, Kimi Code and Codex in Node). */
const INTERPRETER = /^(node|nodejs|bun|deno|python[\d.]*|pypy[\d.]*|uv|sh|bash)$/;

/**
 * The agent's name, when the program is the agent (`/usr/local/bin/kimi`) or
 * an interpreter runs it (`python3 /usr/bin/kimi`, `node …/kimi-code/dist/cli.js`,
 * a script in a folder named for the agent). A word later on the line
 * (`vim notes/kimi`) is not the program.
 */
export function agentName(args: readonly string[], names: readonly string[]): string | null {
  const [program, script] = args;
  if (program === undefined) return null;
  if (names.includes(basename(program))) return basename(program);
  if (script === undefined || !INTERPRETER.test(basename(program))) return null;
  if (names.includes(basename(script))) return basename(script);
  return script.split('/').slice(0, -1).find((part) => names.includes(part)) ?? null;
}

export interface InUseOptions {
  now: number;
  /** The data folder, where our own writes are recorded. */
  dataDir: string;
  /** Each layout's agent programs (those it has; Kiro's has its lock instead). */
  agents: (source: SourceKind) => readonly string[];
  /** Tests: another /proc. */
  proc?: string;
}

/** Why each session is in use (null: it is not), for one listing: /proc and the record are read once, when first needed. */
export function inUseCheck(o: InUseOptions): (ref: SessionRef) => string | null {
  let own: Map<string, number> | null = null;
  const running = new Map<string, AgentProcess[] | null>();
  const processes = (names: readonly string[]): AgentProcess[] | null => {
    const key = names.join(' ');
    if (!running.has(key)) running.set(key, agentProcesses(names, o.proc));
    return running.get(key)!;
  };
  return (ref) => {
    if (ref.locked) return 'its agent has it locked';
    const names = o.agents(ref.source);
    if (names.length > 0) {
      const holder = processes(names)?.find((p) => holds(p, ref));
      if (holder) return `${holder.name} (pid ${holder.pid}) has it open`;
    }
    const age = o.now - ref.lastWriteMs;
    if (age < 0 || age >= FOREIGN_WRITE_MS) return null;
    own ??= loadOwnWrites(o.dataDir);
    const ours = own.get(sessionKey(ref));
    if (ours !== undefined && ours >= ref.lastWriteMs) return null;
    return `another program wrote it ${Math.max(1, Math.round(age / 1000))} s ago`;
  };
}

/** The process names the session's id, or holds a file of it open. */
function holds(p: AgentProcess, ref: SessionRef): boolean {
  if (p.args.slice(1).some((a) => a === ref.id || a.endsWith(`=${ref.id}`))) return true;
  return p.open.some((f) => f === ref.path || f.startsWith(ref.path + sep));
}
