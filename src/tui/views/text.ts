// What each pane says, as tagged text. Pure: state in, lines out, so the
// screen tests and the views agree by construction.
import blessed from 'neo-blessed';
import { layoutOf } from '../../layouts/registry.js';
import { count } from '../../format/transcript-text.js';
import { formatSize, relativeTime, tildePath } from '../../format/session-table.js';
import { displayWidth, oneLine, padEnd, padStart, truncate, truncateStart } from '../../format/width.js';
import { sessionKey, type Session } from '../../model.js';
import { CLEAN_SPEC_HELP } from '../clean-spec.js';
import { helpPage, helpRows, hints } from '../keymap.js';
import { layoutPreview } from '../preview-layout.js';
import { helpWidth, listWidth, previewWidth } from '../reducer.js';
import { keyOf, listHeight, selectedRow, type State } from '../state.js';


function esc(text: string): string {
  return blessed.escape(text);
}

export function searchLine(s: State): string {
  const cursor = s.mode === 'search' ? '▏' : '';
  const prompt = s.mode === 'search' ? '{bold}/{/bold} ' : '/ ';
  const body = s.query === '' && s.mode !== 'search' ? (s.color ? '{gray-fg}type / to search every message{/gray-fg}' : 'type / to search every message') : esc(s.query) + cursor;
  return prompt + body;
}

/** The list's header and its visible rows, starting at `top`. */
export function listLines(s: State, top: number, home: string, now: Date): string[] {
  const w = listWidth(s);
  // Minor columns go first when the title would get too narrow; never the one the list is sorted by.
  const cols = { dir: Math.max(8, Math.min(22, Math.floor(w * 0.22))), age: 8, turns: 6, size: 8 };
  const shown = { dir: true, age: true, turns: true, size: true };
  const sortedBy = s.results ? null : s.sort === 'updated' || s.sort === 'created' ? 'age' : s.sort === 'title' ? 'title' : s.sort;
  const titleWidth = (): number =>
    w - 2 - 11 - 1 - (shown.dir ? cols.dir + 1 : 0) - (shown.age ? cols.age + 1 : 0) - (shown.turns ? cols.turns + 1 : 0) - (shown.size ? cols.size + 1 : 0);
  for (const drop of ['turns', 'size', 'age', 'dir'] as const) {
    if (titleWidth() >= 24) break;
    if (drop !== sortedBy) shown[drop] = false;
  }
  const titleW = Math.max(8, titleWidth());
  const cells = (agent: string, title: string, dir: string, age: string, turns: string, size: string): string[] =>
    [padEnd(agent, 11), padEnd(truncate(title, titleW), titleW)]
      .concat(shown.dir ? [padEnd(truncateStart(dir, cols.dir), cols.dir)] : [])
      .concat(shown.age ? [padEnd(age, cols.age)] : [])
      .concat(shown.turns ? [padStart(turns, cols.turns)] : [])
      .concat(shown.size ? [padStart(size, cols.size)] : []);
  // The sorted column says so: ▼ in the default order (newest, largest, A first), ▲ reversed.
  const arrow = s.reverse ? '▲' : '▼';
  const head = (name: string, col: string): string => (col === sortedBy ? `${name}${arrow}` : name);
  const created = s.sort === 'created' && !s.results;
  const header = `  ${cells('AGENT', head('TITLE', 'title'), 'DIR', head(created ? 'CREATED' : 'ACTIVE', 'age'), head('TURNS', 'turns'), head('SIZE', 'size')).join(' ')}`;
  const out = [s.color ? `{bold}${esc(truncate(header, w))}{/bold}` : esc(truncate(header, w))];
  const h = listHeight(s);
  if (s.loading) return [...out, 'loading sessions…'];
  if (s.rows.length === 0) return [...out, s.query ? (s.searchError ? esc(truncate(s.searchError, w)) : 'no session matches') : s.scope === 'here' ? 'no session in this directory (a: every directory)' : 'no sessions found'];
  for (let i = top; i < Math.min(s.rows.length, top + h); i++) {
    const x = s.rows[i]!.session;
    const sel = i === s.selected;
    const lead = `${sel ? '›' : ' '}${s.marked.has(keyOf(x)) ? '●' : ' '}`;
    const c = cells(x.source, oneLine(titleOf(x)), x.workDir ? tildePath(x.workDir, home) : '-', relativeTime(created ? x.createdAt : x.updatedAt, now), String(x.turns), formatSize(x.bytes));
    const plain = `${lead}${c.join(' ')}`;
    // The selected row is inverse and marked with ›: visible without colour too.
    if (sel) out.push(`{inverse}${esc(padEnd(truncate(plain, w), w))}{/inverse}`);
    else if (s.color) out.push(`${lead}{${layoutOf(x.source).color}-fg}${esc(c[0]!)}{/} ${esc(truncate(c.slice(1).join(' '), w - 14))}`);
    else out.push(esc(truncate(plain, w)));
  }
  return out;
}

