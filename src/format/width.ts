// Terminal column widths: CJK and most emoji take two columns, combining
// marks none. Text is cut by grapheme so a cell never splits a character.
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Text where every UTF-16 unit is one column: printable ASCII, the ellipsis this module adds, arrows and box lines. */
export const ONE_COLUMN_EACH = /^[\x20-\x7e\u2026\u2190-\u2193\u2500-\u257f]*$/;

export function displayWidth(text: string): number {
  return ONE_COLUMN_EACH.test(text) ? text.length : stringWidth(text);
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
  for (const { segment } of segmenter.segment(text)) {
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
  const parts = Array.from(segmenter.segment(text), (s) => s.segment);
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
