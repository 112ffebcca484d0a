// Test support: temp homes (a test never sees the real one), the built
// command run as a user runs it, and tree hashes to prove nothing changed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from './harness.js';
import { runCli } from '../src/cli.js';
import type { Session } from '../src/model.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(REPO, 'bin', 'sessions.js');
/** The agents' own sample files, read in place (never copied into the project). */
export const SAMPLES = resolve(process.env['SESSIONS_SAMPLES'] ?? join(REPO, '..', 'shared', 'samples'));

/** A fresh folder removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'sessions-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The seed of a test's randomness: SESSIONS_SEED when set (to repeat a run),
 * else a fresh one. Printed either way, so a failure can be replayed.
 */
export function testSeed(t: TestContext): number {
  const given = process.env['SESSIONS_SEED'];
  const seed = given !== undefined && given !== '' ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed)) throw new Error(`SESSIONS_SEED must be an integer, not ${given}`);
  t.diagnostic(`seed ${seed} (repeat with SESSIONS_SEED=${seed})`);
  return seed;
}

/** A small seeded generator (mulberry32): numbers in [0, 1), the same for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The environment a test runs the command in: its own HOME and cache, UTC, no agent variables. */
export function testEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    TZ: 'UTC',
    LANG: 'C.UTF-8',
    ...extra,
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `sessions` command in a child process. */
export function runBin(args: string[], env: Record<string, string>, cwd = REPO, input?: string): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, cwd, encoding: 'utf8', timeout: 60_000, ...(input !== undefined ? { input } : {}) });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI in this process (faster; same code path after argv). */
export async function runInProcess(args: string[], env: Record<string, string>, cwd = REPO, tty = false): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    ({ write: (chunk: string | Uint8Array) => (append(String(chunk)), true), isTTY: tty, columns: 100 }) as unknown as NodeJS.WritableStream;
  const code = await runCli(args, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

/**
 * The CLI as a person at a terminal runs it: each question it asks is
 * recorded in `asked` and answered from `answers` in turn (no once they run out).
 */
export async function runAnswering(args: string[], home: string, answers: boolean[], asked: string[] = []): Promise<{ code: number; asked: string[] }> {
  const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
  const code = await runCli([...args, '--no-cache'], {
    stdout: quiet,
    stderr: quiet,
    env: testEnv(home),
    cwd: home,
    confirm: async (q) => (asked.push(q), answers.shift() ?? false),
  });
  return { code, asked };
}

/** `sessions list --json` over a home, parsed. */
export async function listJson(home: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<{ sessions: Session[]; stderr: string }> {
  const r = await runInProcess(['list', '--json', '--no-cache', ...extraArgs], testEnv(home, env));
  if (r.code !== 0) throw new Error(`list failed (${r.code}): ${r.stderr}`);
  return { sessions: JSON.parse(r.stdout) as Session[], stderr: r.stderr };
}

/** Path -> sha256 of every file below a folder. */
export function hashTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(relative(root, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(root);
  return out;
}

/** Sets a file's mtime (so a freshly written fixture is not "in use"). */
export function age(path: string, ms: number): void {
  const d = new Date(ms);
  utimesSync(path, d, d);
}

let fakeKiro: ChildProcess | null = null;

/**
 * The pid of a running process named like Kiro CLI (`kiro-cli`), for locks
 * that must be live: the agent's rule, and ours, is that a lock whose pid is
 * dead or not a kiro process is stale. One per test process, ended with it.
 */
export function liveKiroPid(): number {
  if (fakeKiro?.pid && fakeKiro.exitCode === null) return fakeKiro.pid;
  const dir = mkdtempSync(join(tmpdir(), 'sessions-fake-kiro-'));
  const bin = join(dir, 'kiro-cli');
  symlinkSync(process.execPath, bin);
  fakeKiro = spawn(bin, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore', detached: false });
  fakeKiro.unref();
  process.once('exit', () => {
    fakeKiro?.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  // Wait until the kernel names it (its comm is set at exec).
  for (let i = 0; i < 200; i++) {
    try {
      if (readFileSync(`/proc/${fakeKiro.pid}/comm`, 'utf8').startsWith('kiro-cli')) break;
    } catch {
      // not there yet
    }
    spawnSync('sleep', ['0.01']);
  }
  return fakeKiro.pid!;
}

/** Points every Kiro `.lock` of a home at a live kiro process (the demo's lock names a pid that is long gone). */
export function holdKiroLocks(home: string): void {
  const dir = join(home, '.kiro', 'sessions', 'cli');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.lock')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    writeFileSync(path, JSON.stringify({ pid: liveKiroPid(), started_at: new Date(st.mtimeMs).toISOString() }));
    utimesSync(path, st.atime, st.mtime);
  }
}
