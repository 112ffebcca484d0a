// (state, msg) => [state, effects]. Pure: no terminal, no disk. Effects are
// data the app runs (search, load a preview, run an action, exit).
import { SORT_KEYS, sortSessions } from '../catalog/select.js';
import { hasSelectingFilter, planClean } from '../actions/clean.js';
import { formatSize } from '../format/session-table.js';
import { cannot, layoutOf } from '../layouts/registry.js';
import { sessionKey, type Session, type Transcript } from '../model.js';
import { parseCleanSpec } from './clean-spec.js';
import { firstScope, inDir, shellLine } from '../services/picker.js';
import { commandFor, helpPage, helpRows, type CommandId } from './keymap.js';
import { layoutPreview } from './preview-layout.js';
import { keyOf, listHeight, selectedRow, type Dialog, type DialogKind, type Row, type State } from './state.js';

export type Msg =
  | { type: 'key'; key: string; ch?: string | undefined }
  /** `now`: the clock the ages are measured by (the reducer reads no clock); `locked`: sessions the agent holds open (Kiro's .lock). */
  | { type: 'loaded'; sessions: Session[]; now: number; locked: readonly string[]; fresh?: boolean }
  /** `error`: why the query cannot run (a bad filter), shown where the rows would be. */
  | { type: 'results'; query: string; rows: Row[]; error?: string }
  /** The export's file exists: ask before replacing it. */
  | { type: 'ask-replace'; path: string }
  /** The chosen session's work dir is gone: ask before resuming it here. */
  | { type: 'dir-gone'; session: Session; resume: boolean }
  /** Something that went wrong in the background (the index): said in the status bar, the manager goes on. */
  | { type: 'notice'; message: string }
  | { type: 'preview'; key: string; transcript: Transcript; match?: number }
  | { type: 'resize'; width: number; height: number }
  | { type: 'indexing'; text: string | null }
  | { type: 'action-done'; message: string; trashId?: string | null }
  | { type: 'action-failed'; message: string }
  | { type: 'wheel'; pane: 'list' | 'preview'; delta: number }
  | { type: 'click'; row: number };

export type Effect =
  | { type: 'search'; query: string }
  /** `at`: the message to read around (a long session is read in a window); `whole`: all of it. */
  | { type: 'preview'; session: Session; at?: number; match?: number; whole?: boolean }
  | { type: 'act'; dialog: Dialog }
  | { type: 'undo'; trashId: string }
  /** The person chose a session (Enter in the picker, o in the manager): its work dir is checked, then exit. */
  | { type: 'choose'; session: Session; resume: boolean }
  /** `resume`: run the agent's resume command; `here`: in the current directory (the work dir is gone). */
  | { type: 'exit'; code: number; chosen: Session | null; resume?: boolean; here?: boolean }
  /** Put text on the clipboard (OSC 52); `what` says what it was. */
  | { type: 'copy'; text: string; what: string }
  /** Leave the screen for $PAGER with the whole transcript, then come back. */
  | { type: 'pager'; session: Session }
  /** A query to keep among the earlier ones. */
  | { type: 'remember'; query: string };

type Result = [State, Effect[]];

const READING_WHOLE = 'reading the whole session…';

