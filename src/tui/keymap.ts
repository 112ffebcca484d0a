// Every key of the manager, as data. The same table drives dispatch, the
// status bar's hints and the `?` overlay, so they cannot disagree.
import type { Mode } from './state.js';

export type CommandId =
  | 'up' | 'down' | 'page-up' | 'page-down' | 'top' | 'bottom'
  | 'search' | 'search-accept' | 'search-clear' | 'back' | 'focus-preview' | 'focus-list'
  | 'open' | 'resume' | 'scope' | 'sort' | 'reverse' | 'mark' | 'mark-all'
  | 'rename' | 'fork' | 'delete' | 'compact' | 'export' | 'clean' | 'undo'
  | 'copy-id' | 'copy-resume' | 'pager' | 'history-back' | 'history-forward'
  | 'toggle-tools' | 'toggle-thinking' | 'next-match' | 'prev-match' | 'whole-session'
  | 'confirm' | 'all-anyway' | 'toggle-both' | 'cancel' | 'erase' | 'erase-all' | 'help' | 'quit';

export interface Command {
  id: CommandId;
  /** blessed key names: `j`, `down`, `C-f`, `S-tab`, `enter`, `escape`, `space`. */
  keys: string[];
  label: string;
  /** The status bar's word for it (default: the label's first word). */
  short?: string;
  modes: Mode[];
  /** Shown in the status bar of these modes (the rest only in `?`). */
  hint?: Mode[];
  /** Changes or removes data: only from the list, never while typing. */
  writes?: boolean;
  /** Only in the picker, or only in the manager. */
  picker?: boolean;
  /** A letter: in a dialog that takes text it is typed, not run. */
  letter?: boolean;
}

const NAV: Mode[] = ['list', 'preview'];

