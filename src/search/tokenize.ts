// Words for the index and for queries, cut the same way on both sides.
// Latin and other spaced scripts: runs of letters, digits and `_`, lowercased,
// accents dropped, widths folded (NFKD). CJK has no spaces between words: its
// runs become overlapping two-character pieces, so any substring of two or
// more characters can be found (a one-character run is kept whole).
//
// The index side also emits the parts of identifiers (`run_in_background`:
// run, in, background; `TaskOutput`: task, output), so `backgr` finds
// `run_in_background` as a prefix of one of its words. Queries are cut
// without parts: `TaskOut` is a prefix of the whole `taskoutput`.
//
// Words joined by single dots (`config.load_all`, `cart.test.ts`, `1.5.2`)
// are also one term, on the index side from every word or part that starts
// a piece of it (`config.load_all`, `load_all` is no dotted run; but
// `inspect_session.py` gives `inspect_session.py` and `session.py`). A query
// word with dots is that one term: `config.lo` is a prefix of one dotted
// name, not `config` and any word starting with `lo` anywhere.

// Script_Extensions, not Script: the long-vowel mark ー and the iteration mark 々
// are "Common" by script but belong inside Japanese words.
const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u;
const WORD = /[\p{L}\p{N}_]+/gu;
const ASCII = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}+/gu;

/** Longer tokens (hashes, base64, minified code) are not words anyone searches for. */
export const MAX_TERM = 40;

/** Is the text all ASCII (nothing to fold but case)? */
export function isAscii(text: string): boolean {
  return ASCII.test(text);
}

export function normalize(text: string): string {
  const lower = text.toLowerCase();
  return ASCII.test(lower) ? lower : lower.normalize('NFKD').replace(MARKS, '');
}

/** Case kept (camelCase needs it), accents dropped and widths folded. */
function fold(text: string): string {
  return ASCII.test(text) ? text : text.normalize('NFKD').replace(MARKS, '');
}

/**
 * Calls `emit` for every term of the text, in order. With `parts` (the
 * index side), an identifier's parts follow the whole word.
 */
export function forEachTerm(text: string, emit: (term: string) => void, parts = true): void {
  const folded = fold(text);
  if (ASCII.test(folded)) {
    asciiTerms(folded, emit, parts);
    return;
  }
  const run = new DottedRun(folded, emit, parts);
  for (const m of folded.matchAll(WORD)) {
    const word = m[0];
    if (CJK.test(word)) {
      run.end();
      splitCjk(word.toLowerCase(), emit);
      continue;
    }
    const end = m.index + word.length;
    const next = end + 1 < folded.length && folded[end] === '.' ? folded[end + 1]! : '';
    run.word(m.index, end, next !== '' && /[\p{L}\p{N}_]/u.test(next) && !CJK.test(next));
  }
  run.end();
}

/**
 * Words as they come, with those joined by single dots gathered: each is
 * emitted as a word, and the run as a whole (see the header).
 */
class DottedRun {
  private starts: number[] = [];
  private ends: number[] = [];

  constructor(
    private readonly text: string,
    private readonly emit: (term: string) => void,
    private readonly parts: boolean,
  ) {}

  /** The word at [start, end); `dotted`: a dot and another word follow it. */
  word(start: number, end: number, dotted: boolean): void {
    if (!dotted && this.starts.length === 0) {
      emitWord(this.text.slice(start, end), this.emit, this.parts);
      return;
    }
    this.starts.push(start);
    this.ends.push(end);
    if (!dotted) this.end();
  }

  /** Closes a run being gathered (a word without a dot after it, or the text's end). */
  end(): void {
    const { starts, ends, text, emit, parts } = this;
    if (starts.length === 0) return;
    const last = ends[ends.length - 1]!;
    const whole = text.slice(starts[0], last);
    if (starts.length === 1) emitWord(whole, emit, parts);
    else if (!parts) {
      // A query: the run as one term (too long a run, as its words).
      if (whole.length <= MAX_TERM) emit(whole.toLowerCase());
      else for (let i = 0; i < starts.length; i++) emitWord(text.slice(starts[i], ends[i]), emit, false);
    } else {
      for (let i = 0; i < starts.length; i++) emitWord(text.slice(starts[i], ends[i]), emit, true);
      // The run from each of its words but the last, and from each identifier part within them.
      for (let i = 0; i + 1 < starts.length; i++) {
        const word = text.slice(starts[i], ends[i]);
        const from = new Set([starts[i]!]);
        if (word !== word.toLowerCase() || word.includes('_')) {
          let at = 0;
          for (const p of identifierParts(word)) {
            at = word.indexOf(p, at);
            from.add(starts[i]! + at);
            at += p.length;
          }
        }
        for (const f of from) if (last - f <= MAX_TERM) emit(text.slice(f, last).toLowerCase());
      }
    }
    this.starts = [];
    this.ends = [];
  }
}

/**
 * The ASCII case as a plain loop: most text is ASCII, and a regex over it
 * allocates a match object per word (the index build's hottest spot).
 */
function asciiTerms(text: string, emit: (term: string) => void, parts: boolean): void {
  let start = -1;
  let run: DottedRun | null = null;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if (isWordCode(c)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      // A dot with a word right after it joins a dotted run (rare: no run object otherwise).
      const dotted = c === 46 && i + 1 < text.length && isWordCode(text.charCodeAt(i + 1));
      if (dotted || run !== null) (run ??= new DottedRun(text, emit, parts)).word(start, i, dotted);
      else emitWord(text.slice(start, i), emit, parts);
      start = -1;
    }
  }
  run?.end();
}

function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

const LOWER_OR_DIGIT = /[\p{Ll}\p{N}]/u;
const UPPER = /\p{Lu}/u;

/** A word (case kept), lowercased; with `parts`, then its identifier parts of two or more letters. */
function emitWord(word: string, emit: (term: string) => void, parts: boolean): void {
  if (word.length > MAX_TERM) return;
  const lower = word.toLowerCase();
  emit(lower);
  if (!parts || (lower === word && !word.includes('_'))) return;
  const pieces = identifierParts(word);
  if (pieces.length < 2) return;
  for (const p of pieces) if (p.length >= 2) emit(p.toLowerCase());
}

/** `run_in_background` → run, in, background; `parseHTTPResponse` → parse, HTTP, Response. */
export function identifierParts(word: string): string[] {
  const out: string[] = [];
  for (const chunk of word.split('_')) {
    let start = 0;
    for (let i = 1; i < chunk.length; i++) {
      const prev = chunk[i - 1]!;
      const cur = chunk[i]!;
      const next = chunk[i + 1];
      // a|B (camel hump), or AB|c (the last capital of an acronym starts the next word).
      const hump = LOWER_OR_DIGIT.test(prev) && UPPER.test(cur);
      const acronymEnd = UPPER.test(prev) && UPPER.test(cur) && next !== undefined && /\p{Ll}/u.test(next);
      if (hump || acronymEnd) {
        out.push(chunk.slice(start, i));
        start = i;
      }
    }
    if (start < chunk.length) out.push(chunk.slice(start));
  }
  return out.filter((p) => p !== '');
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

/** The terms of a text; `parts: false` for queries, which match parts by prefix instead. */
export function terms(text: string, parts = true): string[] {
  const out: string[] = [];
  forEachTerm(text, (t) => out.push(t), parts);
  return out;
}

/** Is this term a CJK pair or character (matched exactly, never fuzzily)? */
export function isCjkTerm(term: string): boolean {
  return CJK.test(term);
}
