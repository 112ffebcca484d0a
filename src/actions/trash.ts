// The manager's trash: ~/.local/share/sessions/trash/<entry>/. An entry holds
// one batch (one `rm`, one `clean`, or the backup a `compact` takes first):
// the moved files under items/<n>/, what the layout keeps of its other parts
// (a database row, an index line: opaque here, the layout's own), and a
// manifest that says where everything came from and what its bytes hashed
// to, so a restore puts back byte-identical files.
import { compactStamp } from '../format/time.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../errors.js';
import { isSourceKind, sessionKey, type SourceKind } from '../model.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readJsonObject } from '../util/fsx.js';
import { faultPoint } from './faults.js';
import { appendLine, copyTree, hashTree, movePath, pathBytes, sameHashes } from './file-ops.js';
import type { TrashParts, TrashPlan } from '../layouts/contract.js';
import { layoutOf } from '../layouts/registry.js';

export type { TrashPlan };

export interface TrashedSession {
  source: SourceKind;
  id: string;
  title: string;
  workDir: string | null;
  bytes: number;
}

/** Only the fields of TrashedSession: an item or a session carries more, which must not ride along. */
export function trashedSession(s: TrashedSession): TrashedSession {
  return { source: s.source, id: s.id, title: s.title, workDir: s.workDir, bytes: s.bytes };
}

interface StoredPath {
  original: string;
  /** Relative to the entry folder. */
  stored: string;
  hashes: Record<string, string>;
}

export interface TrashItem extends TrashedSession {
  paths: StoredPath[];
  /** The layout's own parts (its TrashParts), as it captured them. */
  part?: unknown;
}

/** Entries written before parts were the layout's held them as `row` (Kiro) and `index` (Kimi Code): the same shapes. */
function upgradeItem(item: TrashItem & { row?: unknown; index?: unknown }): TrashItem {
  if (item.part !== undefined || (item.row === undefined && item.index === undefined)) return item;
  const { row, index, ...rest } = item;
  return { ...rest, part: row ?? index };
}

/** The layout's handler of an item's own parts; an item whose layout this version does not know cannot be put back. */
function partsOf(item: TrashedSession): TrashParts {
  const parts = isSourceKind(item.source) ? layoutOf(item.source).writer.trashParts : null;
  if (!parts) throw new UserError(`${item.source}:${item.id}: this version of sessions does not know how to put back its ${item.source} parts`, 'failed');
  return parts;
}

export type TrashAction = 'rm' | 'clean' | 'compact' | 'replaced';

export interface TrashEntry {
  version: 1;
  id: string;
  createdAt: string;
  action: TrashAction;
  /** A backup copy: the sessions were left in place (compact takes one first). */
  copy: boolean;
  /** 'moving' until every item is in; an entry left 'moving' by a crash restores what it holds. */
  state: 'moving' | 'done';
  items: TrashItem[];
}

const MANIFEST = 'manifest.json';

