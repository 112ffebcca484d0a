// The catalog over every layout, as the CLI and the manager both open it:
// with the summary cache and the scan memo in the cache folder, or neither.
import { Catalog } from '../catalog/catalog.js';
import { FileScanMemo } from '../catalog/scan-memo.js';
import { SummaryCache } from '../catalog/summary-cache.js';
import type { Homes } from '../sources/homes.js';
import type { Reporter } from '../sources/source.js';

export function openCatalog(homes: Homes, o: { cacheDir: string | null; report: Reporter; cwd: string }): Catalog {
  const dir = o.cacheDir;
  const base = { homes, report: o.report, cwd: o.cwd };
  return dir === null ? new Catalog(base) : new Catalog({ ...base, cache: () => SummaryCache.load(dir), memo: () => FileScanMemo.load(dir) });
}
