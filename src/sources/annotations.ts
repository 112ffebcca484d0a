// What the manager knows about a session that its layout has no field for:
// a title for a Kiro database row, the session a Kimi CLI or Kiro fork came
// from. Kept in the manager's data folder (annotations.json), keyed by
// `source:id`, and laid over what the readers find.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sessionKey, type Session, type SourceKind } from '../model.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readJsonObject } from '../util/fsx.js';
import { isRecord } from '../util/text.js';
import type { Reporter, ScanMemo, SessionRef, Source } from './source.js';

export interface Annotation {
  title?: string;
  forkedFrom?: string;
}

const FILE = 'annotations.json';

export class Annotations {
  private constructor(
    readonly path: string,
    private readonly entries: Map<string, Annotation>,
  ) {}

  static load(dataDir: string): Annotations {
    const path = join(dataDir, FILE);
    const read = readJsonObject(path);
    const entries = new Map<string, Annotation>();
    const sessions = read.ok ? read.value['sessions'] : undefined;
    if (isRecord(sessions)) {
      for (const [key, v] of Object.entries(sessions)) {
        if (!isRecord(v)) continue;
        const a: Annotation = {};
        if (typeof v['title'] === 'string') a.title = v['title'];
        if (typeof v['forkedFrom'] === 'string') a.forkedFrom = v['forkedFrom'];
        entries.set(key, a);
      }
    }
    return new Annotations(path, entries);
  }

  get(source: SourceKind, id: string): Annotation | undefined {
    return this.entries.get(sessionKey({ source, id }));
  }

  /** Sets (or with `undefined`, removes) fields and saves at once. */
  update(source: SourceKind, id: string, patch: { [K in keyof Annotation]?: string | undefined }): void {
    const key = sessionKey({ source, id });
    const next: Annotation = { ...this.entries.get(key) };
    for (const [k, v] of Object.entries(patch) as Array<[keyof Annotation, string | undefined]>) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    if (Object.keys(next).length === 0) this.entries.delete(key);
    else this.entries.set(key, next);
    this.save();
  }

  private save(): void {
    const sessions = Object.fromEntries([...this.entries].sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileAtomic(this.path, JSON.stringify({ version: 1, sessions }, null, 2) + '\n', { mkdirMode: 0o700 });
  }
}

/**
 * A source whose sessions carry their annotations. The stamp takes the
 * annotation in, so cached summaries and the search index see a new title.
 */
export class AnnotatedSource implements Source {
  readonly kind: SourceKind;
  private annotations: Annotations | null = null;

  constructor(
    private readonly inner: Source,
    private readonly dataDir: string,
  ) {
    this.kind = inner.kind;
  }

  private get notes(): Annotations {
    return (this.annotations ??= Annotations.load(this.dataDir));
  }

  scan(report: Reporter, memo?: ScanMemo): SessionRef[] {
    const refs = this.inner.scan(report, memo);
    return refs.map((ref) => {
      const a = this.notes.get(ref.source, ref.id);
      if (!a) return ref;
      const digest = createHash('sha1').update(JSON.stringify(a)).digest('hex').slice(0, 12);
      return { ...ref, stamp: `${ref.stamp}|a:${digest}` };
    });
  }

  read(ref: SessionRef, depth?: 'summary' | 'transcript') {
    const t = this.inner.read(ref, depth);
    applyAnnotation(t.session, this.notes.get(ref.source, ref.id));
    return t;
  }

  close(): void {
    this.inner.close();
  }
}

export function applyAnnotation(session: Session, a: Annotation | undefined): void {
  if (!a) return;
  if (a.title !== undefined) {
    session.title = a.title;
    session.titleSource = 'custom';
  }
  if (a.forkedFrom !== undefined && session.forkedFrom === null) session.forkedFrom = a.forkedFrom;
}