export function update(s: State, msg: Msg): Result {
  switch (msg.type) {
    case 'loaded': {
      // Search results point at the sessions of the load before: they take the new ones (a renamed
      // title), and a session gone (deleted) leaves the list at once; the query runs again for the matches.
      const byKey = new Map(msg.sessions.map((x) => [keyOf(x), x]));
      const results = s.results?.flatMap((r) => {
        const x = byKey.get(keyOf(r.session));
        return x ? [{ session: x, matches: r.matches }] : [];
      }) ?? null;
      // After an action the transcript on screen may be stale (compacted, renamed): read it again.
      const preview = msg.fresh ? { ...s.preview, key: null, transcript: null } : s.preview;
      // The picker starts in this directory, as the agents' own pickers do; where it has no session, in every one.
      const decide = !s.scopeDecided && msg.sessions.length > 0;
      const scope = decide ? firstScope(msg.sessions, s.cwd) : s.scope;
      const next = withRows({ ...s, sessions: msg.sessions, results, preview, scope, scopeDecided: s.scopeDecided || decide, loading: false, clock: msg.now, locked: new Set(msg.locked) });
      const again: Effect[] = msg.fresh && s.query.trim() !== '' ? [{ type: 'search', query: s.query }] : [];
      return [next, [...previewFx(next), ...again]];
    }
    case 'notice':
      return [{ ...s, message: msg.message }, []];
    case 'dir-gone':
      return [{ ...s, mode: 'dialog', back: s.mode, dialog: { kind: 'resume', targets: [msg.session], input: '', stage: 'ask', message: '', busy: [], force: false, resume: msg.resume } }, []];
    case 'ask-replace':
      return s.dialog ? [{ ...s, dialog: { ...s.dialog, stage: 'ask', replacing: msg.path } }, []] : [s, []];
    case 'results': {
      if (msg.query !== s.query) return [s, []];
      // The same query answered again (after an action, or twice while the index was built):
      // the selection, the match and the preview stay where the person took them.
      const again = s.results !== null && s.resultsQuery === msg.query;
      const next = withRows({ ...s, results: msg.rows, resultsQuery: msg.query, searchError: msg.error ?? null, selected: again ? s.selected : 0 });
      const shown = again ? next : atMatch(next, 0);
      return [shown, previewFx(shown)];
    }
    case 'preview': {
      const row = selectedRow(s);
      if (!row || keyOf(row.session) !== msg.key) return [s, []];
      const message = s.message === READING_WHOLE ? '' : s.message;
      return [atMatch({ ...s, message, preview: { ...s.preview, key: msg.key, transcript: msg.transcript, scroll: 0 } }, msg.match ?? 0), []];
    }
    case 'resize':
      return [{ ...s, width: msg.width, height: msg.height }, []];
    case 'indexing':
      return [{ ...s, indexing: msg.text }, []];
    case 'action-done':
      // Done is said in the status bar: a box to dismiss would take the next key for itself.
      return [
        {
          ...s,
          dialog: null,
          mode: s.mode === 'dialog' ? closedTo(s) : s.mode,
          message: msg.message,
          marked: new Set(),
          lastTrash: msg.trashId !== undefined ? msg.trashId : s.lastTrash,
        },
        [],
      ];
    case 'action-failed':
      return [{ ...s, dialog: s.dialog ? { ...s.dialog, stage: 'done', message: msg.message } : null, message: msg.message }, []];
    case 'wheel':
      return msg.pane === 'list' ? move(s, msg.delta) : [scrollPreview(s, msg.delta), []];
    case 'click': {
      if (msg.row < 0 || msg.row >= s.rows.length) return [s, []];
      const next = { ...s, selected: msg.row, mode: s.mode === 'search' ? s.mode : ('list' as const) };
      return [next, previewFx(next)];
    }
    case 'key':
      return onKey(s, msg.key, msg.ch);
  }
}

function onKey(s: State, key: string, ch: string | undefined): Result {
  if (s.mode === 'help') return onHelpKey(s, key);
  if (s.mode === 'dialog') return onDialogKey(s, key, ch);
  if (s.mode === 'search') {
    // Letters are the query: in the search box no key but these runs a command.
    if (key === 'backspace') return typed(s, s.query.slice(0, -1));
    if (key === 'C-u') return typed(s, '');
    // A letter is text even where it is a key elsewhere (j, k): only named keys are commands here.
    if (isPrintable(ch, key)) return typed(s, s.query + ch);
    const id = commandFor('search', key, s.picker);
    // ↑ and ↓ walk the earlier queries while the box is empty or shows one; else they move the list.
    if (id === 'history-back' || id === 'history-forward') return recall(s, id === 'history-back' ? 1 : -1);
    return id ? run(s, id) : [s, []];
  }
  const id = commandFor(s.mode, key, s.picker);
  return id ? run(s, id) : [s, []];
}

