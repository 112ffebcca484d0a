// How Kimi Code names the folder of a work dir (FORMATS.md §1).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';

/** Kimi Code: `wd_<slug>_<first 12 hex of sha256(normalized path)>`. */
export function kimiCodeWorkDirKey(workDir: string): string {
  const normalized = workDir.replace(/\\/g, '/').replace(/\/+$/, '') || '/';
  const slug =
    posix
      .basename(normalized)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'workspace';
  return `wd_${slug}_${createHash('sha256').update(normalized).digest('hex').slice(0, 12)}`;
}