export class Trash {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'trash');
  }

  /**
   * Moves (or with `copy`, copies) each session into one new entry. If any
   * step fails, what was already moved is moved back and the entry removed.
   */
  put(sessions: Array<{ info: TrashedSession; plan: TrashPlan }>, action: TrashAction, copy = false): TrashEntry {
    const id = this.newId();
    const root = join(this.dir, id);
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const entry: TrashEntry = { version: 1, id, createdAt: new Date().toISOString(), action, copy, state: 'moving', items: [] };
    try {
      // Everything about every item is recorded before the first file moves.
      sessions.forEach(({ info, plan }, n) => entry.items.push(this.describe(root, n, info, plan)));
      this.saveManifest(root, entry);
      faultPoint('trash.described');
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
    const done: TrashItem[] = [];
    try {
      for (const item of entry.items) {
        for (const p of item.paths) {
          if (copy) copyTree(p.original, join(root, p.stored));
          else movePath(p.original, join(root, p.stored));
        }
        if (item.part !== undefined && !copy) partsOf(item).remove(item.part);
        done.push(item);
        faultPoint('trash.item-moved');
      }
    } catch (error) {
      this.rollBack(root, entry, done, copy);
      throw error;
    }
    entry.state = 'done';
    this.saveManifest(root, entry);
    return entry;
  }

  private describe(root: string, n: number, info: TrashedSession, plan: TrashPlan): TrashItem {
    const item: TrashItem = { ...trashedSession(info), paths: [] };
    for (const original of plan.paths) {
      if (!existsSync(original)) continue;
      item.paths.push({ original, stored: `items/${n}/${basename(original)}`, hashes: hashTree(original) });
    }
    if (plan.extra !== undefined) item.part = partsOf(info).capture(plan.extra, { root, dir: `items/${n}`, label: sessionKey(info) });
    return item;
  }

  private rollBack(root: string, entry: TrashEntry, done: TrashItem[], copy: boolean): void {
    if (!copy) {
      try {
        this.putBack(root, { ...entry, items: done });
      } catch {
        // Leave the entry: it still holds what could not be moved back, and `restore` can finish the job.
        return;
      }
    }
    rmSync(root, { recursive: true, force: true });
  }

  /** Every entry, newest first. Entries whose manifest cannot be read are reported and left alone. */
  list(report: (path: string, reason: string) => void = () => {}): TrashEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const entries: TrashEntry[] = [];
    for (const name of names) {
      const read = readJsonObject(join(this.dir, name, MANIFEST));
      if (!read.ok) {
        if (!read.missing) report(join(this.dir, name, MANIFEST), read.error);
        continue;
      }
      const e = read.value as unknown as TrashEntry;
      if (e.version !== 1 || !Array.isArray(e.items) || e.id !== name) {
        report(join(this.dir, name, MANIFEST), 'not a trash manifest this version understands');
        continue;
      }
      entries.push({ ...e, items: e.items.map(upgradeItem) });
    }
    return entries.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id.localeCompare(a.id)));
  }

  get(id: string): TrashEntry {
    const matches = this.list().filter((e) => e.id.startsWith(id));
    const exact = matches.find((e) => e.id === id);
    if (exact) return exact;
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw new UserError(`no trash entry '${id}' (see \`sessions trash\`)`, 'bad-input');
    throw new UserError(`'${id}' matches ${matches.length} trash entries: ${matches.map((e) => e.id).join(', ')}`, 'bad-input');
  }

  /**
   * Puts an entry's sessions back where they were and removes the entry.
   * A session that exists again in the meantime is not overwritten; for a
   * compact backup the current (compacted) version goes to the trash first.
   */
  restore(entry: TrashEntry): TrashEntry | null {
    const root = join(this.dir, entry.id);
    let replaced: TrashEntry | null = null;
    if (entry.copy) {
      const current = entry.items
        .filter((it) => it.paths.some((p) => existsSync(p.original)))
        // A path that is gone is skipped by put, as for any plan.
        .map((it) => ({ info: trashedSession(it), plan: { paths: it.paths.map((p) => p.original) } }));
      if (current.length > 0) replaced = this.put(current, 'replaced');
    } else {
      const clashes = this.clashes(root, entry);
      if (clashes.length > 0) throw new UserError(`not restoring ${entry.id}: ${clashes.join('; ')}`, 'failed');
    }
    try {
      this.putBack(root, entry);
    } catch (error) {
      // The compacted version moved aside for this restore goes back where it was.
      if (replaced) this.restore(replaced);
      throw error;
    }
    rmSync(root, { recursive: true, force: true });
    return replaced;
  }

  private clashes(root: string, entry: TrashEntry): string[] {
    const out: string[] = [];
    for (const item of entry.items) {
      for (const p of item.paths) if (existsSync(join(root, p.stored)) && existsSync(p.original)) out.push(`${p.original} exists again`);
      const clash = item.part !== undefined ? partsOf(item).clash(item.part, root) : null;
      if (clash) out.push(`${item.source}:${item.id} ${clash}`);
    }
    return out;
  }

  /**
   * Moves each item back. An item that fails half-way is moved back into the
   * entry, and the manifest then lists only the items not yet restored, so
   * every session is either back whole or still whole in the trash.
   */
  private putBack(root: string, entry: TrashEntry): void {
    const pending = [...entry.items];
    while (pending.length > 0) {
      const item = pending[0]!;
      const movedPaths: StoredPath[] = [];
      try {
        let moved = false;
        // Back in reverse order: a Kiro session's metadata (first out) comes back last, so a
        // session is never listed while half of it is still in the trash.
        for (const p of [...item.paths].reverse()) {
          const stored = join(root, p.stored);
          // An entry a crash left half-made: what never moved is still in place.
          if (!existsSync(stored)) continue;
          movePath(stored, p.original);
          movedPaths.push(p);
          faultPoint('restore.path-moved');
          moved = true;
          if (!sameHashes(hashTree(p.original), p.hashes)) throw new Error(`${p.original} was restored but its bytes differ from when it was deleted`);
        }
        if (item.part !== undefined) {
          // Files first, then the parts: a part may need to know the files came back (an index line).
          const movedFiles = moved;
          if (partsOf(item).restore(item.part, root, { copy: entry.copy, movedFiles, entryId: entry.id })) moved = true;
        }
      } catch (error) {
        for (const p of movedPaths.reverse()) {
          try {
            movePath(p.original, join(root, p.stored));
          } catch {
            // Left where it is: the error below names the session.
          }
        }
        if (pending.length < entry.items.length && existsSync(root)) this.saveManifest(root, { ...entry, items: pending });
        throw error;
      }
      pending.shift();
    }
  }

  /** Deletes entries for good. */
  purge(entries: readonly TrashEntry[]): void {
    for (const e of entries) rmSync(join(this.dir, e.id), { recursive: true, force: true });
  }

  /** Bytes an entry holds on disk. */
  bytes(entry: TrashEntry): number {
    return pathBytes(join(this.dir, entry.id));
  }

  private saveManifest(root: string, entry: TrashEntry): void {
    writeFileAtomic(join(root, MANIFEST), JSON.stringify(entry, null, 2) + '\n', { mkdirMode: 0o700 });
  }

  private newId(): string {
    // Sorts by time; the random tail keeps two batches in one second apart.
    return `${compactStamp(new Date())}-${randomBytes(3).toString('hex')}`;
  }
}
