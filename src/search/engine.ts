// Answers a query from the index. Candidates come from the postings (every
// word, as itself, as the start of a longer word, or in a near spelling,
// somewhere in the session). They are ranked in tiers, then by score:
//   1. how each word matched: whole word, then start of a word, then typo;
//   2. where: in the conversation (or title) above only in tool output or thinking;
//   3. the score: how rare the matched words are, how often they occur, the
//      title (counts most), and how recent the session is.
// Only the sessions returned are opened: phrases are checked there, and
// fuse.js ranks their messages to pick the snippets.
import { sessionKey, type Session } from '../model.js';
import { allowedEdits, deletes, deletes2, editDistance } from './fuzzy.js';
import type { DocPart, IndexStore, RankRow, SessRow, TermHit } from './index-store.js';
import { compare, isFilterOnly, type Query, type QueryWord } from './query.js';
import { normalizePhrase, phraseChecker, rawPhraseTest } from './phrases.js';
import { escapeRegExp, findMatches } from './snippets.js';
import { isAscii, isCjkTerm, normalize, terms } from './tokenize.js';

export interface SearchOptions {
  limit: number;
  /** Match tool outputs and thinking too (ranked below the conversation); false leaves them out. */
  toolOutput: boolean;
  cwd: string;
  now: number;
  /** false: which sessions match, without the matched messages (for bulk selection). */
  snippets?: boolean;
}

export interface Match {
  /** Index in the session's transcript (`show --json` messages). */
  messageIndex: number;
  role: string;
  snippet: string;
  /** [start, end) character ranges of the matched words in the snippet. */
  ranges: Array<[number, number]>;
}

export interface SearchResult {
  session: Omit<Session, 'inUse'>;
  key: string;
  score: number;
  matches: Match[];
}

/** How much an exact word, a prefix, and one or two typos count. */
const WEIGHT = { exact: 1, prefix: 0.8, edit1: 0.6, edit2: 0.4 };
/** The match tier of each kind (higher ranks first, whatever the scores). */
const KIND = { exact: 3, prefix: 2, edit1: 1, edit2: 0 };
/** Queries shorter than this are not also read as the start of a longer word. */
const MIN_PREFIX = 2;
/** Words looked up per start of a word (the earliest seen first). */
const PREFIX_LIMIT = 2000;
/** A word in the title outweighs the same word anywhere in the conversation. */
const TITLE_BONUS = 3;
/** BM25's saturation and length normalisation: ten mentions are not ten times one, and long sessions do not win by length. */
const K1 = 1.2;
const B = 0.75;
/** Recent sessions win among equal matches: the bonus halves every 30 days. */
const RECENCY_HALF_LIFE_DAYS = 30;
const RECENCY_WEIGHT = 0.25;
/** How many of the best candidates of a several-word query are checked for how close their words stand. */
const CLOSENESS_CANDIDATES = 300;
/** Between two adjacent words: anything but letters and digits, including JSON's escaped line breaks. */
const GAP = String.raw`(?:[^\p{L}\p{N}\\]|\\[nrt"])+`;
/** Bound on the sessions opened to check phrases, so a phrase of common words stays quick. */
const MAX_VERIFY = 3000;

interface Expansion extends TermHit {
  weight: number;
  /** KIND of this spelling. */
  kind: number;
}

/** One condition every result must meet: any of its expansions in the session. */
interface Group {
  expansions: Expansion[];
  /** The query's own spelling, where a longer word starting with it counts too (closeness). */
  prefix?: string;
  /**
   * The last word, just begun: one letter, or a start so common that its
   * words were cut at the lookup's limit. It ranks (closeness, score) but
   * does not filter, so results do not vanish at the first letter of a word.
   */
  optional?: boolean;
}

/**
 * Searches one index. Keeps the session rows between queries (the manager
 * runs one search per keystroke); call `refresh()` after the index changes.
 * A plain query reads only the ranking fields of each session; whole rows
 * are read once a query has filters, and `source:id` keys once they are listed.
 */
export class SearchEngine {
  private light: Map<number, RankRow> | null = null;
  private full: Map<number, SessRow> | null = null;
  private keys: Map<number, string> | null = null;

