// The aligned table `sessions list` prints. Pure: sessions in, text out.
import bytes from 'bytes';
import type { Session } from '../model.js';
import { relativeTime } from './time.js';
import { displayWidth, oneLine, padEnd, padStart, truncate, truncateStart } from './width.js';

export interface TableOptions {
  /** Terminal width in columns. */
  width: number;
  now: Date;
  /** Home folder, shown as `~` in work dirs. */
  home: string;
}

interface Column {
  header: string;
  align: 'left' | 'right';
  cell: (s: Session) => string;
}

/** Columns a narrow terminal drops first, in this order, rather than wrap lines. */
const DROPPABLE = ['MSGS', 'SIZE', 'TURNS', 'UPDATED'];
const GAP = 2;
const TITLE_DIR_MIN = 24;

export function renderSessionTable(sessions: readonly Session[], options: TableOptions): string {
  const shortIds = shortestUniqueIds(sessions.map((s) => s.id));
  let columns: Column[] = [
    { header: 'AGENT', align: 'left', cell: (s) => s.source },
    { header: 'ID', align: 'left', cell: (s) => shortIds.get(s.id) ?? s.id },
    { header: 'TITLE', align: 'left', cell: (s) => titleCell(s) },
    { header: 'DIR', align: 'left', cell: (s) => (s.workDir ? tildePath(s.workDir, options.home) : '-') },
    { header: 'UPDATED', align: 'left', cell: (s) => relativeTime(s.updatedAt, options.now) },
    { header: 'TURNS', align: 'right', cell: (s) => String(s.turns) },
    { header: 'MSGS', align: 'right', cell: (s) => String(s.messages) },
    { header: 'SIZE', align: 'right', cell: (s) => formatSize(s.bytes) },
  ];
  let rows = sessions.map((s) => columns.map((c) => oneLine(c.cell(s))));
  let widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i]!))));
  // Everything but title and dir, with the gaps between columns.
  const fixedWidth = (): number =>
    widths.reduce((sum, w, i) => (columns[i]!.header === 'TITLE' || columns[i]!.header === 'DIR' ? sum : sum + w), 0) + GAP * (columns.length - 1);
  for (const drop of DROPPABLE) {
    if (fixedWidth() + TITLE_DIR_MIN <= options.width) break;
    const i = columns.findIndex((c) => c.header === drop);
    columns = columns.filter((_, k) => k !== i);
    rows = rows.map((r) => r.filter((_, k) => k !== i));
    widths = widths.filter((_, k) => k !== i);
  }
  const TITLE = 2;
  const DIR = 3;
  // Title and work dir share what the other columns leave: the dir gets up to a third (32 columns at
  // most) when titles need the room, and whatever the titles leave when they do not.
  const free = Math.max(TITLE_DIR_MIN, options.width - fixedWidth());
  const dirShare = Math.min(32, Math.max(10, Math.floor(free / 3)));
  widths[DIR] = Math.min(widths[DIR]!, Math.max(dirShare, free - widths[TITLE]!));
  widths[TITLE] = Math.min(widths[TITLE]!, free - widths[DIR]!);

  const line = (cells: string[]): string =>
    cells
      .map((text, i) => {
        const w = widths[i]!;
        const fitted = i === DIR ? truncateStart(text, w) : truncate(text, w);
        return columns[i]!.align === 'right' ? padStart(fitted, w) : padEnd(fitted, w);
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n';
}

/** Tags go first so that cutting a long title never hides them. */
function titleCell(s: Session): string {
  const title = s.title || (s.turns === 0 ? '(empty session)' : '(untitled)');
  const tags = [s.problems.length > 0 ? '!' : '', s.inUse ? '[in use]' : '', s.archived ? '[archived]' : '', s.agentDeletes ? '[expiring]' : ''].filter(Boolean);
  return tags.length > 0 ? `${tags.join(' ')} ${title}` : title;
}

export function tildePath(path: string, home: string): string {
  if (home && (path === home || path.startsWith(home.endsWith('/') ? home : home + '/'))) return '~' + path.slice(home.replace(/\/$/, '').length);
  return path;
}

/** "5m ago", "3d ago", "1mo ago" (format/time.ts; here too, where the tables always found it). */
export { relativeTime };

export function formatSize(n: number): string {
  return bytes.format(n, { unitSeparator: ' ', decimalPlaces: 1 }) ?? `${n} B`;
}

/**
 * The shortest prefix (at least 12 characters) that tells each id apart from
 * every other listed id, as git abbreviates hashes; `show` accepts it.
 */
export function shortestUniqueIds(ids: readonly string[], minimum = 12): Map<string, string> {
  const sorted = [...new Set(ids)].sort();
  const out = new Map<string, string>();
  const common = (a: string | undefined, b: string): number => {
    if (a === undefined) return 0;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  sorted.forEach((id, i) => {
    const need = Math.max(minimum, common(sorted[i - 1], id) + 1, common(sorted[i + 1], id) + 1);
    out.set(id, id.length <= need ? id : id.slice(0, need));
  });
  return out;
}
