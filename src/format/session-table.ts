// The aligned table `sessions list` prints. Pure: sessions in, text out.
import bytes from 'bytes';
import { formatDistanceStrict } from 'date-fns/formatDistanceStrict';
import type { Session } from '../model.js';
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

export function renderSessionTable(sessions: readonly Session[], options: TableOptions): string {
  const shortIds = shortestUniqueIds(sessions.map((s) => s.id));
  const columns: Column[] = [
    { header: 'AGENT', align: 'left', cell: (s) => s.source },
    { header: 'ID', align: 'left', cell: (s) => shortIds.get(s.id) ?? s.id },
    { header: 'TITLE', align: 'left', cell: (s) => titleCell(s) },
    { header: 'DIR', align: 'left', cell: (s) => (s.workDir ? tildePath(s.workDir, options.home) : '-') },
    { header: 'UPDATED', align: 'left', cell: (s) => relativeTime(s.updatedAt, options.now) },
    { header: 'TURNS', align: 'right', cell: (s) => String(s.turns) },
    { header: 'MSGS', align: 'right', cell: (s) => String(s.messages) },
    { header: 'SIZE', align: 'right', cell: (s) => formatSize(s.bytes) },
  ];
  const rows = sessions.map((s) => columns.map((c) => oneLine(c.cell(s))));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i]!))));
  const TITLE = 2;
  const DIR = 3;
  const gap = 2;
  // The title takes what is left; long work dirs give up space first.
  widths[DIR] = Math.min(widths[DIR]!, 32);
  const fixed = widths.reduce((sum, w, i) => (i === TITLE ? sum : sum + w), 0) + gap * (columns.length - 1);
  widths[TITLE] = Math.max(12, Math.min(widths[TITLE]!, options.width - fixed));

  const line = (cells: string[]): string =>
    cells
      .map((text, i) => {
        const w = widths[i]!;
        const fitted = i === DIR ? truncateStart(text, w) : truncate(text, w);
        return columns[i]!.align === 'right' ? padStart(fitted, w) : padEnd(fitted, w);
      })
      .join(' '.repeat(gap))
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n';
}

/** Tags go first so that cutting a long title never hides them. */
function titleCell(s: Session): string {
  const title = s.title || (s.turns === 0 ? '(empty session)' : '(untitled)');
  const tags = [s.problems.length > 0 ? '!' : '', s.inUse ? '[in use]' : '', s.archived ? '[archived]' : ''].filter(Boolean);
  return tags.length > 0 ? `${tags.join(' ')} ${title}` : title;
}

export function tildePath(path: string, home: string): string {
  if (home && (path === home || path.startsWith(home.endsWith('/') ? home : home + '/'))) return '~' + path.slice(home.replace(/\/$/, '').length);
  return path;
}

export function relativeTime(iso: string, now: Date): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '-';
  return formatDistanceStrict(when, now, { addSuffix: true });
}

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
