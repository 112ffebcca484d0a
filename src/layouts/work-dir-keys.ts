// How the agents name the folder of a work dir (FORMATS.md).
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

/** Kimi CLI: md5 of the path (`<kaos>_<md5>` for a non-local kaos). */
export function kimiCliBucket(workDir: string, kaos = 'local'): string {
  const md5 = createHash('md5').update(workDir).digest('hex');
  return kaos === 'local' ? md5 : `${kaos}_${md5}`;
}