/** The `?` overlay scrolls with the keys that move elsewhere; any other key closes it. */
function onHelpKey(s: State, key: string): Result {
  const step: Record<string, number> = { up: -1, k: -1, down: 1, j: 1, pageup: -10, 'C-b': -10, pagedown: 10, 'C-f': 10, space: 10, home: -Infinity, g: -Infinity, end: Infinity, 'S-g': Infinity };
  const delta = step[key];
  if (delta === undefined) return [{ ...s, mode: s.back }, []];
  const max = Math.max(0, helpPage(s.picker, helpWidth(s)).length - helpRows(s.height));
  const helpScroll = Math.max(0, Math.min(max, Number.isFinite(delta) ? s.helpScroll + delta : delta > 0 ? max : 0));
  return [{ ...s, helpScroll }, []];
}

/** The overlay's text width (94% of the screen less its border and padding), as the view draws it. */
export function helpWidth(s: Pick<State, 'width'>): number {
  return Math.max(20, Math.floor(s.width * 0.94) - 4);
}

function isPrintable(ch: string | undefined, key: string): ch is string {
  return ch !== undefined && ch.length >= 1 && !/^[\x00-\x1f\x7f]/.test(ch) && !key.startsWith('C-') && !key.startsWith('M-');
}

/** The search box shows an earlier query (`step` 1: older, -1: newer), or moves the list when it shows a typed one. */
function recall(s: State, step: 1 | -1): Result {
  const browsing = s.historyAt !== null || s.query === '';
  if (!browsing || s.history.length === 0) return move(s, step === 1 ? -1 : 1);
  const at = (s.historyAt ?? -1) + step;
  if (at < 0) return [{ ...typed(s, '')[0], historyAt: null }, typed(s, '')[1]];
  if (at >= s.history.length) return [{ ...s, message: 'no earlier query' }, []];
  const [next, fx] = typed(s, s.history[at]!);
  return [{ ...next, historyAt: at }, fx];
}

function typed(s: State, query: string): Result {
  const empty = query.trim() === '';
  const next = withRows({ ...s, query, historyAt: null, results: empty ? null : s.results, resultsQuery: empty ? null : s.resultsQuery, searchError: empty ? null : s.searchError, selected: 0 });
  return [next, empty ? previewFx(next) : [{ type: 'search', query }]];
}

