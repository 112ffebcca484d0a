// neo-blessed's width table predates emoji: it gives 🎉 or ✅ one cell where
// terminals (tmux, every current one) draw two, so a row with emoji pushed
// the divider right by one cell per emoji. Blessed handles its own wide
// characters (CJK) in two places: it adds a filler cell (\x03) after each
// one when it lays out content (`unicode.chars.all`), and when it draws it
// skips the cell after a character whose `charWidth` is 2. Both are taught
// here to count as wide what string-width counts as wide, so emoji take the
// path CJK takes. (A filler added from outside is no help: blessed strips
// control characters before it lays a line out.)
import blessed from 'neo-blessed';
import { displayWidth, ONE_COLUMN_EACH } from '../../format/width.js';

interface BlessedUnicode {
  charWidth(str: string | number, i?: number): number;
  codePointAt(str: string, i: number): number;
  chars: { all: RegExp };
}

const unicode = (blessed as unknown as { unicode: BlessedUnicode }).unicode;
const blessedWidth = unicode.charWidth.bind(unicode);

/** Two cells: blessed's own wide characters, and those string-width finds wide that blessed does not (emoji). */
function wide(point: number): boolean {
  return point >= 0x1100 && (blessedWidth(point) === 2 || displayWidth(String.fromCodePoint(point)) === 2);
}

unicode.charWidth = (str, i) => {
  const w = blessedWidth(str, i);
  if (w !== 1) return w;
  const point = typeof str === 'number' ? str : unicode.codePointAt(str, i ?? 0);
  return wide(point) ? 2 : 1;
};

/**
 * Blessed calls `content.replace(chars.all, '$1\x03')`: a filler after every
 * wide character. This regex's replace puts it after emoji too.
 */
class WideCharacters extends RegExp {
  override [Symbol.replace](text: string, replacement: string | ((substring: string, ...args: unknown[]) => string)): string {
    if (replacement !== '$1\x03') return super[Symbol.replace](text, replacement as string);
    if (ONE_COLUMN_EACH.test(text)) return text;
    let out = '';
    for (const ch of text) out += wide(ch.codePointAt(0)!) ? `${ch}\x03` : ch;
    return out;
  }
}

unicode.chars.all = new WideCharacters(unicode.chars.all.source, unicode.chars.all.flags);

/**
 * Blessed cuts a line that is too long by counting UTF-16 units, not cells:
 * an emoji outside the BMP (two units, one cell and its filler) costs the
 * line one character at its end ("by code…" drawn as "by cod"). While it
 * lays a line out, each such character stands in as one BMP private-use
 * character (one unit, one cell), and is put back in the lines it returns;
 * drawing then takes the pair as one cell, as it always did.
 */
interface Wrapped extends Array<string> {
  fake: string[];
}
type WrapContent = (this: unknown, content: string, width: number) => Wrapped;
const element = (blessed as unknown as { Element: { prototype: { _wrapContent: WrapContent } } }).Element.prototype;
const layOut = element._wrapContent;
const ASTRAL = /[\ud800-\udbff][\udc00-\udfff]/g;
const STAND_IN = /[\ue000-\uf8ff]/g;

element._wrapContent = function (this: unknown, content: string, width: number): Wrapped {
  ASTRAL.lastIndex = 0;
  if (!ASTRAL.test(content)) return layOut.call(this, content, width);
  // A stand-in for each distinct character, from the private-use codes the content does not use.
  const used = new Set(content.match(STAND_IN) ?? []);
  const standIn = new Map<string, string>();
  const back = new Map<string, string>();
  let next = 0xe000;
  const masked = content.replace(ASTRAL, (pair) => {
    let s = standIn.get(pair);
    if (s === undefined) {
      while (used.has(String.fromCharCode(next)) && next < 0xf8ff) next++;
      s = String.fromCharCode(next++);
      standIn.set(pair, s);
      back.set(s, pair);
    }
    return s;
  });
  const out = layOut.call(this, masked, width);
  const restore = (line: string): string => line.replace(STAND_IN, (c) => back.get(c) ?? c);
  for (let i = 0; i < out.length; i++) out[i] = restore(out[i]!);
  if (Array.isArray(out.fake)) out.fake = out.fake.map(restore);
  return out;
};