  constructor(private readonly store: IndexStore) {}

  refresh(): void {
    this.light = this.full = this.keys = null;
  }

  search(q: Query, opts: SearchOptions): SearchResult[] {
    return search(this.store, this.rows(q), q, opts);
  }

  /**
   * Every session the query matches, best first, as `source:id` keys: no
   * cap, nothing opened (the manager's list and bulk selections). Phrases
   * need the stored text, so a query with phrases goes through search().
   */
  matchingIds(q: Query, opts: Omit<SearchOptions, 'limit' | 'snippets'>): string[] {
    if (q.phrases.length > 0 || q.notPhrases.length > 0) {
      return this.search(q, { ...opts, limit: Number.MAX_SAFE_INTEGER, snippets: false }).map((r) => sessionKey(r.session));
    }
    if (!this.keys) {
      this.keys = new Map();
      for (const r of this.fullRows().values()) this.keys.set(r.n, sessionKey(r));
    }
    const keys = this.keys;
    return rank(this.store, this.rows(q), q, { ...opts, limit: Number.MAX_SAFE_INTEGER }).ranked.map((r) => keys.get(r.n)!);
  }

  private rows(q: Query): ReadonlyMap<number, RankRow> {
    if (hasFilters(q) || this.full) return this.fullRows();
    return (this.light ??= new Map(this.store.rankRows().map((r) => [r.n, r])));
  }

  private fullRows(): Map<number, SessRow> {
    return (this.full ??= new Map(this.store.liveRows().map((r) => [r.n, r])));
  }
}

interface Ranking {
  ranked: Ranked[];
  byN: ReadonlyMap<number, RankRow>;
  perGroup: Array<Map<number, string>>;
}

/** The matching sessions in order (at most `limit` of them unless phrases must still be checked). */
function rank(store: IndexStore, all: ReadonlyMap<number, RankRow>, q: Query, opts: SearchOptions): Ranking {
  let byN = all;
  if (hasFilters(q)) {
    // rows() gives whole rows to a query with filters.
    const kept = new Map<number, RankRow>();
    for (const r of all.values()) if (passesFilters(r as SessRow, q, opts)) kept.set(r.n, r);
    byN = kept;
  }
  if (byN.size === 0) return { ranked: [], byN, perGroup: [] };
  // Session numbers are small dense integers: flat arrays indexed by them beat maps in the per-posting loops.
  let maxN = 0;
  for (const n of byN.keys()) if (n > maxN) maxN = n;
  const liveMask = new Uint8Array(maxN + 1);
  for (const n of byN.keys()) liveMask[n] = 1;
  const live = (n: number): boolean => n <= maxN && liveMask[n] === 1;

  let scored: Map<number, number>;
  let tiers: Map<number, number> = new Map();
  let perGroup: Array<Map<number, string>> = [];
  let groups: Group[] = [];
  if (isFilterOnly(q)) {
    scored = new Map([...byN.keys()].map((n) => [n, 0]));
  } else {
    groups = buildGroups(store, q);
    if (groups.some((g) => !g.optional && g.expansions.length === 0)) return { ranked: [], byN, perGroup: [] };
    let words = 0;
    for (const r of byN.values()) words += r.words;
    const avg = Math.max(1, words / byN.size);
    const lengthRatio = new Float64Array(maxN + 1);
    for (const r of byN.values()) lengthRatio[r.n] = r.words / avg;
    ({ scored, tiers, perGroup } = matchGroups(store, groups, live, byN.size, opts.toolOutput, lengthRatio));
  }
  for (const word of q.notWords) {
    for (const t of terms(word, false)) {
      const hit = store.findTerms([t])[0];
      if (!hit) continue;
      const p = store.postings(hit.id, live);
      for (let i = 0; i < p.n.length; i++) if (weightOf(p.w[i]!, opts.toolOutput) > 0) scored.delete(p.n[i]!);
    }
  }

  // Without phrases to check, only the first `limit` can be returned: keep just those.
  const keep = q.phrases.length > 0 || q.notPhrases.length > 0 ? Infinity : opts.limit;
  if (perGroup.length < 2) return { ranked: topRanked(scored, tiers, byN, opts.now, keep), byN, perGroup };
  // Several words: the best candidates are ranked again by how close their words stand.
  const ranked = topRanked(scored, tiers, byN, opts.now, Math.max(keep, CLOSENESS_CANDIDATES));
  return { ranked: byCloseness(store, ranked, groups, perGroup).slice(0, keep), byN, perGroup };
}

