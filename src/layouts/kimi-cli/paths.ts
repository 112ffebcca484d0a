// How Kimi CLI names the folder of a work dir (FORMATS.md §2).
import { createHash } from 'node:crypto';

/** Kimi CLI: md5 of the path (`<kaos>_<md5>` for a non-local kaos). */
export function kimiCliBucket(workDir: string, kaos = 'local'): string {
  const md5 = createHash('md5').update(workDir).digest('hex');
  return kaos === 'local' ? md5 : `${kaos}_${md5}`;
}
