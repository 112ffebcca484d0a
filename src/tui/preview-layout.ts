// The preview's lines, worked out from a transcript: tool calls folded to one
// line unless expanded, thinking hidden unless shown, and where each message
// starts (to jump to a search match). Pure: the reducer and the view share it.
import type { Message, Transcript } from '../model.js';
import { displayWidth, ONE_COLUMN_EACH, truncate } from '../format/width.js';

export interface PreviewLayout {
  lines: string[];
  /** Line where each message starts (-1: hidden). */
  starts: number[];
}

export interface LayoutOptions {
  width: number;
  tools: boolean;
  thinking: boolean;
}

/** Layouts of the transcripts on screen, by their options: every render and scroll reuses them. */
const cache = new WeakMap<Transcript, Map<string, PreviewLayout>>();

export function layoutPreview(t: Transcript, o: LayoutOptions): PreviewLayout {
  const key = `${o.width}|${o.tools}|${o.thinking}`;
  let byOptions = cache.get(t);
  if (!byOptions) cache.set(t, (byOptions = new Map()));
  let layout = byOptions.get(key);
  if (!layout) byOptions.set(key, (layout = computeLayout(t, o)));
  return layout;
}

function computeLayout(t: Transcript, o: LayoutOptions): PreviewLayout {
  const lines: string[] = [];
  const starts: number[] = [];
  const w = Math.max(10, o.width);
  // A window of a long session says what it left out, and how to get it.
  const first = t.window?.first ?? 0;
  if (first > 0) lines.push(truncate(`… o reads ${first.toLocaleString('en-US')} earlier messages`, w), '');
  for (const m of t.messages) {
    if (m.thinking && !o.thinking) {
      starts.push(-1);
      continue;
    }
    starts.push(lines.length);
    lines.push(...messageLines(m, o, w));
  }
  if (t.window?.more) lines.push(truncate('… o reads the later messages', w));
  return { lines, starts };
}

function messageLines(m: Message, o: LayoutOptions, w: number): string[] {
  const time = m.time ? ` ${m.time.slice(0, 16).replace('T', ' ')}` : '';
  if (m.role === 'assistant' && m.tool) {
    const head = `→ ${m.tool.name} ${m.tool.args ?? ''}`;
    return o.tools ? wrap(head, w) : [truncate(head.replace(/\s+/g, ' '), w)];
  }
  if (m.role === 'tool') {
    const mark = m.tool?.isError ? '✗' : '←';
    if (!o.tools) return [truncate(`${mark} ${m.tool?.name ?? 'tool'}: ${m.text.replace(/\s+/g, ' ')}`, w)];
    return [`${mark} ${m.tool?.name ?? 'tool'}:`, ...wrap(m.text, w)];
  }
  const label = m.role === 'summary' ? 'summary' : m.thinking ? 'thinking' : m.role;
  return [truncate(`── ${label}${time} ${'─'.repeat(w)}`, w), ...wrap(m.text, w), ''];
}

/**
 * Wraps text at display width (CJK and emoji count two columns): at the last
 * space that fits, so words stay whole; a word longer than the line, or a
 * script without spaces (CJK), breaks between characters.
 */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\t/g, '  ').split('\n')) {
    const simple = ONE_COLUMN_EACH.test(raw);
    // The common case (ASCII) is measured by length, the rest character by character.
    const measure = simple ? (t: string) => t.length : displayWidth;
    if (measure(raw) <= width) {
      out.push(raw);
      continue;
    }
    let line = '';
    let lineWidth = 0;
    for (const word of raw.split(/(?<= )/)) {
      const w = measure(word);
      if (lineWidth + w - (word.endsWith(' ') ? 1 : 0) <= width) {
        line += word;
        lineWidth += w;
        continue;
      }
      if (line !== '' && w - (word.endsWith(' ') ? 1 : 0) <= width) {
        out.push(line.trimEnd());
        line = word;
        lineWidth = w;
        continue;
      }
      // Longer than a line (or no room left on this one and too long for the next): character by character.
      for (const ch of word) {
        const cw = simple ? 1 : displayWidth(ch);
        if (lineWidth + cw > width && !(ch === ' ' && lineWidth === width)) {
          out.push(line.trimEnd());
          line = '';
          lineWidth = 0;
        }
        line += ch;
        lineWidth += cw;
      }
    }
    out.push(line.trimEnd());
  }
  return out;
}
