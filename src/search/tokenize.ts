// Words for the index and for queries, cut the same way on both sides.
// Latin and other spaced scripts: runs of letters, digits and `_`, lowercased,
// accents dropped. CJK has no spaces between words: its runs become
// overlapping two-character pieces, so any substring of two or more
// characters can be found (a one-character run is kept whole).

// Script_Extensions, not Script: the long-vowel mark ー and the iteration mark 々
// are "Common" by script but belong inside Japanese words.
const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u;
const WORD = /[\p{L}\p{N}_]+/gu;
const ASCII = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}+/gu;

/** Longer tokens (hashes, base64, minified code) are not words anyone searches for. */
export const MAX_TERM = 40;

export function normalize(text: string): string {
  const lower = text.toLowerCase();
  return ASCII.test(lower) ? lower : lower.normalize('NFKD').replace(MARKS, '');
}

/** Calls `emit` for every term of the text, in order. */
export function forEachTerm(text: string, emit: (term: string) => void): void {
  const norm = normalize(text);
  if (ASCII.test(norm)) {
    asciiTerms(norm, emit);
    return;
  }
  for (const m of norm.matchAll(WORD)) {
    const word = m[0];
    if (!CJK.test(word)) {
      if (word.length <= MAX_TERM) emit(word);
      continue;
    }
    splitCjk(word, emit);
  }
}

/**
 * The ASCII case as a plain loop: most text is ASCII, and a regex over it
 * allocates a match object per word (the index build's hottest spot).
 */
function asciiTerms(text: string, emit: (term: string) => void): void {
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
    if (word) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start <= MAX_TERM) emit(text.slice(start, i));
      start = -1;
    }
  }
}

/** A word mixing CJK and other letters: the CJK runs as pairs, the rest as words. */
function splitCjk(word: string, emit: (term: string) => void): void {
  const chars = Array.from(word);
  let run: string[] = [];
  let other = '';
  const flushRun = (): void => {
    if (run.length === 1) emit(run[0]!);
    for (let i = 0; i + 1 < run.length; i++) emit(run[i]! + run[i + 1]!);
    run = [];
  };
  const flushOther = (): void => {
    if (other && other.length <= MAX_TERM) emit(other);
    other = '';
  };
  for (const c of chars) {
    if (CJK.test(c)) {
      flushOther();
      run.push(c);
    } else {
      flushRun();
      other += c;
    }
  }
  flushRun();
  flushOther();
}

export function terms(text: string): string[] {
  const out: string[] = [];
  forEachTerm(text, (t) => out.push(t));
  return out;
}

/** Is this term a CJK pair or character (matched exactly, never fuzzily)? */
export function isCjkTerm(term: string): boolean {
  return CJK.test(term);
}
