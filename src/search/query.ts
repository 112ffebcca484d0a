// The search language. Pure: a string in, a Query out, or a one-line error
// that names what was wrong.
//
//   words             all must match somewhere in the session (typos allowed)
//   "a phrase"        these words, in this order
//   -word, !word      sessions without the word (also -"a phrase")
//   'word             exactly this word, no typo tolerance (=word too)
//   ^pre              a word starting with "pre";  suf$  a word ending in "suf"
//   agent:NAME        kimi, kiro, kimi-code, kimi-cli, kiro-sqlite, kiro-files (source: too)
//   dir:PART          work dir contains PART;  here  the current directory
//   after:DATE before:DATE   last activity after / before 2026-01-31
//   newer:7d older:3m        last activity within / before (h, d, w, m = months, y)
//   title:WORD        the title has this word
//   turns>5 turns<=2 messages>100 size>10mb size<1kb
import bytes from 'bytes';
import { UserError } from '../errors.js';
import { SOURCE_ALIASES } from '../layouts/registry.js';
import { SOURCE_KINDS, type SourceKind } from '../model.js';
import { parseSources } from '../catalog/select.js';

export type WordMode = 'fuzzy' | 'exact' | 'prefix' | 'suffix';

export interface QueryWord {
  text: string;
  mode: WordMode;
}

export interface Comparison {
  op: '>' | '>=' | '<' | '<=' | '=';
  value: number;
}

export interface QueryFilters {
  sources?: SourceKind[];
  dirParts: string[];
  here: boolean;
  /** Epoch ms bounds on the last activity. */
  after?: number;
  before?: number;
  titleWords: string[];
  turns: Comparison[];
  messages: Comparison[];
  size: Comparison[];
}

export interface Query {
  words: QueryWord[];
  phrases: string[];
  notWords: string[];
  notPhrases: string[];
  filters: QueryFilters;
}

const FILTER_KEYS = ['agent', 'source', 'dir', 'after', 'before', 'newer', 'older', 'title'];
const COMPARE = /^(turns|messages|msgs|size)(>=|<=|>|<|=)(.+)$/i;
const DURATION = /^(\d+(?:\.\d+)?)(min|h|d|w|m|y)$/i;
const DURATION_MS: Record<string, number> = { min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, m: 30.44 * 86_400_000, y: 365.25 * 86_400_000 };
/** Schemes left alone, so that pasting a URL searches for it instead of failing as a filter. */
const SCHEMES = new Set(['http', 'https', 'file', 'ftp', 'ssh', 'git', 'mailto']);

export function parseQuery(input: string, now: number = Date.now()): Query {
  const q: Query = { words: [], phrases: [], notWords: [], notPhrases: [], filters: { dirParts: [], here: false, titleWords: [], turns: [], messages: [], size: [] } };
  for (const token of splitTokens(input)) {
    if (token.quoted) {
      const text = token.text.trim();
      if (text === '') continue;
      (token.negated ? q.notPhrases : q.phrases).push(text);
      continue;
    }
    const t = token.text;
    if (t === 'here') {
      q.filters.here = true;
      continue;
    }
    const cmp = COMPARE.exec(t);
    if (cmp) {
      addComparison(q.filters, t, cmp[1]!.toLowerCase(), cmp[2] as Comparison['op'], cmp[3]!);
      continue;
    }
    const colon = t.indexOf(':');
    // `Error:` pasted from a message is a word, not a filter; `colour:red` is a mistyped filter.
    const pastedWord = colon === t.length - 1 && !FILTER_KEYS.includes(t.slice(0, colon).toLowerCase());
    if (colon > 0 && !pastedWord && /^[a-z]+$/i.test(t.slice(0, colon)) && !SCHEMES.has(t.slice(0, colon).toLowerCase())) {
      addFilter(q, t, t.slice(0, colon).toLowerCase(), t.slice(colon + 1), now);
      continue;
    }
    if ((t.startsWith('-') || t.startsWith('!')) && t.length > 1) {
      q.notWords.push(t.slice(1));
    } else if ((t.startsWith("'") || t.startsWith('=')) && t.length > 1) {
      q.words.push({ text: t.slice(1), mode: 'exact' });
    } else if (t.startsWith('^') && t.length > 1) {
      q.words.push({ text: t.slice(1), mode: 'prefix' });
    } else if (t.endsWith('$') && t.length > 1) {
      q.words.push({ text: t.slice(0, -1), mode: 'suffix' });
    } else {
      q.words.push({ text: t, mode: 'fuzzy' });
    }
  }
  return q;
}

