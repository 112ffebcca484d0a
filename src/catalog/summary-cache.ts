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
export const SUMMARY_CACHE_VERSION = 2;
const FILE = `summaries-v${SUMMARY_CACHE_VERSION}.json`;

/**
 * Session fields in the order they are stored. Each entry is one array,
 * `[key, stamp, ...values]`: half the parse time of keyed objects at 10,000
 * sessions, which is most of what a warm start costs.
 */
const FIELDS = [
  'source', 'id', 'title', 'titleSource', 'workDir', 'createdAt', 'updatedAt', 'turns', 'messages',
  'bytes', 'path', 'inUse', 'archived', 'forkedFrom', 'sameAs', 'problems',
] as const satisfies ReadonlyArray<keyof Session>;

type Row = unknown[];

interface Entry {
  stamp: string;
  /** As stored: `[key, stamp, ...FIELDS]`. */
  row: Row;
}

export class SummaryCache {
  private entries = new Map<string, Entry>();
  private readonly used = new Set<string>();
  private dirty = false;

  private constructor(private readonly path: string | null) {}

  /** A cache that keeps nothing (for --no-cache and for tests of the cold path). */
  static disabled(): SummaryCache {
    return new SummaryCache(null);
  }

  static load(dir: string): SummaryCache {
    const path = join(dir, FILE);
    const cache = new SummaryCache(path);
    try {
      const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
      const sameShape = isRecord(data) && data['version'] === SUMMARY_CACHE_VERSION && JSON.stringify(data['fields']) === JSON.stringify(FIELDS);
      if (sameShape && Array.isArray(data['rows'])) {
        const updated = 2 + FIELDS.indexOf('updatedAt');
        let last: unknown = null;
        for (const r of data['rows'] as unknown[]) {
          // A cache written before rows were kept newest first is written again, in order, at the next save.
          if (Array.isArray(r) && last !== null && (r[updated] as string) > (last as string)) cache.dirty = true;
          if (Array.isArray(r)) last = r[updated];
          if (Array.isArray(r) && r.length === FIELDS.length + 2 && typeof r[0] === 'string' && typeof r[1] === 'string') {
            // The row as read, fields from index 2 on: no copy of 10,000 arrays before the first frame.
            cache.entries.set(r[0], { stamp: r[1], row: r });
          }
        }
      }
    } catch {
      // Missing or corrupt: start empty, it is rebuilt on save.
    }
    return cache;
  }

  /**
   * Every cached session, without checking that it is still current: what
   * the manager paints first, while the scan that validates runs.
   */
  all(): Session[] {
    return [...this.entries.values()].map((e) => rowToSession(e.row));
  }

  /** The cached session when its stamp still matches. */
  session(key: string, stamp: string): Session | null {
    const entry = this.entries.get(key);
    if (!entry || entry.stamp !== stamp) return null;
    this.used.add(key);
    return rowToSession(entry.row);
  }

  put(key: string, stamp: string, session: Session): void {
    this.entries.set(key, { stamp, row: [key, stamp, ...FIELDS.map((f) => session[f])] });
    this.used.add(key);
    this.dirty = true;
  }

  /** Keeps an entry that was not asked for this time (a layout left out by a filter). */
  retain(key: string): void {
    this.used.add(key);
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
    // Newest first, as lists show them: the manager's first frame (all()) then needs no sort.
    const updated = 2 + FIELDS.indexOf('updatedAt');
    const rows = Array.from(this.entries.values(), (e) => e.row).sort((a, b) => (a[updated]! < b[updated]! ? 1 : a[updated]! > b[updated]! ? -1 : 0));
    const data = { version: SUMMARY_CACHE_VERSION, fields: FIELDS, rows };
    try {
      writeFileAtomic(this.path, JSON.stringify(data), { mode: 0o600, mkdirMode: 0o700 });
      this.dirty = false;
    } catch {
      // A read-only or full cache folder only costs speed next time.
    }
  }
}

/** A stored row (`[key, stamp, ...fields]`) as a session. */
function rowToSession(row: Row): Session {
  const session: Record<string, unknown> = {};
  FIELDS.forEach((f, i) => (session[f] = row[i + 2]));
  return session as unknown as Session;
}