function titleOf(s: Session): string {
  const t = s.title || (s.turns === 0 ? '(empty session)' : '(untitled)');
  const tags = [s.inUse ? '[in use]' : '', s.archived ? '[archived]' : '', s.agentDeletes ? '[expiring]' : ''].filter(Boolean);
  return tags.length ? `${tags.join(' ')} ${t}` : t;
}

/** The preview's visible lines, with the search words highlighted. */
export function previewLines(s: State, rows: number): string[] {
  const row = selectedRow(s);
  if (!row) return [];
  const t = s.preview.transcript;
  if (!t || s.preview.key !== keyOf(row.session)) return [esc(titleOf(row.session)), '', 'loading…'];
  const layout = layoutPreview(t, { width: previewWidth(s), tools: s.preview.tools, thinking: s.preview.thinking });
  const words = highlightWords(s.query);
  return layout.lines.slice(s.preview.scroll, s.preview.scroll + rows).map((l) => highlight(l, words));
}

function highlightWords(query: string): RegExp | null {
  const words = query
    .split(/\s+/)
    .filter((w) => w && !w.includes(':') && !/^[-!]/.test(w) && !/[<>=]/.test(w))
    .map((w) => w.replace(/^['"=^]+|["$]+$/g, ''))
    .filter((w) => w.length >= 2)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return words.length ? new RegExp(`(${words.join('|')})`, 'gi') : null;
}

function highlight(line: string, words: RegExp | null): string {
  if (!words) return esc(line);
  let out = '';
  let last = 0;
  for (const m of line.matchAll(words)) {
    out += esc(line.slice(last, m.index)) + `{inverse}${esc(m[0])}{/inverse}`;
    last = m.index + m[0].length;
  }
  return out + esc(line.slice(last));
}

export function statusLine(s: State): string {
  const scope = s.scope === 'here' ? 'here' : 'all';
  const count = `${s.rows.length === 0 ? 0 : s.selected + 1}/${s.rows.length} of ${s.sessions.length}`;
  const bytes = s.marked.size > 0 ? s.sessions.reduce((n, x) => n + (s.marked.has(keyOf(x)) ? x.bytes : 0), 0) : 0;
  const marked = s.marked.size > 0 ? `  ${s.marked.size} marked (${formatSize(bytes)})` : '';
  const left = `[${scope}] sort:${s.results ? 'relevance' : `${s.sort}${s.reverse ? '▲' : ''}`}  ${count}${marked}${s.indexing ? `  ${s.indexing}` : ''}`;
  const right = s.message || hints(s.mode, s.picker);
  return esc(truncate(`${left}  │ ${right}`, s.width));
}

/** The `?` overlay: one page of every key, scrolled to `helpScroll`, with where it is. */
export function helpText(s: State): string {
  const lines = helpPage(s.picker, helpWidth(s));
  const rows = helpRows(s.height);
  if (lines.length <= rows) return esc(lines.join('\n')) + '\n(any key closes)';
  const first = Math.min(s.helpScroll, lines.length - rows);
  const page = lines.slice(first, first + rows);
  return esc(page.join('\n')) + `\n(lines ${first + 1}-${first + page.length} of ${lines.length}; ↑↓ PgUp PgDn scroll, any other key closes)`;
}

export function dialogText(s: State): string {
  const d = s.dialog;
  if (!d) return '';
  const x = d.targets[0];
  const what = !x
    ? ''
    : d.targets.length === 1
      ? `${x.source}:${x.id}\n"${titleOf(x)}"  ${formatSize(x.bytes)}`
      : `${d.targets.length} sessions, ${formatSize(d.targets.reduce((n, t) => n + t.bytes, 0))}`;
  const turns = x ? count(x.turns, 'turn') : '';
  const ask: Record<string, string> = {
    rename: `Rename\n${what}\n\nNew title (empty: back to the default):\n> ${d.input}▏\n\n⏎ rename   Esc cancel`,
    fork: `Fork\n${what}\n${turns}\n\nCut after turn (empty: keep every turn):\n> ${d.input}▏\n\n⏎ fork   Esc cancel`,
    delete: `Delete (to the trash; u undoes)\n${what}\n\ny / ⏎ delete   n / Esc cancel`,
    compact: `Compact\n${what}\n\nThe history becomes a summary, as the agent's own compaction;\nthe original goes to the trash first.\n\ny / ⏎ compact   n / Esc cancel`,
    export: d.replacing
      ? `Export\n${what}\n\nFile (.md .json .zip .html):\n> ${d.input}▏\n\n⚠ ${d.replacing} exists already.\n⏎ replace it   Esc cancel (or type another name)`
      : `Export\n${what}\n\nFile (.md .json .zip .html):\n> ${d.input}▏\n\n⏎ export   Esc cancel`,
    resume: `Resume\n${what}\n\nIts work dir ${x?.workDir ?? '(not known)'} no longer exists.\nThe agent can be started here instead: ${s.cwd}\n\n⏎ resume here   Esc back`,
    clean: `Clean up (to the trash as one batch; u undoes)\nOver the ${s.rows.length} sessions shown (the search and a narrow them).\nFilters: ${CLEAN_SPEC_HELP}\n> ${d.input}▏\n\n${d.message}\nThe marked rows go. ⏎ move them to the trash   Esc cancel`,
  };
  if (d.stage === 'running') return `${d.kind}…`;
  if (d.stage === 'done') return `${esc(d.message)}\n\n(any key closes)`;
  let text = ask[d.kind]!;
  if (d.twin) {
    // The twin is named with what happens to it, and the key that changes that.
    const words = d.twin.source === 'kimi-code' ? `its Kimi Code copy ${d.twin.id} (kimi migrate; kimi -S shows it)` : `its Kimi CLI original ${d.twin.id}`;
    text = beforeKeys(text, [`[${d.both ? 'x' : ' '}] also ${words}   Tab`, '']);
  }
  if (d.busy.length > 0) text = busyText(d, text);
  return esc(text).replace(/^([^\n]+)/, '{bold}$1{/bold}');
}

/** A dialog's text with `notes` before its last line (the keys), and the keys rewritten where `keys` says. */
function beforeKeys(text: string, notes: readonly string[], keys: (line: string) => string = (line) => line): string {
  const lines = text.split('\n');
  const last = lines.pop()!;
  return [...lines, ...notes, keys(last)].join('\n');
}

/**
 * A dialog over sessions in use names the risk and the way through: one
 * session (or all of a batch) is done anyway on Enter; a batch goes on
 * with the others on Enter, or takes all with `a`.
 */
function busyText(d: NonNullable<State['dialog']>, text: string): string {
  const x = d.busy[0]!;
  const why = x.inUseReason ?? 'its agent has it open';
  const risk = `what its agent writes next may be lost${d.kind === 'delete' ? ', or the agent may write it back' : ''}`;
  const others = d.targets.length - d.busy.length;
  if (others === 0) {
    const who = d.busy.length === 1 ? `In use: ${why}.` : `All ${d.busy.length} are in use (${sessionKey(x)}: ${why}).`;
    return beforeKeys(text, [`⚠ ${who}`, `If you ${d.kind} now, ${risk}.`, ''], (keys) => keys.replace(/^(y \/ )?⏎ (\w+)/, (_, y: string | undefined, w: string) => `${y ?? ''}⏎ ${w} anyway`));
  }
  const named = d.busy.slice(0, 3).map(sessionKey).join(', ') + (d.busy.length > 3 ? `, and ${d.busy.length - 3} more` : '');
  return beforeKeys(text, [`⚠ ${d.busy.length} of ${d.targets.length} in use (${named}: ${why}).`, ''], () => `y / ⏎ ${d.kind} the other ${others}   a all ${d.targets.length}, anyway   n / Esc cancel`);
}

export function tooSmallText(s: State): string {
  return `Terminal too small (${s.width}x${s.height}); sessions needs at least 60x15.`;
}
