// The file moves the actions are made of: hashing a tree (to prove a restore
// is byte-identical), moving a file or folder into or out of the trash (a
// rename; a verified copy across file systems), appending one index line.
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { treeBytes } from '../util/fsx.js';

/** sha256 of every regular file under `root` (or of `root` itself), by relative path. Links are not followed. */
export function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string): void => {
    const st = lstatSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else if (st.isFile()) {
      out[relative(root, path).split(sep).join('/')] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return out;
}

export function sameHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * Moves a file or folder to `to` (whose parent is created). A rename when both
 * are on one file system; otherwise a copy, checked against the source's
 * hashes before the source is removed.
 */
export function movePath(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
  if (existsSync(to)) throw new Error(`${to} already exists`);
  try {
    renameSync(from, to);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  const before = hashTree(from);
  cpSync(from, to, { recursive: true, preserveTimestamps: true, errorOnExist: true, force: false, verbatimSymlinks: true });
  if (!sameHashes(before, hashTree(to))) {
    rmSync(to, { recursive: true, force: true });
    throw new Error(`copy of ${from} did not match it; nothing was moved`);
  }
  rmSync(from, { recursive: true, force: true });
}

/**
 * Appends one line in a single write with O_APPEND, as the agents append to
 * their own logs and index: a concurrent appender's lines stay whole.
 */
export function appendLine(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, line.endsWith('\n') ? line : line + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies a file, or a folder tree leaving out what `skip` names (paths relative to `from`, `/`-separated) and symlinks. */
export function copyTree(from: string, to: string, skip: (rel: string) => boolean = () => false): void {
  if (lstatSync(from).isFile()) {
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
    cpSync(from, to, { preserveTimestamps: true, errorOnExist: true, force: false });
    return;
  }
  const walk = (src: string, dest: string): void => {
    mkdirSync(dest, { recursive: true, mode: 0o700 });
    for (const e of readdirSync(src, { withFileTypes: true })) {
      const rel = relative(from, join(src, e.name)).split(sep).join('/');
      if (skip(rel) || e.isSymbolicLink()) continue;
      if (e.isDirectory()) walk(join(src, e.name), join(dest, e.name));
      else if (e.isFile()) cpSync(join(src, e.name), join(dest, e.name), { preserveTimestamps: true, errorOnExist: true, force: false });
    }
  };
  walk(from, to);
}

/** Bytes of a file or folder tree (links not followed); 0 when missing. */
export function pathBytes(path: string): number {
  const st = lstatOrNull(path);
  if (!st) return 0;
  return st.isDirectory() ? treeBytes(path) : st.isFile() ? st.size : 0;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
