// Typo tolerance without scanning the vocabulary: SymSpell's idea. Every
// indexed word is stored with its deletions (one character for words of 4-7
// letters, one and two from 8); a query word's deletions then meet them. Any
// word within the allowed edits (insert, delete, substitute, swap of
// neighbours) shares a deletion with the query, whatever the edits are:
// two substitutions need two deletions on both sides.

/** How many edits a word of this length may carry and still match. */
export function allowedEdits(length: number): number {
  if (length < 4) return 0;
  if (length < 8) return 1;
  return 2;
}

/** Words longer than this get no deletion entries (few people mistype a 25-letter identifier). */
export const MAX_FUZZY_TERM = 24;

/** Longest word given two-deletion entries (their count grows with the square of the length). */
const MAX_TWO_EDIT_TERM = 16;

/**
 * The keys a word is stored under in the typo table: its deletions within
 * the edits its length allows. Words with digits (hashes, versions, ids) get
 * one-edit keys only: nobody types a hash from memory.
 */
export function typoKeys(word: string): string[] {
  const max = allowedEdits(word.length);
  if (max === 0 || word.length > MAX_FUZZY_TERM + 1) return [];
  if (max >= 2 && word.length <= MAX_TWO_EDIT_TERM && !/\d/.test(word)) return deletes2(word);
  return deletes(word);
}

/** The distinct strings made by deleting one character. */
export function deletes(word: string): string[] {
  const chars = Array.from(word);
  const out = new Set<string>();
  for (let i = 0; i < chars.length; i++) out.add(chars.slice(0, i).join('') + chars.slice(i + 1).join(''));
  return [...out];
}

/** Deletions of one and two characters (for the query side of two-edit matching). */
export function deletes2(word: string): string[] {
  const one = deletes(word);
  const out = new Set(one);
  for (const d of one) for (const dd of deletes(d)) out.add(dd);
  return [...out];
}

/**
 * Optimal string alignment distance (Levenshtein plus swaps of neighbouring
 * characters), giving up beyond `max`. A typo "parsre" is one edit from
 * "parser" here, two in plain Levenshtein.
 */
const SURROGATE = /[\uD800-\uDFFF]/;

export function editDistance(a: string, b: string, max: number): number {
  // Code points only matter with surrogate pairs (emoji, rare CJK); otherwise index the strings directly.
  const s: ArrayLike<string> = SURROGATE.test(a) ? Array.from(a) : a;
  const t: ArrayLike<string> = SURROGATE.test(b) ? Array.from(b) : b;
  if (Math.abs(s.length - t.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[t.length]!;
}