export const COMMANDS: readonly Command[] = [
  { id: 'up', keys: ['up', 'k', 'C-p'], label: 'previous session / line up', modes: ['list', 'preview'] },
  { id: 'down', keys: ['down', 'j', 'C-n'], label: 'next session / line down', modes: ['list', 'preview'] },
  // In the search box the arrows walk the earlier queries while it is empty or shows one (as a shell's ↑).
  { id: 'history-back', keys: ['up'], label: 'an earlier query while the box is empty or shows one; else the previous session', modes: ['search'] },
  { id: 'history-forward', keys: ['down'], label: 'a later query while the box shows an earlier one; else the next session', modes: ['search'] },
  { id: 'up', keys: ['C-p'], label: 'previous session', modes: ['search'] },
  { id: 'down', keys: ['C-n'], label: 'next session', modes: ['search'] },
  { id: 'page-up', keys: ['pageup', 'C-b'], label: 'page up', modes: NAV },
  { id: 'page-down', keys: ['pagedown', 'C-f'], label: 'page down', modes: NAV },
  { id: 'top', keys: ['home', 'g'], label: 'top', modes: NAV },
  { id: 'bottom', keys: ['end', 'S-g'], label: 'bottom', modes: NAV },
  { id: 'search', keys: ['/'], label: 'search', modes: NAV, hint: ['list'] },
  { id: 'search-accept', keys: ['enter', 'tab'], label: 'to the list', short: 'list', modes: ['search'], hint: ['search'] },
  { id: 'search-clear', keys: ['escape'], label: 'clear the search', short: 'clear', modes: ['search'], hint: ['search'] },
  { id: 'open', keys: ['enter'], label: 'open (picker: choose)', modes: ['list'], hint: ['list'] },
  { id: 'resume', keys: ['o'], label: 'resume: leave and run the agent in its work dir', short: 'resume', modes: ['list'], hint: ['list'], picker: false },
  { id: 'focus-preview', keys: ['tab', 'right', 'l'], label: 'to the preview', modes: ['list'] },
  { id: 'focus-list', keys: ['tab', 'S-tab', 'escape', 'left', 'h'], label: 'back to the list', short: 'list', modes: ['preview'], hint: ['preview'] },
  { id: 'scope', keys: ['a'], label: 'this directory / all', short: 'scope', modes: ['list'], hint: ['list'] },
  { id: 'sort', keys: ['s'], label: 'sort: updated, created, title, size, turns', short: 'sort', modes: ['list'], hint: ['list'] },
  { id: 'reverse', keys: ['S-s'], label: 'reverse the order (oldest, smallest, A first)', modes: ['list'] },
  { id: 'mark', keys: ['space'], label: 'mark', modes: ['list'], writes: false, picker: false },
  { id: 'mark-all', keys: ['*'], label: 'mark all shown / none', modes: ['list'], picker: false },
  { id: 'rename', keys: ['r'], label: 'rename', modes: ['list'], hint: ['list'], writes: true, picker: false },
  { id: 'fork', keys: ['f'], label: 'fork (a turn to cut after, or all)', modes: ['list'], writes: true, picker: false },
  { id: 'delete', keys: ['d', 'delete'], label: 'delete (to the trash)', modes: ['list'], hint: ['list'], writes: true, picker: false },
  { id: 'undo', keys: ['u'], label: 'undo the last delete', modes: ['list'], writes: true, picker: false },
  { id: 'compact', keys: ['c'], label: 'compact', modes: ['list'], writes: true, picker: false },
  { id: 'export', keys: ['e'], label: 'export (md, json, zip, html by the file name)', modes: ['list'], writes: true, picker: false },
  { id: 'clean', keys: ['S-c'], label: 'clean up: filters mark what goes, one confirmation', modes: ['list'], writes: true, picker: false },
  { id: 'copy-id', keys: ['y'], label: 'copy the id to the clipboard (OSC 52)', short: 'copy', modes: NAV },
  { id: 'copy-resume', keys: ['S-y'], label: 'copy the command that resumes it', modes: NAV },
  { id: 'pager', keys: ['v'], label: 'read the whole transcript in $PAGER', modes: NAV },
  { id: 'toggle-tools', keys: ['t'], label: 'tool calls folded / whole', short: 'tools', modes: ['preview'], hint: ['preview'] },
  { id: 'toggle-thinking', keys: ['S-t'], label: 'thinking hidden / shown', modes: ['preview'] },
  { id: 'next-match', keys: ['n'], label: 'next match', short: 'match', modes: ['preview'], hint: ['preview'] },
  { id: 'prev-match', keys: ['S-n'], label: 'previous match', modes: ['preview'] },
  { id: 'whole-session', keys: ['o'], label: 'read all of a long session', modes: ['preview'] },
  { id: 'confirm', keys: ['enter'], label: 'do it', modes: ['dialog'], hint: ['dialog'] },
  { id: 'confirm', keys: ['y'], label: 'yes (in a dialog without text)', modes: ['dialog'], letter: true },
  { id: 'all-anyway', keys: ['a'], label: 'all of a batch, those in use too (a dialog without text)', modes: ['dialog'], letter: true },
  { id: 'toggle-both', keys: ['tab'], label: "also the session's twin (a Kimi CLI session and its Kimi Code copy)", modes: ['dialog'] },
  { id: 'cancel', keys: ['escape'], label: 'cancel', modes: ['dialog'], hint: ['dialog'] },
  { id: 'cancel', keys: ['n'], label: 'no (in a dialog without text)', modes: ['dialog'], letter: true },
  { id: 'erase', keys: ['backspace'], label: 'erase a character', modes: ['dialog'] },
  { id: 'erase-all', keys: ['C-u'], label: 'erase the text', modes: ['dialog'] },
  { id: 'help', keys: ['?'], label: 'all keys', short: 'keys', modes: NAV, hint: ['list', 'preview'] },
  { id: 'back', keys: ['escape'], label: 'clear the search, then the marks (picker: choose nothing)', modes: ['list'] },
  { id: 'quit', keys: ['q', 'C-c'], label: 'quit (picker: choose nothing)', modes: ['list'], hint: ['list'] },
  // In the preview Esc goes back to the list; q still quits.
  { id: 'quit', keys: ['q'], label: 'quit', modes: ['preview'] },
];

