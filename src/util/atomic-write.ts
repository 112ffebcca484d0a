// Every write the manager makes: a temp file in the same directory, written
// and fsynced, then renamed over the target, so a reader (or a crash) sees
// the old file or the new one, never half of one.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file (the agents use 0600). */
  mode?: number;
  /** Create missing parent folders with this mode (0700). */
  mkdirMode?: number;
}

export function writeFileAtomic(path: string, data: string | Buffer, options: AtomicWriteOptions = {}): void {
  writeAtomicWith(path, (write) => write(data), options);
}

/**
 * The same, for content made in pieces (a 100 MB log copied with a record
 * added, never held in memory whole): `fill` calls `write` as often as it likes.
 */
export function writeAtomicWith(path: string, fill: (write: (data: string | Uint8Array) => void) => void, options: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  if (options.mkdirMode !== undefined) mkdirSync(dir, { recursive: true, mode: options.mkdirMode });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | null = openSync(tmp, 'wx', options.mode ?? 0o600);
  try {
    const out = fd;
    fill((data) => {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < buf.length) off += writeSync(out, buf, off, buf.length - off);
    });
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  // Make the rename itself durable.
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the data is already safe.
  }
}
