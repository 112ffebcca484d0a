// What the layouts' imports share: a free id, a JSON object from an archive,
// and a folder written whole or not at all (imports and forks).
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { faultPoint } from '../actions/faults.js';
import type { BundleFile } from '../actions/bundle.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isRecord } from '../util/text.js';

const SAFE_ID = /^[A-Za-z0-9._-]+$/;

/** The id in an export can be kept: safe as a file name and not taken in the store. */
export function isFreeId(id: string, taken: (id: string) => boolean): boolean {
  return SAFE_ID.test(id) && !id.startsWith('.') && !taken(id);
}

export function parseObject(data: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(data.toString('utf8'));
  } catch {
    throw new UserError(`${what} is not valid JSON`, 'bad-input');
  }
  if (!isRecord(v)) throw new UserError(`${what} is not a JSON object`, 'bad-input');
  return v;
}

/**
 * Builds a session folder under `staging` (a dot name beside the sessions,
 * which the agent does not list) with `fill`, then renames it to `target`
 * whole: the agent sees all of it or nothing. On any failure the staging
 * folder goes and nothing is left behind. An existing `target` is never
 * overwritten.
 */
export function stagedFolder(target: string, staging: string, fill: (dir: string) => void): void {
  if (existsSync(target)) throw new UserError(`${target} exists; not overwriting it`, 'failed');
  try {
    fill(staging);
    faultPoint('folder.staged');
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Writes the files of an import into a folder, placed whole. */
export function writeTree(target: string, files: readonly BundleFile[]): void {
  stagedFolder(target, join(dirname(target), `.sessions-staging-${randomUUID()}`), (staging) => {
    for (const f of files) {
      const dest = resolve(staging, f.path);
      // safeRelPath already refused `..`; this is the belt to its braces.
      if (!dest.startsWith(staging + '/')) throw new UserError(`unsafe path ${f.path}`, 'bad-input');
      writeFileAtomic(dest, f.data, { mkdirMode: 0o700 });
      faultPoint('import.file-written');
    }
  });
}
