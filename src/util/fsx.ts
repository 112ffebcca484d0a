// File-system reads that report instead of throwing: homes hold broken,
// vanished and unreadable files, and one of them must never stop a listing.
// Synchronous on purpose: listing is thousands of tiny stats, which the sync
// calls do several times faster than the thread-pool round trips of fs/promises.
import { lstatSync, readdirSync, readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { errorText, isRecord } from './text.js';

export function statOrNull(path: string): Stats | null {
  try {
    // Not throwing for a missing file is several times faster, and most misses are expected.
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/** Directory entries, or an error message (missing directories are simply empty). */
export function readDir(path: string): { entries: Dirent[]; error?: string } {
  try {
    return { entries: readdirSync(path, { withFileTypes: true }) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { entries: [] };
    return { entries: [], error: errorText(error) };
  }
}

/**
 * The two-level `<root>/<bucket>/<entry>` walk of both Kimi layouts. Dot
 * folders (the agents' own caches) are left out; folders that cannot be
 * listed are reported and skipped.
 */
export function walkBuckets(
  root: string,
  report: (path: string, reason: string) => void,
  what: string,
  visit: (bucketName: string, bucketDir: string, entry: Dirent) => void,
): void {
  const top = readDir(root);
  if (top.error) report(root, `cannot list ${what}: ${top.error}`);
  for (const bucket of top.entries) {
    if (bucket.name.startsWith('.') || brokenLink(root, bucket, report) || !isDirEntry(root, bucket)) continue;
    const bucketDir = join(root, bucket.name);
    const inner = readDir(bucketDir);
    if (inner.error) report(bucketDir, `skipped: ${inner.error}`);
    for (const entry of inner.entries) if (!entry.name.startsWith('.') && !brokenLink(bucketDir, entry, report)) visit(bucket.name, bucketDir, entry);
  }
}

/** A symlink that leads nowhere (or round in a circle) is reported, not silently passed over. */
function brokenLink(parent: string, entry: Dirent, report: (path: string, reason: string) => void): boolean {
  if (!entry.isSymbolicLink() || statOrNull(join(parent, entry.name))) return false;
  report(join(parent, entry.name), 'skipped: a link that leads nowhere (or in a circle)');
  return true;
}

/** Is this entry a directory, following a symlink that points to one? */
export function isDirEntry(parent: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return statOrNull(join(parent, entry.name))?.isDirectory() ?? false;
}

/**
 * Total size of the regular files under a directory. Symlinks are not
 * followed (they could point anywhere, or loop); unreadable parts are skipped.
 */
export function treeBytes(root: string): number {
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const { entries } = readDir(dir);
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        try {
          total += lstatSync(p).size;
        } catch {
          // vanished or unreadable: not counted
        }
      }
    }
  }
  return total;
}

export type JsonRead =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; missing: boolean; error: string };

/** Reads a JSON object file; anything else (missing, unreadable, not an object) is an error value. */
export function readJsonObject(path: string): JsonRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, missing, error: errorText(error) };
  }
  if (text.trim() === '') return { ok: false, missing: false, error: 'empty file' };
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return { ok: true, value };
    return { ok: false, missing: false, error: `expected a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}` };
  } catch (error) {
    return { ok: false, missing: false, error: `not valid JSON (${errorText(error)})` };
  }
}

/** A stable string that changes whenever a file's size or mtime does; "-" when absent. */
export function statStamp(st: Stats | null): string {
  return st ? `${st.size}:${Math.trunc(st.mtimeMs)}` : '-';
}
