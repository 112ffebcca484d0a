// `sessions search` as text: a line per session, then its best matching
// messages with the matched words marked (bold when colour is on, «» when not).
import type { SearchResult } from '../search/engine.js';
import { relativeTime, shortestUniqueIds, tildePath } from './session-table.js';
import { displayWidth, padEnd, truncate, truncateStart } from './width.js';

export interface SearchTextOptions {
  width: number;
  now: Date;
  home: string;
  color: boolean;
}

const SNIPPETS_SHOWN = 2;

export function renderSearchResults(results: readonly SearchResult[], o: SearchTextOptions): string {
  const ids = shortestUniqueIds(results.map((r) => r.session.id));
  const agentWidth = Math.max(...results.map((r) => r.session.source.length));
  const idWidth = Math.max(...results.map((r) => (ids.get(r.session.id) ?? '').length));
  const out: string[] = [];
  for (const r of results) {
    const s = r.session;
    const when = relativeTime(s.updatedAt, o.now);
    const dir = s.workDir ? tildePath(s.workDir, o.home) : '-';
    const head = `${padEnd(s.source, agentWidth)}  ${padEnd(ids.get(s.id) ?? s.id, idWidth)}  `;
    const tail = `  ${truncateStart(dir, 28)}  ${when}`;
    const titleWidth = Math.max(10, o.width - displayWidth(head) - displayWidth(tail));
    const title = s.title || '(untitled)';
    out.push(`${head}${padEnd(truncate(title, titleWidth), titleWidth)}${tail}`.trimEnd());
    for (const m of r.matches.slice(0, SNIPPETS_SHOWN)) {
      const label = `    ${m.role}: `;
      out.push(label + mark(m.snippet, m.ranges, o.width - displayWidth(label), o.color));
    }
  }
  return out.join('\n') + '\n';
}

/** Context kept before the first match when a snippet must be shortened. */
const LEAD = 12;

/** The snippet cut to width, with its ranges marked. A snippet too long for the line loses its lead-in before its matches. */
function mark(snippet: string, ranges: Array<[number, number]>, width: number, color: boolean): string {
  const first = Math.min(...ranges.map(([s]) => s));
  if (displayWidth(snippet) > width && Number.isFinite(first) && first > LEAD + 1) {
    const cut = first - LEAD;
    snippet = '…' + snippet.slice(cut);
    ranges = ranges.map(([s, e]) => [s - cut + 1, e - cut + 1] as [number, number]);
  }
  const [open, close] = color ? ['\x1b[1m', '\x1b[22m'] : ['«', '»'];
  let out = '';
  let used = 0;
  let pos = 0;
  const add = (text: string): boolean => {
    const fitted = truncate(text, width - used);
    out += fitted;
    used += displayWidth(fitted);
    return fitted === text;
  };
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (s < pos) continue;
    if (!add(snippet.slice(pos, s))) return out;
    if (!color) used += 2;
    if (used >= width) return out;
    out += open;
    const whole = add(snippet.slice(s, e));
    out += close;
    if (!whole) return out;
    pos = e;
  }
  add(snippet.slice(pos));
  return out;
}
