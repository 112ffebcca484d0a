// Everything the full-screen manager shows, in one value. Only the reducer
// makes a new one; views read it.
import type { SortKey } from '../catalog/select.js';
import { sessionKey, type Session, type Transcript } from '../model.js';
import type { Match } from '../search/engine.js';

export type Mode = 'list' | 'search' | 'preview' | 'dialog' | 'help';

export interface Row {
  session: Session;
  /** The messages a search matched, best first (empty without a query). */
  matches: Match[];
}

export type DialogKind = 'rename' | 'fork' | 'delete' | 'compact' | 'export' | 'clean' | 'resume';

export interface Dialog {
  kind: DialogKind;
  /** The sessions it acts on (delete: the marked ones, else the selected one). */
  targets: Session[];
  /** What the person typed: a title, a turn, a file. */
  input: string;
  stage: 'ask' | 'running' | 'done';
  /** The result or the error, once it ran. */
  message: string;
  /** Those of the targets in use when it opened (open in their agent, or just written by another program). */
  busy: Session[];
  /** Act on the busy ones too: the person saw the risk named and said so (an export: replace the file). */
  force: boolean;
  /** The export's file exists: the dialog asks before replacing it. */
  replacing?: string;
  /** The target's twin (a Kimi CLI session and its Kimi Code copy), shown in the dialog; `both`: act on it too. */
  twin?: Session | null;
  both?: boolean;
  /** A resume whose work dir is gone: leave the manager to run the agent (else the picker prints the choice). */
  resume?: boolean;
}

export interface Preview {
  key: string | null;
  transcript: Transcript | null;
  /** First line shown. */
  scroll: number;
  tools: boolean;
  thinking: boolean;
  /** Which match of the search the preview is at. */
  match: number;
}

export interface State {
  mode: Mode;
  /** Where help and dialogs return to. */
  back: Mode;
  sessions: Session[];
  query: string;
  /** Search results for `query` (null: no query, or not back yet). */
  results: Row[] | null;
  /** The query `results` answer (results for it again keep the selection and the match). */
  resultsQuery: string | null;
  /** Why the query could not run (a bad filter), shown in place of the rows. */
  searchError: string | null;
  /** What the list shows: results or sessions, in scope, sorted. */
  rows: Row[];
  selected: number;
  marked: ReadonlySet<string>;
  scope: 'here' | 'all';
  /** The picker chose its first scope (this directory, or every one when this has none) or the person did. */
  scopeDecided: boolean;
  cwd: string;
  sort: SortKey;
  /** Oldest, smallest, A first (the list's order turned round; search results stay by relevance). */
  reverse: boolean;
  preview: Preview;
  dialog: Dialog | null;
  /** One line for the status bar: what just happened. */
  message: string;
  width: number;
  height: number;
  loading: boolean;
  /** "indexing 1200/10000" while a first index is built. */
  indexing: string | null;
  /** The trash entry of the last delete, for undo. */
  lastTrash: string | null;
  picker: boolean;
  color: boolean;
  /** Epoch ms the ages of the cleanup pane are measured from (set when sessions load). */
  clock: number;
  /** Earlier queries, newest first (kept between runs). */
  history: readonly string[];
  /** Which earlier query the search box shows (null: what the person typed). */
  historyAt: number | null;
  /** First line of the `?` overlay shown. */
  helpScroll: number;
  /** `source:id` of the sessions the agent holds open (a live lock), as the last load saw them. */
  locked: ReadonlySet<string>;
}

/** The manager's name for a row: the one `source:id` key. */
export const keyOf = sessionKey;

export function initialState(o: { cwd: string; picker: boolean; width: number; height: number; color: boolean; now: number; query?: string; history?: readonly string[] }): State {
  return {
    mode: o.query ? 'list' : 'list',
    back: 'list',
    sessions: [],
    query: o.query ?? '',
    results: null,
    resultsQuery: null,
    searchError: null,
    rows: [],
    selected: 0,
    marked: new Set(),
    // A picker starts with this directory's sessions, as the agents' own pickers do.
    scope: o.picker ? 'here' : 'all',
    scopeDecided: !o.picker,
    cwd: o.cwd,
    sort: 'updated',
    reverse: false,
    preview: { key: null, transcript: null, scroll: 0, tools: false, thinking: false, match: 0 },
    dialog: null,
    message: '',
    width: o.width,
    height: o.height,
    loading: true,
    indexing: null,
    lastTrash: null,
    picker: o.picker,
    color: o.color,
    clock: o.now,
    locked: new Set(),
    helpScroll: 0,
    history: o.history ?? [],
    historyAt: null,
  };
}

export function selectedRow(s: State): Row | undefined {
  return s.rows[s.selected];
}

/** The smallest terminal the manager draws in. */
export const MIN_WIDTH = 60;
export const MIN_HEIGHT = 15;

export function tooSmall(s: Pick<State, 'width' | 'height'>): boolean {
  return s.width < MIN_WIDTH || s.height < MIN_HEIGHT;
}

/** Rows of the list pane (screen less the search line, the list header and the status bar). */
export function listHeight(s: Pick<State, 'height'>): number {
  return Math.max(1, s.height - 3);
}
