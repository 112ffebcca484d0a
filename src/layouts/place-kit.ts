// What the layouts' imports share: a free id, a JSON object from an archive,
// and a folder written whole or not at all.
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from '../errors.js';
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
    throw new CliError(`${what} is not valid JSON`, 2);
  }
  if (!isRecord(v)) throw new CliError(`${what} is not a JSON object`, 2);
  return v;
}

/** Writes the files into a staging folder beside `target`, then renames it into place whole. */
export function writeTree(target: string, files: readonly BundleFile[]): void {
  if (existsSync(target)) throw new CliError(`${target} exists; not overwriting it`, 1);
  const staging = join(dirname(target), `.sessions-staging-${randomUUID()}`);
  try {
    for (const f of files) {
      const dest = resolve(staging, f.path);
      // safeRelPath already refused `..`; this is the belt to its braces.
      if (!dest.startsWith(staging + '/')) throw new CliError(`unsafe path ${f.path}`, 2);
      writeFileAtomic(dest, f.data, { mkdirMode: 0o700 });
      faultPoint('import.file-written');
    }
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