/** True when the query asks for nothing but filters (every session that passes them matches). */
export function isFilterOnly(q: Query): boolean {
  return q.words.length === 0 && q.phrases.length === 0;
}

function addFilter(q: Query, raw: string, key: string, value: string, now: number): void {
  const f = q.filters;
  if (!FILTER_KEYS.includes(key)) {
    throw new UserError(`unknown filter '${key}:' in '${raw}' (filters: ${FILTER_KEYS.map((k) => k + ':').join(' ')} here turns> messages> size>)`, 'bad-input');
  }
  if (value === '') throw new UserError(`filter '${raw}' needs a value`, 'bad-input');
  switch (key) {
    case 'agent':
    case 'source':
      try {
        f.sources = intersect(f.sources, parseSources([value]));
      } catch {
        throw new UserError(`bad filter '${raw}': agent is one of ${[...SOURCE_KINDS, ...Object.keys(SOURCE_ALIASES)].join(', ')}`, 'bad-input');
      }
      return;
    case 'dir':
      f.dirParts.push(value);
      return;
    case 'title':
      f.titleWords.push(value);
      return;
    case 'after':
    case 'before': {
      const ms = parseDate(value);
      if (ms === null) throw new UserError(`bad filter '${raw}': expected a date like 2026-01-31`, 'bad-input');
      if (key === 'after') f.after = Math.max(f.after ?? -Infinity, ms);
      else f.before = Math.min(f.before ?? Infinity, ms);
      return;
    }
    case 'newer':
    case 'older': {
      const age = parseAge(value);
      if (age === null) throw new UserError(`bad filter '${raw}': expected an age like 7d, 12h, 2w, 3m (months), 1y`, 'bad-input');
      const at = now - age;
      if (key === 'newer') f.after = Math.max(f.after ?? -Infinity, at);
      else f.before = Math.min(f.before ?? Infinity, at);
      return;
    }
  }
}

function addComparison(f: QueryFilters, raw: string, key: string, op: Comparison['op'], value: string): void {
  if (key === 'size') {
    const n = bytes.parse(value);
    if (n === null || Number.isNaN(n) || !/^\d/.test(value)) throw new UserError(`bad filter '${raw}': expected a size like 10mb or 500kb`, 'bad-input');
    f.size.push({ op, value: n });
    return;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || !/^\d+$/.test(value)) throw new UserError(`bad filter '${raw}': expected a whole number`, 'bad-input');
  (key === 'turns' ? f.turns : f.messages).push({ op, value: n });
}

/** An age like 30d, 12h, 2w, 3m (months), 1y, in milliseconds; null when it is not one. */
export function parseAge(value: string): number | null {
  const m = DURATION.exec(value);
  return m ? Number(m[1]) * DURATION_MS[m[2]!.toLowerCase()]! : null;
}

export function compare(value: number, c: Comparison): boolean {
  switch (c.op) {
    case '>':
      return value > c.value;
    case '>=':
      return value >= c.value;
    case '<':
      return value < c.value;
    case '<=':
      return value <= c.value;
    default:
      return value === c.value;
  }
}

/** 2026-01-31, 2026-01-31T10:00, or a full ISO time; a bare date means its start, in UTC. */
function parseDate(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? null : ms;
}

function intersect(a: SourceKind[] | undefined, b: SourceKind[]): SourceKind[] {
  return a === undefined ? b : a.filter((k) => b.includes(k));
}

interface RawToken {
  text: string;
  quoted: boolean;
  negated: boolean;
}

/** Splits on white space, keeping "quoted phrases" (and -"negated ones") together. */
function splitTokens(input: string): RawToken[] {
  const out: RawToken[] = [];
  const re = /([-!]?)"([^"]*)"?|(\S+)/g;
  for (const m of input.matchAll(re)) {
    if (m[3] !== undefined) out.push({ text: m[3], quoted: false, negated: false });
    else out.push({ text: m[2] ?? '', quoted: true, negated: m[1] !== '' });
  }
  return out;
}