function search(store: IndexStore, all: ReadonlyMap<number, RankRow>, q: Query, opts: SearchOptions): SearchResult[] {
  const { ranked, byN, perGroup } = rank(store, all, q, opts);
  const results: SearchResult[] = [];
  const phrases = q.phrases.map(normalizePhrase);
  const notPhrases = q.notPhrases.map(normalizePhrase);
  const phraseTests = phrases.map(rawPhraseTest);
  const fuseQuery = [...q.words.map((w) => w.text), ...q.phrases].join(' ');
  let opened = 0;
  for (const { n, score } of ranked) {
    if (results.length >= opts.limit) break;
    const needsDoc = phrases.length > 0 || notPhrases.length > 0 || (!isFilterOnly(q) && opts.snippets !== false);
    let matches: Match[] = [];
    if (needsDoc) {
      if (phrases.length > 0 || notPhrases.length > 0) {
        if (++opened > MAX_VERIFY) break;
      }
      const parts = store.docParts(n);
      if (phrases.length > 0 || notPhrases.length > 0) {
        const has = partsHavePhrase(parts, opts.toolOutput);
        if (!phrases.every((p, i) => has(p, phraseTests[i]!)) || notPhrases.some((p) => has(p, rawPhraseTest(p)))) continue;
      }
      const hit = new Set<string>();
      for (const g of perGroup) {
        const best = g.get(n);
        if (best !== undefined) hit.add(best);
      }
      if (opts.snippets !== false) matches = findMatches(parts, [...hit], q.phrases, fuseQuery, opts.toolOutput);
    }
    const row = store.sessionOf(n);
    if (row === undefined) continue;
    results.push({ session: JSON.parse(row.session) as Omit<Session, 'inUse'>, key: row.key, score: Math.round(score * 1000) / 1000, matches });
  }
  return results;
}

/**
 * Does some message of the session hold a (normalized) phrase? Each part is
 * first tested on its raw JSON (most candidates fail there, unparsed; a
 * `null` test cannot tell), and only the parts that pass are parsed.
 */
function partsHavePhrase(parts: readonly DocPart[], toolOutput: boolean): (phrase: string, raw: RegExp | null) => boolean {
  const checkers = new Map<DocPart, (phrase: string) => boolean>();
  const checker = (p: DocPart) => checkers.get(p) ?? checkers.set(p, phraseChecker(p.messages(), toolOutput)).get(p)!;
  return (phrase, raw) => parts.some((p) => (raw === null || raw.test(p.raw())) && checker(p)(phrase));
}

/**
 * Closeness first: the longest run of query words that stand side by side,
 * in the query's order, in one message (or the title) of the session; then
 * the order there was. Checked on the stored text of the best candidates
 * only (the index keeps no word positions); the rest keep their order after them.
 */
