// Terminal column widths: CJK and most emoji take two columns, combining
// marks none. Text is cut by grapheme so a cell never splits a character.
//
// string-width is the authority, but loading it costs ~25 ms (its
// Intl.Segmenter and emoji tables): the picker's first frame does not wait
// for it. Text whose every code point is a grapheme of its own (ASCII, CJK,
// most scripts) is measured by East Asian Width alone, which is what
// string-width answers for it (a test holds the two together); only the rest
// (emoji sequences, combining marks, jamo) needs string-width: a command
// that prints such text awaits it (`widthsFor`); the manager loads it after
// its first frame and draws again, counting until then an emoji two columns
// and a mark none, which string-width says of nearly all of them.
import { eastAsianWidth } from 'get-east-asian-width';

let precise: ((text: string) => number) | null = null;
let loading: Promise<void> | null = null;

/** Loads string-width, once: when a command is about to print, or the manager after its first frame. */
export function widthsLoaded(): Promise<void> {
  return (loading ??= import('string-width').then((m) => {
    precise = m.default;
  }));
}

/** Text where every UTF-16 unit is one column: printable ASCII, the ellipsis this module adds, arrows and box lines. */
export const ONE_COLUMN_EACH = /^[\x20-\x7e\u2026\u2190-\u2193\u2500-\u257f]*$/;

/**
 * Text whose every code point stands alone as a grapheme, in the BMP: no
 * combining or enclosing marks, joiners or format characters, variation
 * selectors, Hangul jamo (which combine), regional indicators or other
 * astral characters (emoji).
 */
const ONE_GRAPHEME_EACH = /^[^\p{M}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\ud800-\udfff\u{10000}-\u{10ffff}]*$/u;

export function displayWidth(text: string): number {
  if (ONE_COLUMN_EACH.test(text)) return text.length;
  if (ONE_GRAPHEME_EACH.test(text)) return eastAsianSum(text);
  return precise ? precise(text) : estimate(text);
}

function eastAsianSum(text: string): number {
  let w = 0;
  for (let i = 0; i < text.length; i++) w += eastAsianWidth(text.charCodeAt(i));
  return w;
}

/** Until string-width has loaded: an emoji two columns, a mark or joiner none, the rest by East Asian Width. */
function estimate(text: string): number {
  let w = 0;
  let joined = false;
  let flagHalf = false;
  for (const ch of text) {
    // Two regional indicators are one flag, two columns.
    const regional = /\p{Regional_Indicator}/u.test(ch);
    if (regional && flagHalf) {
      flagHalf = false;
      continue;
    }
    flagHalf = regional;
    if (/[\p{M}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u.test(ch)) {
      joined ||= ch === '\u200d';
      continue;
    }
    // The pictograph after a joiner belongs to the one before it (a ZWJ sequence is one emoji).
    if (joined) {
      joined = false;
      continue;
    }
    w += /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(ch) ? 2 : eastAsianWidth(ch.codePointAt(0)!);
  }
  return w;
}

/** The estimate alone (a test holds it to string-width's answers). */
export const estimateForTests = estimate;

/** Resolves once every text here can be measured exactly: at once where none needs string-width. */
export function widthsFor(texts: Iterable<string | null | undefined>): Promise<void> {
  for (const t of texts) if (t && !ONE_COLUMN_EACH.test(t) && !ONE_GRAPHEME_EACH.test(t)) return widthsLoaded();
  return Promise.resolve();
}

let segmenter: Intl.Segmenter | null = null;

/** The characters of `text` as a terminal draws them: code points where each stands alone, else graphemes (ICU, built on first need). */
function units(text: string): string[] {
  if (ONE_GRAPHEME_EACH.test(text)) return Array.from(text);
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Cuts to at most `width` columns, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (ONE_COLUMN_EACH.test(text)) return text.length <= width ? text : text.slice(0, width - 1) + '…';
  // No character is wider than two columns: short texts fit unmeasured, and a text of at most
  // twice the width is measured in one call; only longer ones are walked, stopping at the width.
  if (text.length * 2 <= width) return text;
  if (text.length <= width * 2 && displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  let cut: string | null = null;
  for (const segment of units(text)) {
    const w = displayWidth(segment);
    if (cut === null && used + w > width - 1) cut = out;
    if (used + w > width) return cut + '…';
    out += segment;
    used += w;
  }
  return out;
}

/** Cuts from the left (for paths, where the end matters most). */
export function truncateStart(text: string, width: number): string {
  if (width <= 0) return '';
  if (ONE_COLUMN_EACH.test(text)) return text.length <= width ? text : '…' + text.slice(text.length - width + 1);
  if (displayWidth(text) <= width) return text;
  const parts = units(text);
  let out = '';
  let used = 0;
  for (let i = parts.length - 1; i >= 0; i--) {
    const w = displayWidth(parts[i]!);
    if (used + w > width - 1) break;
    out = parts[i]! + out;
    used += w;
  }
  return '…' + out;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** One line for a cell: control characters and newlines become spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