function run(s: State, id: CommandId): Result {
  const page = s.mode === 'preview' ? Math.max(1, s.height - 4) : listHeight(s);
  switch (id) {
    case 'up':
      return s.mode === 'preview' ? [scrollPreview(s, -1), []] : move(s, -1);
    case 'down':
      return s.mode === 'preview' ? [scrollPreview(s, 1), []] : move(s, 1);
    case 'page-up':
      return s.mode === 'preview' ? [scrollPreview(s, -page), []] : move(s, -page);
    case 'page-down':
      return s.mode === 'preview' ? [scrollPreview(s, page), []] : move(s, page);
    case 'top':
      return s.mode === 'preview' ? [scrollPreview(s, -Infinity), []] : move(s, -Infinity);
    case 'bottom':
      return s.mode === 'preview' ? [scrollPreview(s, Infinity), []] : move(s, Infinity);
    case 'search':
      return [{ ...s, mode: 'search' }, []];
    case 'search-accept': {
      // A query the person kept is remembered for ↑ next time (once, newest first).
      const q = s.query.trim();
      if (q === '') return [{ ...s, mode: 'list' }, []];
      return [{ ...s, mode: 'list', history: [q, ...s.history.filter((h) => h !== q)].slice(0, HISTORY), historyAt: null }, [{ type: 'remember', query: q }]];
    }
    case 'search-clear':
      return typed({ ...s, mode: 'list' }, '');
    case 'back':
      // Esc steps back: first the query, then the marks; it never quits the manager.
      // The picker has nothing behind it: there Esc chooses nothing, as fzf's does.
      if (s.query !== '') return typed({ ...s, message: 'search cleared' }, '');
      if (s.marked.size > 0) return [{ ...s, marked: new Set(), message: 'none marked' }, []];
      return s.picker ? [s, [{ type: 'exit', code: 1, chosen: null }]] : [s, []];
    case 'open':
      if (s.picker) {
        const row = selectedRow(s);
        return row ? [s, [{ type: 'choose', session: row.session, resume: false }]] : [{ ...s, message: 'nothing to choose' }, []];
      }
      return [{ ...s, mode: 'preview' }, []];
    case 'resume': {
      const row = selectedRow(s);
      return row ? [s, [{ type: 'choose', session: row.session, resume: true }]] : [{ ...s, message: 'nothing to resume' }, []];
    }
    case 'focus-preview':
      return [{ ...s, mode: 'preview' }, []];
    case 'focus-list':
      return [{ ...s, mode: 'list' }, []];
    case 'scope': {
      const next = withRows({ ...s, scope: s.scope === 'here' ? 'all' : 'here', scopeDecided: true, selected: 0 });
      return [{ ...next, message: next.scope === 'here' ? 'this directory only' : 'every directory' }, previewFx(next)];
    }
    case 'sort': {
      const sort = SORT_KEYS[(SORT_KEYS.indexOf(s.sort) + 1) % SORT_KEYS.length]!;
      const next = withRows({ ...s, sort, selected: 0 });
      return [{ ...next, message: s.results ? `sorted by ${sort} (search results stay by relevance)` : `sorted by ${sort}` }, previewFx(next)];
    }
    case 'reverse': {
      const next = withRows({ ...s, reverse: !s.reverse, selected: 0 });
      return [{ ...next, message: `sorted by ${s.sort}${next.reverse ? ', reversed' : ''}${s.results ? ' (search results stay by relevance)' : ''}` }, previewFx(next)];
    }
    case 'mark': {
      const row = selectedRow(s);
      if (!row) return [s, []];
      const marked = new Set(s.marked);
      const k = keyOf(row.session);
      if (marked.has(k)) marked.delete(k);
      else marked.add(k);
      return move({ ...s, marked }, 1);
    }
    case 'mark-all': {
      const keys = s.rows.map((r) => keyOf(r.session));
      const all = keys.length > 0 && keys.every((k) => s.marked.has(k));
      return [{ ...s, marked: all ? new Set() : new Set(keys), message: all ? 'none marked' : `${keys.length} marked` }, []];
    }
    case 'rename':
    case 'fork':
    case 'delete':
    case 'compact':
    case 'export':
    case 'clean':
      return openDialog(s, id);
    case 'undo':
      return s.lastTrash ? [{ ...s, message: 'restoring…' }, [{ type: 'undo', trashId: s.lastTrash }]] : [{ ...s, message: 'nothing to undo' }, []];
    case 'copy-id':
    case 'copy-resume': {
      const row = selectedRow(s);
      if (!row) return [{ ...s, message: 'nothing to copy' }, []];
      const x = row.session;
      if (id === 'copy-id') return [s, [{ type: 'copy', text: x.id, what: `the id of ${x.source}:${x.id}` }]];
      return [s, [{ type: 'copy', text: shellLine(layoutOf(x.source).resume(x), x.workDir, 'bash', false), what: 'the command that resumes it' }]];
    }
    case 'pager': {
      const row = selectedRow(s);
      return row ? [s, [{ type: 'pager', session: row.session }]] : [{ ...s, message: 'nothing to read' }, []];
    }
    case 'history-back':
    case 'history-forward':
      return [s, []];
    case 'toggle-tools':
      return [{ ...s, preview: { ...s.preview, tools: !s.preview.tools } }, []];
    case 'toggle-thinking':
      return [{ ...s, preview: { ...s.preview, thinking: !s.preview.thinking } }, []];
    case 'next-match':
    case 'prev-match': {
      const n = selectedRow(s)?.matches.length ?? 0;
      if (n === 0) return [{ ...s, message: 'no search match in this session' }, []];
      const match = (s.preview.match + (id === 'next-match' ? 1 : n - 1)) % n;
      const next = { ...s, preview: { ...s.preview, match, scroll: matchScroll(s, match) }, message: `match ${match + 1} of ${n}` };
      // A match outside the window read of a long session: read around it.
      return [next, previewFx(next)];
    }
    case 'whole-session': {
      const row = selectedRow(s);
      if (!row || !s.preview.transcript?.window) return [{ ...s, message: 'the whole session is shown' }, []];
      return [{ ...s, message: READING_WHOLE }, [{ type: 'preview', session: row.session, whole: true, match: s.preview.match }]];
    }
    case 'help':
      return [{ ...s, mode: 'help', back: s.mode, helpScroll: 0 }, []];
    case 'quit':
      return [s, [{ type: 'exit', code: s.picker ? 1 : 0, chosen: null }]];
    case 'confirm':
    case 'all-anyway':
    case 'toggle-both':
    case 'cancel':
    case 'erase':
    case 'erase-all':
      return [s, []];
  }
}