function byCloseness(store: IndexStore, ranked: Ranked[], groups: Group[], perGroup: Array<Map<number, string>>): Ranked[] {
  const head = ranked.slice(0, CLOSENESS_CANDIDATES);
  const runs = new Map<number, number>();
  const patterns = new Map<string, RegExp>();
  const words = new Map<string, RegExp>();
  const plainWord = (w: string): RegExp => words.get(w) ?? words.set(w, new RegExp(escapeRegExp(w), 'i')).get(w)!;
  for (const r of head) {
    const parts = store.docParts(r.n);
    // Text that is not all ASCII is also tried folded as the index folds it (`café` as `cafe`), once per part.
    const folded = new Map<DocPart, string | null>();
    const foldedOf = (p: DocPart): string | null => {
      if (!folded.has(p)) folded.set(p, isAscii(p.raw()) ? null : normalize(p.raw()));
      return folded.get(p)!;
    };
    let best = 1;
    let run = 1;
    for (let g = 0; g + 1 < perGroup.length; g++) {
      const a = perGroup[g]!.get(r.n);
      // A word just begun may start a word its lookup cut off: it is tried as typed, as the start of a word.
      const b = perGroup[g + 1]!.get(r.n) ?? (groups[g + 1]!.optional ? groups[g + 1]!.prefix : undefined);
      let adjacent = false;
      if (a !== undefined && b !== undefined) {
        const key = `${a}\u0000${b}`;
        let re = patterns.get(key);
        if (!re) patterns.set(key, (re = new RegExp(`${spelling(a, groups[g]!)}${isCjkTerm(a) || isCjkTerm(b) ? '' : GAP}${spelling(b, groups[g + 1]!)}`, 'iu')));
        adjacent = parts.some((p) => {
          const raw = p.raw();
          if (re.test(raw)) return true;
          // Folding a long text costs more than the test: only where a word is not found as typed, so it is written accented or wide.
          if (plainWord(a).test(raw) && plainWord(b).test(raw)) return false;
          const f = foldedOf(p);
          return f !== null && re.test(f);
        });
      }
      run = adjacent ? run + 1 : 1;
      if (run > best) best = run;
    }
    runs.set(r.n, best);
  }
  const closer = [...head].sort((x, y) => runs.get(y.n)! - runs.get(x.n)! || 0);
  return [...closer, ...ranked.slice(CLOSENESS_CANDIDATES)];
}

/** A group's word in a closeness pattern: the spelling that matched, or any word starting as typed. */
function spelling(matched: string, g: Group): string {
  const own = escapeRegExp(matched);
  if (g.prefix === undefined || isCjkTerm(g.prefix)) return own;
  const start = `${escapeRegExp(g.prefix)}[\\p{L}\\p{N}_]*`;
  return g.prefix === matched ? start : `(?:${own}|${start})`;
}

/** Title words, worked out once per row (the engine keeps its rows between queries). */
const titleTermCache = new WeakMap<SessRow, string[]>();
function titleTermsOf(r: SessRow): string[] {
  let t = titleTermCache.get(r);
  if (!t) titleTermCache.set(r, (t = terms(r.title)));
  return t;
}

interface Ranked {
  n: number;
  /** Match tier (how exactly and where every word matched): compared before the score. */
  tier: number;
  updated: number;
  score: number;
}

/** Final order (tier, then match score with the recency bonus), best first, at most `keep` of them. */
function topRanked(scored: Map<number, number>, tiers: ReadonlyMap<number, number>, byN: ReadonlyMap<number, RankRow>, now: number, keep: number): Ranked[] {
  const dayMs = 86_400_000;
  const better = (a: Ranked, b: Ranked): number => b.tier - a.tier || b.score - a.score || b.updated - a.updated;
  const out: Ranked[] = [];
  for (const [n, score] of scored) {
    const updated = byN.get(n)!.updated_at;
    const tier = tiers.get(n) ?? 0;
    const age = Math.max(0, (now - updated) / dayMs);
    const final = score * (1 + RECENCY_WEIGHT * 0.5 ** (age / RECENCY_HALF_LIFE_DAYS));
    const r = { n, tier, updated, score: final };
    // Most candidates lose to the current last place: decide before allocating anything.
    if (out.length >= keep && better(r, out[out.length - 1]!) >= 0) continue;
    if (keep === Infinity) {
      out.push(r);
      continue;
    }
    // Insert in order (a short array: `keep` is the result limit).
    let i = out.length;
    while (i > 0 && better(r, out[i - 1]!) < 0) i--;
    out.splice(i, 0, r);
    if (out.length > keep) out.pop();
  }
  if (keep === Infinity) out.sort(better);
  return out;
}

function hasFilters(q: Query): boolean {
  const f = q.filters;
  return Boolean(f.sources || f.here || f.dirParts.length || f.after !== undefined || f.before !== undefined || f.titleWords.length || f.turns.length || f.messages.length || f.size.length);
}

