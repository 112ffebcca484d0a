// Snippets: the messages that show why a session matched, cut around the
// matched words, with their ranges; fuse.js orders messages that match equally many words.
import Fuse from 'fuse.js';
import type { Match } from './engine.js';
import type { DocPart } from './index-store.js';
import { isAscii, isCjkTerm } from './tokenize.js';

const SNIPPET = 160;
const MATCHES_PER_RESULT = 3;
/** Matching messages fuse.js ranks per result (the first ones found, in transcript order). */
const MESSAGES_RANKED = 8;

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Is the character at `i` part of a word (so a match next to it is inside a longer word)? */
function isWordChar(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return WORD_CHAR.test(text[i]!);
}

/** Does a word, or an identifier's part (`run_in_|background`, `Task|Output`), start at `i`? */
function startsWord(text: string, i: number): boolean {
  if (!isWordChar(text, i - 1)) return true;
  return text[i - 1] === '_' || (isLower(text, i - 1) && isUpper(text, i));
}

/** Does a word, or an identifier's part, end at `i` (exclusive)? */
function endsWord(text: string, i: number): boolean {
  if (!isWordChar(text, i)) return true;
  return text[i] === '_' || (isLower(text, i - 1) && isUpper(text, i));
}

function isLower(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

function isUpper(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 65 && c <= 90;
}

/**
 * The messages that show why a session matched: those with the most of the
 * query's words first (fuse.js decides ties). Parts whose raw JSON holds none
 * of the matched words are not parsed.
 */
export function findMatches(parts: readonly DocPart[], hit: string[], phrases: string[], fuseQuery: string, toolOutput: boolean): Match[] {
  const phrasePatterns = phrases.map((p) => escapeRegExp(p.trim()).replace(/\s+/g, '\\s+'));
  const words = hit.sort((a, b) => b.length - a.length);
  if (phrasePatterns.length + words.length === 0) return [];
  // A plain alternation (no Unicode lookbehind, which is slow on long text); word
  // boundaries are checked on the neighbours of each hit instead. Text that is
  // not all ASCII gets the folding one (`cafe` marks `café`), several times slower.
  const plain = new RegExp([...phrasePatterns, ...words.map(escapeRegExp)].join('|'), 'gi');
  let folded: RegExp | undefined;
  const foldedPattern = (): RegExp => new RegExp([...phrasePatterns, ...words.map(foldingPattern)].join('|'), 'giu');
  const foldedTest = (raw: string): boolean => {
    const re = (folded ??= foldedPattern());
    re.lastIndex = 0;
    return re.test(raw);
  };
  const cjk = new Set(hit.filter(isCjkTerm));
  const candidates: Array<{ index: number; role: string; text: string; ranges: Array<[number, number]> }> = [];
  const anyWord = words.length > 0 ? new RegExp(words.map(escapeRegExp).join('|'), 'i') : null;
  const look = (role: string, text: string, index: number): void => {
    if (role === 'tool' && !toolOutput) return;
    const ranges: Array<[number, number]> = [];
    const re = !isAscii(text) ? (folded ??= foldedPattern()) : plain;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (m[0].length === 0) re.lastIndex++;
      else if (cjk.has(m[0]) || (startsWord(text, start) && endsWord(text, end))) ranges.push([start, end]);
      if (ranges.length >= 20) break;
    }
    if (ranges.length > 0) candidates.push({ index, role, text, ranges });
  };
  for (const part of parts) {
    // Later messages are not looked at once enough matching ones are found.
    if (candidates.length >= MESSAGES_RANKED * 2) break;
    const raw = part.raw();
    if (anyWord !== null && !anyWord.test(raw) && (isAscii(raw) || !foldedTest(raw))) continue;
    const messages = part.messages();
    for (let i = 0; i < messages.length && candidates.length < MESSAGES_RANKED * 2; i++) look(messages[i]![0], messages[i]![1], part.first + i);
  }
  candidates.splice(MESSAGES_RANKED);
  if (candidates.length === 0) return [];
  // fuse.js ranks the matching messages against the whole query, on a window around the first hit.
  const windows = candidates.map((c) => ({ i: c.index, text: window(c.text, c.ranges[0]![0]).text }));
  const fuse = new Fuse(windows, { keys: ['text'], includeScore: true, ignoreLocation: true, threshold: 0.6, minMatchCharLength: 2 });
  const fuseScore = new Map(fuse.search(fuseQuery).map((r) => [r.item.i, r.score ?? 1]));
  // What the person and the assistant said before tool output; then messages that match
  // more of the query's words; fuse.js decides among equals.
  const toolLast = (role: string): number => (role === 'tool' ? 1 : 0);
  candidates.sort((a, b) => toolLast(a.role) - toolLast(b.role) || distinct(b.ranges, b.text) - distinct(a.ranges, a.text) || (fuseScore.get(a.index) ?? 1) - (fuseScore.get(b.index) ?? 1) || a.index - b.index);
  return candidates.slice(0, MATCHES_PER_RESULT).map((c) => {
    const w = window(c.text, c.ranges[0]![0]);
    const ranges = c.ranges
      .map(([s, e]) => [s - w.start + w.lead, e - w.start + w.lead] as [number, number])
      .filter(([s, e]) => s >= w.lead && e <= w.text.length);
    return { messageIndex: c.index, role: c.role, snippet: w.text, ranges };
  });
}