function openDialog(s: State, kind: DialogKind): Result {
  const row = selectedRow(s);
  if (!row) return [{ ...s, message: 'no session selected' }, []];
  const marked = s.sessions.filter((x) => s.marked.has(keyOf(x)));
  const targets = kind === 'delete' && marked.length > 0 ? marked : [row.session];
  // An action the session's layout leaves off: a box that says why (a status line is too short for it).
  const why = kind === 'rename' || kind === 'fork' || kind === 'compact' ? cannot(row.session.source, kind) : null;
  if (why) return [{ ...s, mode: 'dialog', back: s.mode, dialog: { kind, targets, input: '', busy: [], force: false, stage: 'done', message: `Cannot ${kind} this session here.\n${why}.` } }, []];
  const input = kind === 'rename' ? row.session.title : kind === 'export' ? `./${row.session.source}-${row.session.id}.md` : kind === 'clean' ? 'older-than 90d' : '';
  // What would be refused as in use is named up front, with a way through (the cleanup pane leaves such sessions out itself).
  const busy = kind === 'rename' || kind === 'delete' || kind === 'compact' ? targets.filter((x) => x.inUse || s.locked.has(keyOf(x))) : [];
  // A twin (`kimi migrate`'s copy, or its original) is named; a rename takes both by default (twins that drift
  // apart were the trouble: `kimi -S` shows the copy), a delete or compact only when asked. Tab toggles.
  const twinKey = targets.length === 1 && targets[0]!.sameAs && kind !== 'fork' && kind !== 'export' ? sessionKey(targets[0]!.sameAs) : null;
  const twin = twinKey ? (s.sessions.find((x) => keyOf(x) === twinKey) ?? null) : null;
  const dialog: Dialog = { kind, targets, input, stage: 'ask', message: '', busy, force: false, twin, both: twin !== null && kind === 'rename' };
  const next: State = { ...s, mode: 'dialog', back: s.mode, dialog };
  return [kind === 'clean' ? planned(next) : next, []];
}

/** Earlier queries kept. */
export const HISTORY = 100;

const CLOSE_ONLY: ReadonlySet<string> = new Set(['enter', 'escape', 'space', 'q', 'C-c']);

/** Where a dialog goes back to (never into a dialog that is gone). */
function closedTo(s: State): State['mode'] {
  return s.back === 'dialog' ? 'list' : s.back;
}

const TAKES_TEXT: ReadonlySet<DialogKind> = new Set(['rename', 'fork', 'export', 'clean']);

/**
 * The cleanup pane: its filters over the sessions shown (search and scope
 * narrow them), the planned ones marked, the total in the dialog.
 */