function passesFilters(r: SessRow, q: Query, opts: SearchOptions): boolean {
  const f = q.filters;
  if (f.sources && !f.sources.includes(r.source as never)) return false;
  if (f.here && r.work_dir !== opts.cwd) return false;
  for (const part of f.dirParts) if (!r.work_dir || !r.work_dir.toLowerCase().includes(part.toLowerCase())) return false;
  if (f.after !== undefined && !(r.updated_at > f.after)) return false;
  if (f.before !== undefined && !(r.updated_at < f.before)) return false;
  if (!f.turns.every((c) => compare(r.turns, c))) return false;
  if (!f.messages.every((c) => compare(r.messages, c))) return false;
  if (!f.size.every((c) => compare(r.bytes, c))) return false;
  if (f.titleWords.length > 0) {
    const titleTerms = titleTermsOf(r);
    for (const word of f.titleWords) {
      const want = terms(word, false);
      const ok = want.every((w) => titleTerms.some((t) => t === w || (allowedEdits(w.length) > 0 && editDistance(w, t, allowedEdits(w.length)) <= allowedEdits(w.length))));
      if (want.length === 0 || !ok) return false;
    }
  }
  return true;
}

/** Each query word becomes one group per word it splits into (CJK pairs, `cart.ts`); phrases add their words. */
function buildGroups(store: IndexStore, q: Query): Group[] {
  const groups: Group[] = [];
  let begun: Group | null = null;
  q.words.forEach((w, k) => {
    const parts = terms(w.text, false);
    if (parts.length === 1 && (w.mode === 'prefix' || w.mode === 'suffix')) groups.push({ expansions: affix(store, parts[0]!, w) });
    else if (w.mode === 'fuzzy') {
      parts.forEach((p, i) => {
        const lastOfQuery = k === q.words.length - 1 && i === parts.length - 1;
        // In `foo::b` the last part is being typed: one letter already starts it. The query's last word of one
        // letter is not looked up as a start (thousands of words): it ranks through closeness, as the start of a word.
        const found = fuzzy(store, p, parts.length > 1 && i === parts.length - 1 ? 1 : MIN_PREFIX);
        const g: Group = { expansions: found.expansions, prefix: p };
        if (lastOfQuery && !isCjkTerm(p) && (Array.from(p).length < MIN_PREFIX || found.cut)) begun = g;
        groups.push(g);
      });
    } else for (const p of parts) groups.push({ expansions: exact(store, p) });
  });
  for (const phrase of q.phrases) for (const p of new Set(terms(phrase, false))) groups.push({ expansions: exact(store, p) });
  // Only beside words that do filter: alone, the word begun is the whole query.
  if (begun !== null && groups.length > 1) (begun as Group).optional = true;
  return groups;
}

function exact(store: IndexStore, t: string): Expansion[] {
  return store.findTerms([t]).map((h) => ({ ...h, weight: WEIGHT.exact, kind: KIND.exact }));
}

function affix(store: IndexStore, t: string, w: QueryWord): Expansion[] {
  const hits = w.mode === 'prefix' ? store.findByPrefix(t) : store.findBySuffix(t);
  return hits.map((h) => (h.t === t ? { ...h, weight: WEIGHT.exact, kind: KIND.exact } : { ...h, weight: WEIGHT.prefix, kind: KIND.prefix }));
}

/**
 * The word itself, every indexed word it starts (from two letters: a word
 * being typed), and every indexed word within the typos its length allows.
 * A spelling found several ways counts as the best of them.
 */
function fuzzy(store: IndexStore, t: string, minPrefix = MIN_PREFIX): { expansions: Expansion[]; cut: boolean } {
  const out = new Map<number, Expansion>();
  let cut = false;
  const add = (h: TermHit, weight: number, kind: number): void => {
    const had = out.get(h.id);
    if (!had || had.kind < kind) out.set(h.id, { ...h, weight, kind });
  };
  for (const h of store.findTerms([t])) add(h, WEIGHT.exact, KIND.exact);
  // A CJK pair is a piece of a longer run, not the start of a word: no prefixes, no typos.
  if (isCjkTerm(t)) return { expansions: [...out.values()], cut };
  if (Array.from(t).length >= minPrefix) {
    const starting = store.findByPrefix(t, PREFIX_LIMIT);
    cut = starting.length >= PREFIX_LIMIT;
    for (const h of starting) if (h.t !== t) add(h, WEIGHT.prefix, KIND.prefix);
  }
  const max = allowedEdits(t.length);
  if (max === 0) return { expansions: [...out.values()], cut };
  const queryDeletes = max >= 2 ? deletes2(t) : deletes(t);
  const candidates = new Map<number, TermHit>();
  for (const h of store.findTerms(queryDeletes)) candidates.set(h.id, h);
  for (const h of store.findByDeletes([t, ...queryDeletes])) candidates.set(h.id, h);
  for (const h of candidates.values()) {
    if (h.t === t) continue;
    const d = editDistance(t, h.t, max);
    if (d === 1) add(h, WEIGHT.edit1, KIND.edit1);
    else if (d === 2) add(h, WEIGHT.edit2, KIND.edit2);
  }
  return { expansions: [...out.values()], cut };
}

