// Kiro CLI's session lock: <id>.lock holds {pid, started_at} while the agent
// has the session open. A lock whose pid is dead, or is not a kiro process,
// is stale: the agent removes it and takes the session
// (crates/chat-cli-v2/src/agent/session/mod.rs: acquire_lock_impl, is_pid_alive).
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { isRecord } from '../../util/text.js';

/** The names a live Kiro process runs under (`CLI_BINARY_NAME`, and `chat_cli` for cargo debug builds). */
const KIRO_NAMES = ['kiro-cli', 'chat_cli'];

/**
 * Whether the lock at `path` is held by a running kiro process. A lock that
 * cannot be read or names no pid counts as held: the agent itself would not
 * take such a session, and nothing here guesses otherwise.
 */
export function isLiveLock(path: string, procRoot = '/proc'): boolean {
  let pid: unknown;
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    pid = isRecord(v) ? v['pid'] : undefined;
  } catch {
    return true;
  }
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  let name: string | null = null;
  try {
    name = readFileSync(`${procRoot}/${pid}/comm`, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No such process on a system with /proc: dead, the lock is stale.
    if (code === 'ENOENT' && procExists(procRoot)) return false;
    // No /proc (macOS): alive or not is all that can be told, so a live pid keeps the lock.
    return pidAlive(pid);
  }
  return KIRO_NAMES.some((n) => name!.startsWith(n));
}

function procExists(procRoot: string): boolean {
  try {
    readFileSync(`${procRoot}/self/comm`);
    return true;
  } catch {
    return false;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes a session's lock for a write, as the agent's `--delete-session`
 * does: made with O_EXCL and our pid; a stale lock is replaced. Refuses a
 * live one unless `force`. Returns the release.
 */
export function takeLock(path: string, force: boolean): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isLiveLock(path) && !force) throw new UserError(`${path}: Kiro has this session open; not touching it (--force to do it anyway)`, 'failed');
      // A stale lock (or, with --force, a live one the person chose to pass): the agent's own lock is left in place.
      if (isLiveLock(path)) return () => {};
      rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() }));
    } finally {
      closeSync(fd);
    }
    return () => rmSync(path, { force: true });
  }
  throw new UserError(`${path}: cannot take the session's lock`, 'failed');
}