function planned(s: State): State {
  const d = s.dialog!;
  const { filters, error } = parseCleanSpec(d.input);
  if (error) return { ...s, marked: new Set(), dialog: { ...d, targets: [], message: error } };
  if (!hasSelectingFilter(filters)) return { ...s, marked: new Set(), dialog: { ...d, targets: [], message: 'give a filter' } };
  const plan = planClean(s.rows.map((r) => r.session), filters, s.clock, (x) => s.locked.has(keyOf(x)));
  const words: Record<string, string> = { inUse: 'in use', locked: 'open in their agent', keptLast: 'newest of their dir', renamed: 'renamed' };
  const kept = Object.entries(plan.kept).filter(([, n]) => n > 0).map(([why, n]) => `${n} ${words[why] ?? why}`);
  const marked = new Set(plan.sessions.map(keyOf));
  // The first row that goes is brought into view (the list scrolls to the selection).
  const first = s.rows.findIndex((r) => marked.has(keyOf(r.session)));
  return {
    ...s,
    selected: first >= 0 ? first : s.selected,
    marked,
    dialog: { ...d, targets: plan.sessions, message: `${plan.sessions.length} session${plan.sessions.length === 1 ? '' : 's'}, ${formatSize(plan.bytes)}${kept.length ? `; kept: ${kept.join(', ')}` : ''}${agentNote(s.rows.map((r) => r.session))}` },
  };
}

/** The agent's own retention where it is set (Kiro's cleanup.periodDays): what it deletes at its next start anyway. */
function agentNote(sessions: readonly Session[]): string {
  const doomed = sessions.filter((x) => x.agentDeletes);
  return doomed.length === 0 ? '' : `\n${doomed[0]!.agentDeletes}: ${doomed.length} of these`;
}

function onDialogKey(s: State, key: string, ch: string | undefined): Result {
  const d = s.dialog;
  if (!d) return [{ ...s, mode: 'list' }, []];
  if (d.stage === 'running') return [s, []];
  if (d.stage === 'done') {
    // The box with a refusal or an error: the keys that dismiss boxes only close it; any other
    // key closes it and does what it does (j moves on at once, nothing is swallowed).
    const closed: State = { ...s, dialog: null, mode: closedTo(s) };
    return CLOSE_ONLY.has(key) ? [closed, []] : onKey(closed, key, ch);
  }
  const typing = TAKES_TEXT.has(d.kind);
  const id = commandFor('dialog', key, s.picker, typing);
  if (id === 'toggle-both') return d.twin ? [{ ...s, dialog: { ...d, both: !d.both } }, []] : [s, []];
  if (id === 'cancel') {
    return [{ ...s, dialog: null, mode: s.back, message: 'cancelled', marked: d.kind === 'clean' ? new Set() : s.marked }, []];
  }
  if (id === 'confirm' && d.kind === 'resume') {
    // The work dir is gone: the person said to resume in this one.
    return [{ ...s, dialog: null, mode: closedTo(s) }, [{ type: 'exit', code: 0, chosen: d.targets[0]!, resume: d.resume ?? false, here: true }]];
  }
  if (id === 'confirm' || (id === 'all-anyway' && d.busy.length > 0 && d.busy.length < d.targets.length)) {
    if (d.kind === 'clean' && d.targets.length === 0) return [s, []];
    // Some of a batch in use: Enter goes on with the others; `a` takes all, the busy ones too.
    // One in use (or all): the dialog named the risk, so Enter is the person's "do it anyway".
    const others = d.targets.filter((x) => !d.busy.includes(x));
    const partial = id === 'confirm' && d.busy.length > 0 && others.length > 0;
    const running: Dialog = { ...d, stage: 'running', targets: partial ? others : d.targets, force: (!partial && d.busy.length > 0) || d.replacing !== undefined };
    return [{ ...s, dialog: running }, [{ type: 'act', dialog: running }]];
  }
  if (typing) {
    const input = id === 'erase' ? d.input.slice(0, -1) : id === 'erase-all' ? '' : isPrintable(ch, key) ? d.input + ch : null;
    if (input !== null) {
      // Another file name: the question about the old one no longer stands.
      const { replacing: _asked, ...rest } = d;
      const next = { ...s, dialog: { ...rest, input } };
      return [d.kind === 'clean' ? planned(next) : next, []];
    }
  }
  return [s, []];
}

