// Persistent cache of session summaries, so that listing 10,000 sessions
// costs a directory scan and some stats instead of re-reading a gigabyte.
// An entry is valid while the session's scan stamp (sizes, mtimes,
// updated_at) is unchanged. The cache holds nothing that cannot be rebuilt:
// a missing, old or corrupt file is simply replaced.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from '../model.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isRecord } from '../util/text.js';

/** Bump when readers change what they produce, so old summaries are rebuilt. */
export const SUMMARY_CACHE_VERSION = 1;
const FILE = `summaries-v${SUMMARY_CACHE_VERSION}.json`;

interface Entry {
  stamp: string;
  session: Session;
}

export class SummaryCache {
  private readonly entries: Map<string, Entry>;
  private readonly used = new Set<string>();
  private dirty = false;

  private constructor(
    private readonly path: string | null,
    entries: Map<string, Entry>,
  ) {
    this.entries = entries;
  }

  /** A cache that keeps nothing (for --no-cache and for tests of the cold path). */
  static disabled(): SummaryCache {
    return new SummaryCache(null, new Map());
  }

  static load(dir: string): SummaryCache {
    const path = join(dir, FILE);
    let entries = new Map<string, Entry>();
    try {
      const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (isRecord(data) && data['version'] === SUMMARY_CACHE_VERSION && isRecord(data['entries'])) {
        entries = new Map(Object.entries(data['entries'] as Record<string, Entry>));
      }
    } catch {
      // Missing or corrupt: start empty, it is rebuilt on save.
    }
    return new SummaryCache(path, entries);
  }

  /** A copy of the cached session when its stamp still matches. */
  get(key: string, stamp: string): Session | null {
    const entry = this.entries.get(key);
    if (!entry || entry.stamp !== stamp || !isRecord(entry.session)) return null;
    this.used.add(key);
    return { ...entry.session };
  }

  put(key: string, stamp: string, session: Session): void {
    this.entries.set(key, { stamp, session: { ...session } });
    this.used.add(key);
    this.dirty = true;
  }

  /** Writes the cache if anything changed; entries of sessions that are gone are dropped. */
  save(): void {
    if (this.path === null) return;
    for (const key of this.entries.keys()) {
      if (!this.used.has(key)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
    if (!this.dirty) return;
    const data = { version: SUMMARY_CACHE_VERSION, entries: Object.fromEntries(this.entries) };
    try {
      writeFileAtomic(this.path, JSON.stringify(data), { mode: 0o600, mkdirMode: 0o700 });
      this.dirty = false;
    } catch {
      // A read-only or full cache folder only costs speed next time.
    }
  }
}