/** A key as the table names it, from blessed's keypress. */
export function keyName(ch: string | undefined, key: { name?: string; full?: string; ctrl?: boolean; shift?: boolean } | undefined): string {
  if (key?.full && key.full !== key.name) return key.full;
  if (key?.name && key.name.length > 1) return key.name;
  if (ch && ch >= 'A' && ch <= 'Z') return `S-${ch.toLowerCase()}`;
  return ch ?? key?.name ?? '';
}

/** The command a key runs in a mode; `typing`: a dialog that takes text, where letters are text. */
export function commandFor(mode: Mode, key: string, picker: boolean, typing = false): CommandId | null {
  if (key === 'C-c') return mode === 'dialog' ? 'cancel' : 'quit';
  for (const c of COMMANDS) {
    if (!c.modes.includes(mode) || !c.keys.includes(key)) continue;
    if (c.picker === false && picker) continue;
    if (c.letter && typing) continue;
    return c.id;
  }
  return null;
}

/** "/ search  ⏎ open  r rename …" for the status bar. */
export function hints(mode: Mode, picker: boolean): string {
  return COMMANDS.filter((c) => c.hint?.includes(mode) && !(c.picker === false && picker))
    .map((c) => `${display(c.keys[0]!)} ${c.id === 'open' && picker ? 'choose' : shortLabel(c)}`)
    .join('  ');
}

/** The `?` overlay: every command, grouped by the mode it works in. */
export function helpLines(picker: boolean): string[] {
  const out: string[] = [];
  for (const [mode, title] of [['list', 'List'], ['search', 'Search box'], ['preview', 'Preview'], ['dialog', 'Dialogs']] as Array<[Mode, string]>) {
    out.push(title);
    for (const c of COMMANDS) {
      if (!c.modes.includes(mode) || (c.picker === false && picker)) continue;
      out.push(`  ${c.keys.map(display).join(', ').padEnd(16)} ${c.label}`);
    }
    out.push('');
  }
  out.push('Typing in the search box never runs an action: press Enter or Tab first.');
  return out;
}

/**
 * The `?` overlay's lines at a text width: a label too long for the line
 * wraps under itself, never cut.
 */
export function helpPage(picker: boolean, width: number): string[] {
  const out: string[] = [];
  for (const line of helpLines(picker)) {
    if (line.length <= width) {
      out.push(line);
      continue;
    }
    const indent = /^ {2}\S/.test(line) ? 19 : 0;
    let rest = line;
    while (rest.length > width) {
      const cut = rest.lastIndexOf(' ', width);
      const at = cut > indent ? cut : width;
      out.push(rest.slice(0, at));
      rest = ' '.repeat(indent) + rest.slice(at).trimStart();
    }
    out.push(rest);
  }
  return out;
}

/** Rows the overlay has for the page (the screen less its border, padding and the footer line). */
export function helpRows(height: number): number {
  return Math.max(3, height - 5);
}

function shortLabel(c: Command): string {
  return c.short ?? c.label.split(/[ (]/)[0]!;
}

export function display(key: string): string {
  const names: Record<string, string> = { enter: '⏎', escape: 'Esc', space: 'Space', pageup: 'PgUp', pagedown: 'PgDn', up: '↑', down: '↓', left: '←', right: '→', tab: 'Tab', 'S-tab': 'S-Tab', home: 'Home', end: 'End', delete: 'Del' };
  if (names[key]) return names[key]!;
  if (/^S-[a-z]$/.test(key)) return key.slice(2).toUpperCase();
  return key;
}