/** How much a word's occurrences in one session count; `lengthRatio` is the session's words over the average. */
function weightOf(packed: number, toolOutput: boolean, lengthRatio = 1): number {
  // unpackWeight, inlined: this runs once per posting.
  const text = packed & 0xffff;
  const tool = (packed >>> 16) & 0xff;
  const title = packed >>> 24;
  const hits = text + (toolOutput ? tool : 0);
  const tf = hits > 0 ? (hits * (K1 + 1)) / (hits + K1 * (1 - B + B * lengthRatio)) : 0;
  return tf + (title > 0 ? TITLE_BONUS : 0);
}

/** Sessions that meet every group, with their summed scores and tiers; records which words matched where. */
function matchGroups(
  store: IndexStore,
  groups: Group[],
  live: (n: number) => boolean,
  total: number,
  toolOutput: boolean,
  lengthRatio: Float64Array,
): { scored: Map<number, number>; tiers: Map<number, number>; perGroup: Array<Map<number, string>> } {
  const size = lengthRatio.length;
  // Per group: the best score of each session (0 = no match), which spelling gave it,
  // and the group's tier there: the kind of match, doubled, +1 where the conversation or title has it.
  const scores = groups.map((g) => {
    const best = new Float64Array(size);
    const which = new Int32Array(size);
    const tier = new Int8Array(size);
    const touched: number[] = [];
    g.expansions.forEach((e, k) => {
      const postings = store.postings(e.id, live);
      const count = postings.n.length;
      if (count === 0) return;
      const idf = Math.log(1 + total / count);
      for (let i = 0; i < count; i++) {
        const n = postings.n[i]!;
        const w = postings.w[i]!;
        const s = e.weight * idf * weightOf(w, toolOutput, lengthRatio[n]!);
        if (s <= 0) continue;
        if (best[n] === 0) touched.push(n);
        if (s > best[n]!) {
          best[n] = s;
          which[n] = k;
        }
        const conversation = (w & 0xffff) > 0 || w >>> 24 > 0 ? 1 : 0;
        const t = e.kind * 2 + conversation + 1;
        if (t > tier[n]!) tier[n] = t;
      }
    });
    return { best, which, tier, touched, expansions: g.expansions, optional: g.optional === true };
  });
  // Sessions must meet every group but a word just begun, which only adds its score (not its tier: it does not filter).
  const ordered = scores.filter((g) => !g.optional).sort((a, b) => a.touched.length - b.touched.length);
  const extra = scores.filter((g) => g.optional);
  const out = new Map<number, number>();
  const tiers = new Map<number, number>();
  const [first, ...rest] = ordered;
  if (!first) return { scored: out, tiers, perGroup: [] };
  for (const n of first.touched) {
    let sum = first.best[n]!;
    let tier = first.tier[n]!;
    let ok = true;
    for (const g of rest) {
      const hit = g.best[n]!;
      if (hit === 0) {
        ok = false;
        break;
      }
      sum += hit;
      tier += g.tier[n]!;
    }
    if (ok) {
      for (const g of extra) sum += g.best[n]!;
      out.set(n, sum);
      tiers.set(n, tier);
    }
  }
  // The matched spelling per group, for highlighting: only for the sessions that matched (and had it).
  const perGroup = scores.map((g) => {
    const m = new Map<number, string>();
    for (const n of out.keys()) if (g.best[n]! > 0) m.set(n, g.expansions[g.which[n]!]!.t);
    return m;
  });
  return { scored: out, tiers, perGroup };
}
