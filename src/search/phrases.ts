// Phrases: the words of a phrase, in order, in one message. The index has no
// word positions, so candidates are checked on their stored text: first a
// cheap test on the raw JSON, then exactly on normalized messages.
import { isAscii, normalize } from './tokenize.js';
import { escapeRegExp } from './snippets.js';

export function normalizePhrase(text: string): string {
  return normalize(text).replace(/\s+/g, ' ');
}

/** For each ASCII letter, its accented forms (Latin-1 and Latin Extended-A/B), so "cafe" also finds "Café". */
const ACCENTED: Map<string, string> = (() => {
  const m = new Map<string, string>();
  for (let cp = 0xc0; cp <= 0x24f; cp++) {
    const ch = String.fromCodePoint(cp);
    const base = ch.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
    if (/^[a-z]$/.test(base)) m.set(base, (m.get(base) ?? '') + ch);
  }
  return m;
})();

/**
 * A necessary condition, checked on the stored JSON text: the phrase's words
 * in order, separated by spaces or by escaped white space (\n, \t, \r), each
 * letter also in its accented forms. Only phrases of plain ASCII words are
 * tested this way (CJK normalizes differently); for those a false answer is final.
 */
export function rawPhraseTest(phrase: string): RegExp | null {
  if (!/^[a-z0-9_ ]+$/.test(phrase)) return null;
  const letter = (c: string): string => (ACCENTED.has(c) ? `[${c}${ACCENTED.get(c)}]\\p{M}*` : escapeRegExp(c));
  const pattern = phrase
    .split(' ')
    .filter(Boolean)
    .map((word) => Array.from(word, letter).join(''))
    .join('(?:[ \u00a0]|\\\\[nrtf])+');
  return new RegExp(pattern, 'iu');
}

/**
 * Does some message hold the (normalized) phrase? Only messages that contain
 * its first word are normalized, which is what keeps phrases of common words quick.
 */
export function phraseChecker(doc: Array<[string, string]>, toolOutput: boolean): (phrase: string) => boolean {
  const lower = doc.map(([role, text]) => (role === 'tool' && !toolOutput ? '' : text.toLowerCase()));
  const normalized = new Map<number, string>();
  return (phrase) => {
    const first = phrase.split(' ')[0] ?? phrase;
    return lower.some((text, i) => {
      // Without the first word, only text with accents (or other non-ASCII) could still hold the phrase.
      if (!text.includes(first) && isAscii(text)) return false;
      let norm = normalized.get(i);
      if (norm === undefined) normalized.set(i, (norm = normalizePhrase(doc[i]![1])));
      return norm.includes(phrase);
    });
  };
}