/** How many different words a message matched (more is a better snippet). */
function distinct(ranges: Array<[number, number]>, text: string): number {
  return new Set(ranges.map(([s, e]) => text.slice(s, e).toLowerCase())).size;
}

/** About 160 characters around a position, on one line, `…` where cut. */
function window(text: string, at: number): { text: string; start: number; lead: number } {
  let start = Math.max(0, at - 60);
  if (start > 0) {
    // Start at a word: the first space after the nominal start, if it comes before the hit.
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < at) start = space + 1;
  }
  let end = Math.min(text.length, start + SNIPPET);
  if (end < text.length) {
    const space = text.indexOf(' ', end - 20);
    if (space !== -1 && space < end + 20) end = space;
  }
  const lead = start > 0 ? 1 : 0;
  const body = text.slice(start, end).replace(/[\r\n\t]/g, ' ');
  return { text: (lead ? '…' : '') + body + (end < text.length ? '…' : ''), start, lead };
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Per ASCII letter or digit, the characters the index folds into it: accented
 * Latin letters (`é` into `e`) and full-width forms (`Ｅ`), found by
 * decomposing each (NFKD) once, on first use.
 */
let foldClasses: Map<string, string> | null = null;
function foldClassOf(c: string): string | undefined {
  if (!foldClasses) {
    const sets = new Map<string, string[]>();
    const ranges: Array<[number, number]> = [[0xc0, 0x24f], [0x1e00, 0x1eff], [0xff10, 0xff5a]];
    for (const [from, to] of ranges) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        const base = ch.normalize('NFKD')[0]!.toLowerCase();
        if (!/^[a-z0-9]$/.test(base) || base === ch) continue;
        const list = sets.get(base) ?? [base];
        list.push(ch);
        sets.set(base, list);
      }
    }
    foldClasses = new Map([...sets].map(([base, chars]) => [base, `[${chars.join('')}]`]));
  }
  return foldClasses.get(c);
}

/**
 * A pattern (for a case-insensitive `u` regex) that finds a folded word as
 * written: `cafe` matches `café`, `cafe\u0301` (NFD) and `ＣＡＦＥ`. Words the
 * index did not fold (no ASCII letters) are matched as they are.
 */
export function foldingPattern(word: string): string {
  if (!isAscii(word)) return escapeRegExp(word);
  let out = '';
  for (const c of word) {
    const cls = foldClassOf(c.toLowerCase());
    out += cls ? `${cls}\\p{M}*` : escapeRegExp(c);
  }
  return out;
}