function move(s: State, delta: number): Result {
  if (s.rows.length === 0) return [s, []];
  const selected = Math.max(0, Math.min(s.rows.length - 1, s.selected + (Number.isFinite(delta) ? delta : delta > 0 ? s.rows.length : -s.rows.length)));
  if (selected === s.selected) return [s, []];
  const next = { ...s, selected };
  return [next, previewFx(next)];
}

function scrollPreview(s: State, delta: number): State {
  const t = s.preview.transcript;
  if (!t) return s;
  const total = layoutPreview(t, { width: previewWidth(s), tools: s.preview.tools, thinking: s.preview.thinking }).lines.length;
  const max = Math.max(0, total - (s.height - 3));
  const scroll = Math.max(0, Math.min(max, s.preview.scroll + (Number.isFinite(delta) ? delta : delta > 0 ? max : -max)));
  return { ...s, preview: { ...s.preview, scroll } };
}

/** The first line of the matched message `match` of the selected row. */
function matchScroll(s: State, match: number): number {
  const t = s.preview.transcript;
  const m = selectedRow(s)?.matches[match];
  if (!t || !m || !inWindow(t, m.messageIndex)) return 0;
  // The layout on screen: with thinking hidden its lines are not there, so lines below move up.
  const { starts } = layoutPreview(t, { width: previewWidth(s), tools: s.preview.tools, thinking: s.preview.thinking });
  // A match in hidden thinking opens at the next message shown.
  const at = starts.slice(m.messageIndex - (t.window?.first ?? 0)).find((line) => line >= 0);
  return Math.max(0, at ?? 0);
}

/** The preview pane's text width (the view splits the screen the same way). */
export function previewWidth(s: Pick<State, 'width'>): number {
  return Math.max(10, s.width - listWidth(s) - 3);
}

export function listWidth(s: Pick<State, 'width'>): number {
  return Math.floor(s.width * 0.55);
}

/**
 * The preview already holding the selected session (it was shown before the
 * query, or matched the previous keystroke's query too) moves to match
 * `match`; one still loading gets there when it arrives.
 */
function atMatch(s: State, match: number): State {
  const row = selectedRow(s);
  if (!row || !s.preview.transcript || s.preview.key !== keyOf(row.session)) return s;
  const preview = { ...s.preview, match };
  return { ...s, preview: { ...preview, scroll: matchScroll({ ...s, preview }, match) } };
}

/** Reads the selected session for the preview, unless it is there already (with its match, for a window of a long one). */
function previewFx(s: State): Effect[] {
  const row = selectedRow(s);
  if (!row) return [];
  const at = row.matches[s.preview.key === keyOf(row.session) ? s.preview.match : 0]?.messageIndex;
  if (s.preview.key === keyOf(row.session) && s.preview.transcript && (at === undefined || inWindow(s.preview.transcript, at))) return [];
  return [{ type: 'preview', session: row.session, ...(at !== undefined ? { at } : {}), match: s.preview.key === keyOf(row.session) ? s.preview.match : 0 }];
}

/** Is message `at` among those read (all of them, unless the transcript is a window of a long session)? */
function inWindow(t: Transcript, at: number): boolean {
  const first = t.window?.first ?? 0;
  return at >= first && at < first + t.messages.length;
}

/** The list: search results (by relevance) or every session (sorted), in scope. */
export function withRows(s: State): State {
  // Sorted only when no results are shown: a keystroke's results need no sort of 10,000 sessions.
  const sorted = (): Session[] => (s.reverse ? sortSessions(s.sessions, s.sort).reverse() : sortSessions(s.sessions, s.sort));
  const base: Row[] = s.results ?? sorted().map((session) => ({ session, matches: [] }));
  const rows = s.scope === 'here' ? base.filter((r) => inDir(r.session, s.cwd)) : base;
  // Keep the same session selected when the list changes under it.
  const current = s.rows[s.selected];
  let selected = Math.min(s.selected, Math.max(0, rows.length - 1));
  if (current) {
    const at = rows.findIndex((r) => keyOf(r.session) === keyOf(current.session));
    if (at >= 0 && s.selected !== 0) selected = at;
  }
  return { ...s, rows, selected };
}
