// One view over every layout: scan, reuse cached summaries, read what changed,
// find a session by id or unique prefix.
import { UserError } from '../errors.js';
import { sessionKey, isSourceKind, type Session, type SourceKind, type Transcript } from '../model.js';
import { createSources, linkSameConversations } from '../sources/discover.js';
import { LAYOUTS } from '../layouts/registry.js';
import type { Homes } from '../sources/homes.js';
import type { ReadDepth } from '../sources/transcript-builder.js';
import type { Reporter, ResumeMark, ScanMemo, SessionRef, Source } from '../sources/source.js';
import { errorText } from '../util/text.js';
import { SummaryCache } from './summary-cache.js';
import { inUseCheck } from './in-use.js';


export interface CatalogOptions {
  homes: Homes;
  report: Reporter;
  /** The summary cache, or how to load it (only `list` needs it). */
  cache?: SummaryCache | (() => SummaryCache);
  /** What sources remember between runs; saved after each scan (or how to load it: only a scan needs it). */
  memo?: (ScanMemo & { save(): void }) | (() => ScanMemo & { save(): void });
  /** Overrides the layouts read (tests). */
  sources?: Source[];
  /** Where the command runs: an agent started here applies its own retention settings (Kiro). */
  cwd?: string | null;
  now?: () => number;
}

export class Catalog {
  private readonly sources: Source[];
  private cacheSource: SummaryCache | (() => SummaryCache);
  private memoSource: (ScanMemo & { save(): void }) | (() => ScanMemo & { save(): void }) | undefined;
  private readonly report: Reporter;
  private readonly now: () => number;
  private refs: Array<{ ref: SessionRef; source: Source }> | null = null;

  constructor(options: CatalogOptions) {
    this.sources = options.sources ?? createSources(options.homes);
    this.cacheSource = options.cache ?? SummaryCache.disabled();
    this.memoSource = options.memo;
    this.report = options.report;
    this.now = options.now ?? Date.now;
    this.homes = options.homes;
    this.cwd = options.cwd ?? null;
  }

  private readonly homes: Homes;
  private readonly cwd: string | null;

  /** Why a session is in use, for one listing (see in-use.ts). */
  private inUse(now: number): (ref: SessionRef) => string | null {
    const byKind = new Map(LAYOUTS.map((l) => [l.kind, l.processes ?? []]));
    return inUseCheck({ now, dataDir: this.homes.data, agents: (kind) => byKind.get(kind) ?? [] });
  }

  /** The agents' own retention, asked of each layout once per listing. */
  private retention(now: number): (ref: SessionRef, s: Session) => string | null {
    const tests = new Map<string, (ref: SessionRef, s: Session) => string | null>();
    for (const l of LAYOUTS) {
      const test = l.retention?.(this.homes, this.cwd, now);
      if (test) tests.set(l.kind, test);
    }
    return (ref, s) => tests.get(ref.source)?.(ref, s) ?? null;
  }

  /**
   * Every readable session, newest first; with `kinds`, those layouts only.
   * Every layout is still scanned (stats only): ids and cross-layout links need them.
   */
  list(kinds?: readonly SourceKind[]): Session[] {
    const out: Session[] = [];
    const now = this.now();
    const refs = this.scan();
    const deletes = this.retention(now);
    const inUse = this.inUse(now);
    for (const { ref, source } of refs) {
      if (kinds && !kinds.includes(ref.source)) {
        this.cache.retain(ref.key);
        continue;
      }
      let session = this.cache.session(ref.key, ref.stamp);
      if (!session) {
        try {
          session = source.read(ref, 'summary').session;
        } catch (error) {
          this.report(ref.path, `skipped: ${errorText(error)}`);
          continue;
        }
        this.cache.put(ref.key, ref.stamp, session);
      }
      markInUse(session, inUse(ref));
      session.agentDeletes = deletes(ref, session);
      out.push(session);
    }
    linkSameConversations(out, refs.map((r) => r.ref));
    this.cache.save();
    out.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
    return out;
  }

  /**
   * Finds one session by its id, a unique prefix of it, or `source:id`.
   * Unknown and ambiguous ids are usage errors (exit code 2).
   */
  resolve(query: string): { ref: SessionRef; source: Source } {
    let wanted: SourceKind | null = null;
    let id = query.trim();
    const colon = id.indexOf(':');
    if (colon > 0 && isSourceKind(id.slice(0, colon))) {
      wanted = id.slice(0, colon) as SourceKind;
      id = id.slice(colon + 1);
    }
    if (id === '') throw new UserError('no session id given', 'bad-input');
    const candidates = this.scan().filter((c) => wanted === null || c.ref.source === wanted);
    const exact = candidates.filter((c) => c.ref.id === id);
    const matches = exact.length > 0 ? exact : candidates.filter((c) => c.ref.id.startsWith(id));
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw new UserError(`no session with id '${query}'`, 'bad-input');
    const names = matches.slice(0, 5).map((c) => sessionKey(c.ref));
    const more = matches.length > 5 ? `, and ${matches.length - 5} more` : '';
    throw new UserError(`'${query}' matches ${matches.length} sessions: ${names.join(', ')}${more}`, 'bad-input');
  }

  /** The transcript of a session found by resolve(); at depth 'summary', its session alone (from the cache where valid). */
  read(found: { ref: SessionRef; source: Source }, depth: ReadDepth = 'transcript'): Transcript {
    const cached = depth === 'summary' ? this.cache.session(found.ref.key, found.ref.stamp) : null;
    const transcript = cached ? { session: cached, messages: [] } : found.source.read(found.ref, depth);
    markInUse(transcript.session, this.inUse(this.now())(found.ref));
    transcript.session.agentDeletes = this.retention(this.now())(found.ref, transcript.session);
    linkSameConversations([transcript.session], this.scan().map((r) => r.ref));
    return transcript;
  }

  /**
   * Part of a long session, for a preview: from `mark` on (null: its start),
   * at most `limit` messages. Null where its layout cannot read a part.
   */
  readWindow(found: { ref: SessionRef; source: Source }, mark: ResumeMark | null, limit: number): Transcript | null {
    const read = found.source.readFrom?.(found.ref, mark, limit) ?? null;
    if (!read) return null;
    markInUse(read.session, this.inUse(this.now())(found.ref));
    return { session: read.session, messages: read.messages, ...(read.window ? { window: read.window } : {}) };
  }

  close(): void {
    for (const s of this.sources) s.close();
  }

  private get memo(): (ScanMemo & { save(): void }) | undefined {
    if (typeof this.memoSource === 'function') this.memoSource = this.memoSource();
    return this.memoSource;
  }

  private get cache(): SummaryCache {
    if (typeof this.cacheSource === 'function') this.cacheSource = this.cacheSource();
    return this.cacheSource;
  }

  /** Every session found by the scan (stats only; nothing is read). */
  scanned(): Array<{ ref: SessionRef; source: Source }> {
    return this.scan();
  }

  private scan(): Array<{ ref: SessionRef; source: Source }> {
    if (this.refs) return this.refs;
    const refs: Array<{ ref: SessionRef; source: Source }> = [];
    for (const source of this.sources) {
      try {
        for (const ref of source.scan(this.report, this.memo)) refs.push({ ref, source });
      } catch (error) {
        this.report(source.kind, `cannot scan: ${errorText(error)}`);
      }
    }
    this.memo?.save();
    this.refs = refs;
    return refs;
  }
}

function markInUse(s: Session, reason: string | null): void {
  s.inUse = reason !== null;
  if (reason === null) delete s.inUseReason;
  else s.inUseReason = reason;
}
