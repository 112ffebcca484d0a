// The manager's logic without a terminal: the keymap table and the reducer.
import assert from 'node:assert/strict';
import { test } from './harness.js';
import type { Session, Transcript } from '../src/model.js';
import { COMMANDS, commandFor, helpLines, hints } from '../src/tui/keymap.js';
import { update, type Effect, type Msg } from '../src/tui/reducer.js';
import { initialState, keyOf, type Mode, type State } from '../src/tui/state.js';

function session(id: string, over: Partial<Session> = {}): Session {
  return {
    source: 'kimi-code', id, title: `title ${id}`, titleSource: 'prompt', workDir: '/w/a', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: `2026-01-0${id.length}T00:00:00.000Z`,
    turns: 2, messages: 4, bytes: 100, path: `/x/${id}`, inUse: false, archived: false, forkedFrom: null, sameAs: null, problems: [], ...over,
  };
}

/** The clock the loads carry: the reducer reads none of its own. */
const NOW = Date.parse('2026-01-10T00:00:00Z');

const SESSIONS = [session('a'), session('bb', { workDir: '/w/b' }), session('ccc'), session('dddd', { workDir: '/w/b', title: 'zeta' })];

function run(s: State, ...msgs: Msg[]): [State, Effect[]] {
  let fx: Effect[] = [];
  for (const m of msgs) [s, fx] = update(s, m);
  return [s, fx];
}

const key = (k: string, ch?: string): Msg => ({ type: 'key', key: k, ch: ch ?? (k.length === 1 ? k : undefined) });

function loaded(o: Partial<Parameters<typeof initialState>[0]> = {}): State {
  return update(initialState({ cwd: '/w/a', picker: false, width: 100, height: 30, color: false, now: NOW, ...o }), { type: 'loaded', sessions: SESSIONS, now: NOW, locked: [] })[0];
}

test('keymap: every command has keys, a label and a mode; no key means two things in one mode', () => {
  for (const c of COMMANDS) {
    assert.ok(c.keys.length > 0 && c.label && c.modes.length > 0, c.id);
  }
  for (const mode of ['list', 'search', 'preview', 'dialog'] as Mode[]) {
    for (const picker of [false, true]) {
      const seen = new Map<string, string>();
      for (const c of COMMANDS) {
        if (!c.modes.includes(mode) || (c.picker === false && picker)) continue;
        for (const k of c.keys) {
          assert.ok(!seen.has(k), `${mode}: ${k} is bound to ${seen.get(k)} and ${c.id}`);
          seen.set(k, c.id);
        }
      }
    }
  }
  // The overlay and the status bar come from the same table.
  const help = helpLines(false).join('\n');
  for (const c of COMMANDS) assert.ok(help.includes(c.label), `? lacks ${c.id}`);
  assert.match(hints('list', false), /\/ search.*r rename.*d delete/);
  assert.ok(!hints('list', true).includes('delete'), 'the picker offers no actions');
  assert.equal(commandFor('list', 'd', true), null);
});

test('typing in the search box only types: letters that are actions elsewhere go into the query', () => {
  let [s] = run(loaded(), key('/'));
  assert.equal(s.mode, 'search');
  const effects: Effect[] = [];
  for (const ch of 'dr qejk') {
    const [next, fx] = update(s, key(ch === ' ' ? 'space' : ch, ch));
    s = next;
    effects.push(...fx);
  }
  assert.equal(s.query, 'dr qejk');
  assert.equal(s.selected, 0, 'j and k typed, not moved');
  assert.equal(s.dialog, null);
  assert.ok(effects.every((e) => e.type === 'search'), JSON.stringify(effects));
  assert.deepEqual(effects.at(-1), { type: 'search', query: 'dr qejk' });
  [s] = run(s, key('backspace'));
  assert.equal(s.query, 'dr qej');
  [s] = run(s, key('escape'));
  assert.deepEqual([s.mode, s.query, s.results], ['list', '', null]);
});

test('moving, scope, sort, marks', () => {
  let [s, fx] = run(loaded(), key('j'));
  assert.equal(s.selected, 1);
  assert.equal(fx[0]?.type, 'preview');
  [s] = run(s, key('S-g'));
  assert.equal(s.selected, 3);
  [s] = run(s, key('g'));
  assert.equal(s.selected, 0);
  assert.deepEqual(s.rows.map((r) => r.session.id), ['dddd', 'ccc', 'bb', 'a'], 'newest first');
  [s] = run(s, key('a'));
  assert.deepEqual([s.scope, s.rows.map((r) => r.session.id)], ['here', ['ccc', 'a']]);
  [s] = run(s, key('a'), key('s'), key('s'));
  assert.equal(s.sort, 'title');
  assert.equal(s.rows[0]!.session.id, 'a');
  [s] = run(s, key('space'), key('space'));
  assert.equal(s.marked.size, 2);
  [s] = run(s, key('d'));
  assert.equal(s.dialog?.kind, 'delete');
  assert.deepEqual(s.dialog?.targets.map((t) => t.id).sort(), ['a', 'bb']);
  [s] = run(s, key('n'));
  assert.deepEqual([s.dialog, s.mode], [null, 'list']);
  [s] = run(s, key('*'));
  assert.equal(s.marked.size, 4);
  [s] = run(s, key('*'));
  assert.equal(s.marked.size, 0);
});

test('dialogs: text dialogs take y as a letter; delete and compact confirm with y; nothing runs before confirming', () => {
  let [s, fx] = run(loaded(), key('r'));
  assert.deepEqual([s.mode, s.dialog?.kind, s.dialog?.input], ['dialog', 'rename', 'zeta']);
  [s, fx] = run(s, key('C-u'), key('y'), key('e'), key('s'));
  assert.equal(s.dialog?.input, 'yes');
  assert.deepEqual(fx, []);
  [s, fx] = run(s, key('enter'));
  assert.equal(s.dialog?.stage, 'running');
  assert.deepEqual(fx, [{ type: 'act', dialog: s.dialog }]);
  [s] = run(s, { type: 'action-done', message: 'renamed' });
  assert.deepEqual([s.dialog, s.mode, s.message], [null, 'list', 'renamed'], 'done closes the dialog and says so in the status bar');
  [s, fx] = run(s, key('c'));
  assert.deepEqual(fx, []);
  [s, fx] = run(s, key('y'));
  assert.equal(fx[0]?.type, 'act');
  // Undo needs a delete first.
  [s] = run(loaded(), key('u'));
  assert.equal(s.message, 'nothing to undo');
  [s, fx] = run(s, key('d'), key('y'), { type: 'action-done', message: 'moved', trashId: 'T1' }, key('x'), key('u'));
  assert.deepEqual(fx, [{ type: 'undo', trashId: 'T1' }]);
});

test('a delete or compact dialog runs only on Enter or y: every other key runs nothing, n and Esc cancel', () => {
  const others = [
    ...'abcdefghijklmnopqrstuvwxz0123456789 !?*/-.',
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((c) => `S-${c.toLowerCase()}`),
    'tab', 'S-tab', 'space', 'backspace', 'delete', 'up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'C-u', 'C-d', 'C-n', 'C-p', 'f1',
  ];
  for (const kind of ['d', 'c']) {
    for (const k of others) {
      const [open] = run(loaded(), key(kind));
      assert.equal(open.dialog?.stage, 'ask', kind);
      const ch = k.length === 1 ? k : k.startsWith('S-') ? k.slice(2).toUpperCase() : undefined;
      const [s, fx] = run(open, key(k, ch));
      assert.deepEqual(fx, [], `${kind} dialog, key ${k}: nothing runs`);
      assert.ok(s.dialog === null || s.dialog.stage === 'ask', `${kind} dialog, key ${k}: still asking or closed`);
      // n cancels; every other key leaves the question open.
      assert.equal(s.dialog === null, k === 'n', `${kind} dialog, key ${k}`);
    }
    for (const k of ['enter', 'y']) assert.equal(run(run(loaded(), key(kind))[0], key(k))[1][0]?.type, 'act', `${kind} dialog, ${k} runs it`);
    const [esc, escFx] = run(run(loaded(), key(kind))[0], key('escape'));
    assert.deepEqual([esc.dialog, esc.message, escFx], [null, 'cancelled', []], `${kind} dialog, Esc cancels`);
  }
});

test('the picker: Enter chooses the selected session, q and Esc choose nothing', () => {
  const s = loaded({ picker: true });
  assert.equal(s.scope, 'here', 'a picker starts in this directory');
  assert.deepEqual(run(s, key('enter'))[1], [{ type: 'choose', session: s.rows[0]!.session, resume: false }]);
  assert.deepEqual(run(s, key('q'))[1], [{ type: 'exit', code: 1, chosen: null }]);
  assert.deepEqual(run(s, key('escape'))[1], [{ type: 'exit', code: 1, chosen: null }]);
  assert.deepEqual(run(s, key('d'))[1], [], 'no actions in the picker');
});

test('search results: the preview opens at the best match; n and N move between matches', () => {
  let [s] = run(loaded(), key('/'), key('z', 'z'));
  const target = SESSIONS[3]!;
  const matches = [
    { messageIndex: 2, role: 'assistant', snippet: 'zeta', ranges: [[0, 4]] as Array<[number, number]> },
    { messageIndex: 0, role: 'user', snippet: 'zeta', ranges: [[0, 4]] as Array<[number, number]> },
  ];
  let fx: Effect[];
  [s, fx] = run(s, { type: 'results', query: 'z', rows: [{ session: target, matches }] });
  assert.deepEqual(fx, [{ type: 'preview', session: target, at: 2, match: 0 }], 'read around the best match (a long session is read in a window)');
  const transcript: Transcript = {
    session: target,
    messages: [
      { role: 'user', text: 'zeta one', time: null },
      { role: 'assistant', text: 'a\nb\nc\nd', time: null },
      { role: 'assistant', text: 'zeta here', time: null },
    ],
  };
  [s] = run(s, { type: 'preview', key: keyOf(target), transcript });
  // user: rule + text + blank (3 lines); assistant: rule + 4 lines + blank (6): message 2 starts at line 9.
  assert.equal(s.preview.scroll, 9);
  [s] = run(s, key('enter'), key('tab'), key('n'));
  assert.deepEqual([s.mode, s.preview.match, s.preview.scroll], ['preview', 1, 0]);
  [s] = run(s, key('S-n'));
  assert.equal(s.preview.scroll, 9);
  // Results for an older query are dropped.
  const [same] = run(s, { type: 'results', query: 'old', rows: [] });
  assert.equal(same, s);
});

test('the preview opens at a match below hidden thinking at the line shown on screen', async () => {
  const target = SESSIONS[0]!;
  let [s] = run(loaded(), key('/'), key('z', 'z'));
  const matches = [{ messageIndex: 2, role: 'assistant', snippet: 'zeta', ranges: [[0, 4]] as Array<[number, number]> }];
  [s] = run(s, { type: 'results', query: 'z', rows: [{ session: target, matches }] });
  const transcript: Transcript = {
    session: target,
    messages: [
      { role: 'user', text: 'q', time: null },
      { role: 'assistant', text: 'a\nb\nc\nd\ne\nf', time: null, thinking: true },
      { role: 'assistant', text: 'zeta here', time: null },
    ],
  };
  [s] = run(s, { type: 'preview', key: keyOf(target), transcript });
  // Thinking hidden: the user message takes 3 lines, and the match starts right after.
  assert.equal(s.preview.scroll, 3);
});

test('a session already in the preview moves to the match when results for a query arrive', () => {
  // Not the default-sorted first row: it is the one previewed once the list loads.
  let s = update(initialState({ cwd: '/w/a', picker: false, width: 100, height: 30, color: false, now: NOW }), { type: 'loaded', sessions: [SESSIONS[0]!], now: NOW, locked: [] })[0];
  const target = SESSIONS[0]!;
  const transcript: Transcript = {
    session: target,
    messages: [
      { role: 'user', text: 'q', time: null },
      { role: 'assistant', text: 'a\nb\nc\nd', time: null },
      { role: 'assistant', text: 'zeta here', time: null },
    ],
  };
  [s] = run(s, { type: 'preview', key: keyOf(target), transcript });
  assert.equal(s.preview.scroll, 0);
  let fx: Effect[];
  const at = (messageIndex: number) => [{ messageIndex, role: 'assistant', snippet: 'zeta', ranges: [[0, 4]] as Array<[number, number]> }];
  [s, fx] = run(s, key('/'), key('z', 'z'), { type: 'results', query: 'z', rows: [{ session: target, matches: at(2) }] });
  assert.deepEqual(fx, [], 'the transcript is not read again');
  assert.equal(s.preview.scroll, 9);
  // The next keystroke's results name another message of the same session.
  [s] = run(s, key('e', 'e'), { type: 'results', query: 'ze', rows: [{ session: target, matches: at(1) }] });
  assert.deepEqual([s.preview.scroll, s.preview.match], [3, 0]);
});

test('the cleanup pane: its filters mark what would go, over the rows shown; Enter runs one batch', async () => {
  const old = session('old', { updatedAt: '2025-01-01T00:00:00.000Z', turns: 0, messages: 0 });
  let s = update(initialState({ cwd: '/w/a', picker: false, width: 100, height: 30, color: false, now: NOW }), { type: 'loaded', sessions: [...SESSIONS, old], now: NOW, locked: [] })[0];
  s = { ...s, clock: Date.parse('2026-01-20T00:00:00Z') };
  let fx: Effect[];
  [s] = run(s, key('S-c'));
  assert.deepEqual([s.dialog?.kind, s.dialog?.input], ['clean', 'older-than 90d']);
  assert.deepEqual([...s.marked], ['kimi-code:old'], 'only the year-old session is older than 90 days');
  assert.match(s.dialog!.message, /^1 session, 100 B/);
  [s] = run(s, key('C-u'), ...'older-than 1d'.split('').map((c) => key(c === ' ' ? 'space' : c, c)));
  assert.equal(s.marked.size, 5);
  [s] = run(s, key('C-u'), ...'keep-last 1 older-than 1d'.split('').map((c) => key(c === ' ' ? 'space' : c, c)));
  // Newest of /w/a (ccc) and of /w/b (dddd) are kept.
  assert.deepEqual([...s.marked].sort(), ['kimi-code:a', 'kimi-code:bb', 'kimi-code:old']);
  assert.match(s.dialog!.message, /kept: 2 newest of their dir/);
  [s] = run(s, key('C-u'), key('x', 'x'));
  assert.match(s.dialog!.message, /unknown filter 'x'/);
  assert.equal(s.marked.size, 0);
  [s, fx] = run(s, key('enter'));
  assert.deepEqual(fx, [], 'nothing to run without a plan');
  [s] = run(s, key('backspace'), ...'empty'.split('').map((c) => key(c, c)));
  [s, fx] = run(s, key('enter'));
  assert.deepEqual(fx.map((e) => e.type), ['act']);
  assert.deepEqual(s.dialog?.targets.map((t) => t.id), ['old']);
  // Esc leaves nothing marked.
  const [cancelled] = run(update(s, { type: 'action-failed', message: 'x' })[0], key('x'), key('S-c'), key('escape'));
  assert.equal(cancelled.marked.size, 0);
});

test('dialog edges: a running action ignores every key, any key closes a finished one, Ctrl-C cancels, only the cleanup pane clears marks on cancel', () => {
  // A dialog mode with no dialog (the guard against a state no key could leave) goes back to the list.
  const [none, noneFx] = run({ ...loaded(), mode: 'dialog', dialog: null }, key('x'));
  assert.deepEqual([none.mode, noneFx], ['list', []]);

  const [runningState] = run(loaded(), key('d'), key('y'));
  assert.equal(runningState.dialog?.stage, 'running');
  for (const k of ['escape', 'C-c', 'n', 'y', 'enter', 'x', 'backspace']) {
    const [s, fx] = run(runningState, key(k));
    assert.equal(s, runningState, `running, key ${k}: nothing changes`);
    assert.deepEqual(fx, [], `running, key ${k}: nothing runs`);
  }

  // A refusal's box: any key closes it and goes back where the dialog was opened from
  // (only the list opens one today; the mode is kept, not assumed).
  const [done] = run(loaded(), key('d'), key('y'), { type: 'action-failed', message: 'in use' });
  assert.deepEqual([done.dialog?.stage, done.back], ['done', 'list']);
  const fromPreview: State = { ...done, back: 'preview' };
  const [closed, closedFx] = run(fromPreview, key('q'));
  assert.deepEqual([closed.dialog, closed.mode, closedFx], [null, 'preview', []]);
  const [doneFromDialog] = run({ ...fromPreview, back: 'dialog' }, key('x'));
  assert.equal(doneFromDialog.mode, 'list', 'never back into a dialog that is gone');

  // Ctrl-C cancels every kind, text dialogs too.
  for (const open of ['d', 'c', 'r', 'S-c']) {
    const [s, fx] = run(loaded(), key(open), key('C-c'));
    assert.deepEqual([s.dialog, s.message, fx], [null, 'cancelled', []], `${open} dialog, Ctrl-C`);
  }

  // Cancelling a delete keeps the marks the person made; cancelling the cleanup pane drops the ones it made.
  const [marked] = run(loaded(), key('space'), key('down'), key('space'));
  assert.equal(marked.marked.size, 2);
  assert.equal(run(marked, key('d'), key('escape'))[0].marked.size, 2);
  assert.equal(run(marked, key('S-c'), key('escape'))[0].marked.size, 0);

  // A text dialog takes only printable keys; a yes/no dialog takes no text at all.
  const [rename] = run(loaded(), key('r'));
  for (const k of ['up', 'down', 'tab', 'left', 'f1', 'C-d']) {
    assert.equal(run(rename, key(k))[0].dialog?.input, rename.dialog?.input, `rename, key ${k}`);
  }
  for (const open of ['d', 'c']) {
    const [ask] = run(loaded(), key(open));
    assert.equal(run(ask, key('x'))[0].dialog?.input, '', `${open} dialog: a letter is not text`);
    assert.equal(run(ask, key('x'))[0], ask, `${open} dialog: a letter changes nothing`);
  }
});

test('the cleanup pane keeps a session the agent holds open and says so, as `sessions clean` does; its ages are by the clock the load carried', () => {
  const open = session('open', { updatedAt: '2025-01-01T00:00:00.000Z', inUse: true, source: 'kiro-files' });
  const busy = session('busy', { updatedAt: '2025-01-01T00:00:00.000Z', inUse: true });
  const old = session('old', { updatedAt: '2025-01-01T00:00:00.000Z' });
  const now = Date.parse('2026-01-20T00:00:00Z');
  let s = update(initialState({ cwd: '/w/a', picker: false, width: 100, height: 30, color: false, now: 0 }), { type: 'loaded', sessions: [open, busy, old], now, locked: ['kiro-files:open'] })[0];
  assert.equal(s.clock, now);
  [s] = run(s, key('S-c'));
  assert.deepEqual([...s.marked], ['kimi-code:old']);
  assert.match(s.dialog!.message, /kept: 1 in use, 1 open in their agent/);
});

test('dialog keys come from the keymap: y and n answer a yes/no dialog, and are letters in a dialog that takes text', () => {
  assert.equal(commandFor('dialog', 'y', false, false), 'confirm');
  assert.equal(commandFor('dialog', 'n', false, false), 'cancel');
  assert.equal(commandFor('dialog', 'y', false, true), null);
  assert.equal(commandFor('dialog', 'backspace', false, true), 'erase');
  assert.equal(commandFor('dialog', 'C-u', false, true), 'erase-all');
  let s = loaded();
  [s] = run(s, key('r'), key('C-u'), key('y', 'y'), key('n', 'n'));
  assert.deepEqual([s.mode, s.dialog?.input], ['dialog', 'yn']);
  [s] = run(s, key('backspace'));
  assert.equal(s.dialog?.input, 'y');
  assert.ok(helpLines(false).some((l) => /^\s+n\s+no \(in a dialog without text\)/.test(l)), 'the ? overlay lists the dialog keys');
});

test("the cleanup pane says what the agent's own retention deletes anyway", () => {
  const note = 'Kiro deletes sessions older than 30 days at its next start (cleanup.periodDays in /h/.kiro/settings/cli.json)';
  const old = session('old', { updatedAt: '2025-01-01T00:00:00.000Z', agentDeletes: note, source: 'kiro-files' });
  let s = update(initialState({ cwd: '/w/a', picker: false, width: 100, height: 30, color: false, now: NOW }), { type: 'loaded', sessions: [old, session('fresh')], now: NOW, locked: [] })[0];
  [s] = run(s, key('S-c'));
  assert.ok(s.dialog!.message.endsWith(`\n${note}: 1 of these`), s.dialog!.message);
});

test('after an action the rows, the counts and the preview are the truth at once, with a query active too', () => {
  let [s] = run(loaded(), key('/'), key('z', 'z'));
  const target = SESSIONS[3]!;
  const other = SESSIONS[1]!;
  [s] = run(s, { type: 'results', query: 'z', rows: [{ session: target, matches: [] }, { session: other, matches: [] }] });
  const transcript: Transcript = { session: target, messages: [{ role: 'user', text: 'zeta', time: null }] };
  [s] = run(s, { type: 'preview', key: keyOf(target), transcript });
  // The selected session was deleted, the other renamed: the reload after the action says so.
  const renamed = { ...other, title: 'new title' };
  let fx: Effect[];
  [s, fx] = run(s, { type: 'action-done', message: '1 moved to the trash' }, { type: 'loaded', sessions: SESSIONS.filter((x) => x !== target && x !== other).concat(renamed), now: NOW, locked: [], fresh: true });
  assert.deepEqual(s.rows.map((r) => r.session.title), ['new title'], 'the deleted row is gone, the renamed one has its new title');
  assert.equal(s.sessions.length, SESSIONS.length - 1);
  assert.equal(s.preview.transcript, null, 'the old transcript is not shown');
  assert.deepEqual(fx, [{ type: 'preview', session: renamed, match: 0 }, { type: 'search', query: 'z' }], 'read again, and the query runs again');
  // The same query's results after an action keep the selection where it is.
  const two = [{ session: SESSIONS[0]!, matches: [] }, { session: renamed, matches: [] }];
  [s] = run({ ...s, rows: two, selected: 1, results: two }, { type: 'results', query: 'z', rows: two });
  assert.equal(s.selected, 1);
  [s] = run(s, key('e', 'e'), { type: 'results', query: 'ze', rows: two });
  assert.equal(s.selected, 0, 'results for a new query start at the best');
});

test('Esc clears the query, then the marks, and never quits the manager; q and Ctrl-C quit', () => {
  let [s, fx] = run(loaded(), key('/'), key('z', 'z'), key('enter'));
  assert.equal(s.mode, 'list');
  [s, fx] = run(s, key('escape'));
  assert.deepEqual([s.query, s.results, fx.some((e) => e.type === 'exit')], ['', null, false]);
  [s] = run(s, key('space'));
  [s, fx] = run(s, key('escape'));
  assert.deepEqual([s.marked.size, fx], [0, []]);
  [s, fx] = run(s, key('escape'));
  assert.deepEqual(fx, [], 'a second Esc on an empty list does nothing');
  assert.deepEqual(run(s, key('q'))[1], [{ type: 'exit', code: 0, chosen: null }]);
  assert.deepEqual(run(s, key('C-c'))[1], [{ type: 'exit', code: 0, chosen: null }]);
  // The picker: Esc with a query clears it; with none it chooses nothing.
  const p = loaded({ picker: true });
  const [typedIn] = run(p, key('/'), key('z', 'z'), key('enter'));
  assert.deepEqual(run(typedIn, key('escape'))[1].some((e) => e.type === 'exit'), false);
  assert.deepEqual(run(run(typedIn, key('escape'))[0], key('escape'))[1], [{ type: 'exit', code: 1, chosen: null }]);
});

test('done is said in the status bar; a box with a refusal closes on Esc or Enter, and any other key also does its work', () => {
  const [done] = run(loaded(), key('d'), key('y'), { type: 'action-done', message: '1 moved to the trash' });
  assert.deepEqual([done.dialog, done.mode, done.message], [null, 'list', '1 moved to the trash']);
  const [refused] = run(loaded(), key('d'), key('y'), { type: 'action-failed', message: 'in use' });
  assert.equal(refused.dialog?.stage, 'done');
  const [moved, fx] = run(refused, key('j'));
  assert.deepEqual([moved.dialog, moved.selected, fx[0]?.type], [null, 1, 'preview'], 'j closed the box and moved');
  for (const k of ['escape', 'enter', 'space']) assert.deepEqual(run(refused, key(k))[0].selected, 0, `${k} only closes`);
});

test('a query that cannot run says why in place of the rows, as the CLI does', () => {
  let [s] = run(loaded(), key('/'), key('a', 'a'));
  [s] = run(s, { type: 'results', query: 'a', rows: [], error: "after: takes a date like 2026-01-31, got '20'" });
  assert.equal(s.searchError, "after: takes a date like 2026-01-31, got '20'");
  [s] = run(s, key('backspace'));
  assert.equal(s.searchError, null, 'gone with the query');
});

test('sessions in use: the dialog names the risk; one is done anyway on Enter, a batch goes on with the others, a takes all', async () => {
  const busy = session('bb', { inUse: true, inUseReason: 'kimi (pid 42) has it open' });
  const all = [SESSIONS[0]!, busy, SESSIONS[2]!];
  const base = update(initialState({ cwd: '/w/a', picker: false, width: 100, height: 30, color: false, now: NOW }), { type: 'loaded', sessions: all, now: NOW, locked: [] })[0];
  // One session in use.
  const one = run({ ...base, selected: base.rows.findIndex((r) => r.session.id === 'bb') }, key('d'))[0];
  assert.deepEqual(one.dialog?.busy.map((x) => x.id), ['bb']);
  let [s, fx] = run(one, key('enter'));
  assert.deepEqual([fx[0]?.type, s.dialog?.force, s.dialog?.targets.map((x) => x.id)], ['act', true, ['bb']], 'named, then done anyway');
  // A batch of three, one in use: Enter goes on with the other two; a takes all three.
  const marked = run(base, key('*'), key('d'))[0];
  assert.equal(marked.dialog?.targets.length, 3);
  const { dialogText } = await import('../src/tui/views/text.js');
  assert.match(dialogText(marked), /⚠ 1 of 3 in use \(kimi-code:bb: kimi \(pid 42\) has it open\)\.\n\ny \/ ⏎ delete the other 2 {3}a all 3, anyway {3}n \/ Esc cancel$/);
  assert.match(dialogText(one), /In use: kimi \(pid 42\) has it open\.\nIf you delete now, what its agent writes next may be lost, or the agent may write it back\.\n\ny \/ ⏎ delete anyway/);
  [s, fx] = run(marked, key('enter'));
  assert.deepEqual([s.dialog?.force, s.dialog?.targets.map((x) => x.id).sort()], [false, ['a', 'ccc']]);
  [s, fx] = run(marked, key('a'));
  assert.deepEqual([fx[0]?.type, s.dialog?.force, s.dialog?.targets.length], ['act', true, 3]);
  // Nothing in use: `a` is no key of the dialog, Enter runs as before.
  const calm = run(base, key('d'))[0];
  assert.deepEqual(run(calm, key('a'))[1], []);
  assert.equal(run(calm, key('enter'))[0].dialog?.force, false);
});

test('the preview wraps at spaces: words stay whole; a word longer than the line and CJK break between characters', async () => {
  const { wrap } = await import('../src/tui/preview-layout.js');
  assert.deepEqual(wrap('Partition by event_date, cluster by user_id, payload as a JSON string column.', 20), ['Partition by', 'event_date, cluster', 'by user_id, payload', 'as a JSON string', 'column.']);
  assert.deepEqual(wrap('x'.repeat(25), 10), ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  assert.deepEqual(wrap('日本語の文章を折り返す', 10), ['日本語の文', '章を折り返', 'す'], 'two columns each');
  assert.deepEqual(wrap('a\n\nb', 10), ['a', '', 'b'], 'blank lines kept');
});

test('the list shows the column it is sorted by, marked ▼ or ▲; S reverses the order; created shows a CREATED column', async () => {
  const { listLines } = await import('../src/tui/views/text.js');
  let s: State = { ...loaded({ width: 70 }), sort: 'size' };
  s = update(s, { type: 'loaded', sessions: SESSIONS, now: NOW, locked: [] })[0];
  // 70 columns: the list is too narrow for every column; SIZE is kept because the list is sorted by it.
  assert.match(listLines(s, 0, '/h', new Date(NOW))[0]!, /SIZE▼/);
  assert.doesNotMatch(listLines({ ...s, sort: 'updated' }, 0, '/h', new Date(NOW))[0]!, /SIZE/);
  assert.match(listLines({ ...s, sort: 'created' }, 0, '/h', new Date(NOW))[0]!, /CREATED▼/);
  const ids = (x: State) => x.rows.map((r) => r.session.id);
  const [rev, fx] = run({ ...s, sort: 'updated' }, key('S-s'));
  assert.deepEqual(ids(rev), [...ids(update({ ...s, sort: 'updated' }, { type: 'loaded', sessions: SESSIONS, now: NOW, locked: [] })[0])].reverse());
  assert.equal(rev.message, 'sorted by updated, reversed');
  assert.equal(fx[0]?.type, 'preview');
  assert.match(listLines(rev, 0, '/h', new Date(NOW))[0]!, /ACTIVE▲/);
});

test('choosing: Enter in the picker and o in the manager choose; a work dir that is gone is asked about first', () => {
  const p = loaded({ picker: true });
  assert.deepEqual(run(p, key('enter'))[1], [{ type: 'choose', session: p.rows[0]!.session, resume: false }]);
  const m = loaded();
  assert.deepEqual(run(m, key('o'))[1], [{ type: 'choose', session: m.rows[0]!.session, resume: true }]);
  assert.deepEqual(run(p, key('o'))[1], [], 'o is no key of the picker');
  // The app found the work dir gone: a question, then "here".
  let [s] = run(m, { type: 'dir-gone', session: m.rows[0]!.session, resume: true });
  assert.deepEqual([s.mode, s.dialog?.kind], ['dialog', 'resume']);
  const [, fx] = run(s, key('enter'));
  assert.deepEqual(fx, [{ type: 'exit', code: 0, chosen: m.rows[0]!.session, resume: true, here: true }]);
  [s] = run(s, key('escape'));
  assert.deepEqual([s.mode, s.dialog], ['list', null], 'Esc: back to the list, nothing runs');
});

test('the picker starts in this directory, or in every one when this has no session; a widens and narrows', () => {
  const here = loaded({ picker: true, cwd: '/w/b' });
  assert.deepEqual([here.scope, here.rows.length], ['here', 2]);
  const none = loaded({ picker: true, cwd: '/elsewhere' });
  assert.deepEqual([none.scope, none.rows.length], ['all', SESSIONS.length]);
  const [narrowed] = run(none, key('a'));
  assert.equal(narrowed.scope, 'here');
  // A later load (after the scan) does not undo the person's choice.
  const [again] = run(narrowed, { type: 'loaded', sessions: SESSIONS, now: NOW, locked: [] });
  assert.equal(again.scope, 'here');
  assert.equal(loaded({ cwd: '/elsewhere' }).scope, 'all', 'the manager shows every directory');
});

test('↑ in the search box walks the earlier queries while it is empty or shows one; Enter keeps a query for next time', () => {
  let [s, fx] = run(loaded(), key('/'), key('z', 'z'), key('e', 'e'), key('enter'));
  assert.deepEqual([s.history, fx], [['ze'], [{ type: 'remember', query: 'ze' }]]);
  s = { ...s, history: ['ze', 'older', 'oldest'] };
  [s] = run(s, key('escape'), key('/'), key('up'));
  assert.deepEqual([s.query, s.historyAt], ['ze', 0]);
  [s, fx] = run(s, key('up'), key('up'));
  assert.deepEqual([s.query, fx], ['oldest', [{ type: 'search', query: 'oldest' }]]);
  [s] = run(s, key('up'));
  assert.equal(s.message, 'no earlier query');
  [s] = run(s, key('down'), key('down'), key('down'));
  assert.deepEqual([s.query, s.historyAt], ['', null], 'back past the newest: the empty box');
  // Typing ends the walk: ↑ moves the list again.
  [s] = run(s, key('up'), key('x', 'x'));
  assert.equal(s.historyAt, null);
  const before = { ...s, rows: s.rows, selected: 1 };
  assert.equal(run(before, key('up'))[0].selected, 0);
});

test('y copies the id, Y the command that resumes it (quoted, in its work dir); v opens the pager; the marked total shows', async () => {
  const odd = session('odd', { workDir: "/w/it's here" });
  const s = update(initialState({ cwd: '/w/a', picker: false, width: 100, height: 30, color: false, now: NOW }), { type: 'loaded', sessions: [odd], now: NOW, locked: [] })[0];
  assert.deepEqual(run(s, key('y'))[1], [{ type: 'copy', text: 'odd', what: 'the id of kimi-code:odd' }]);
  assert.deepEqual(run(s, key('S-y'))[1], [{ type: 'copy', text: `cd -- '/w/it'\\''s here' && kimi --session odd`, what: 'the command that resumes it' }]);
  assert.deepEqual(run(s, key('v'))[1], [{ type: 'pager', session: odd }]);
  // The status bar counts what is marked and its total size.
  const { statusLine } = await import('../src/tui/views/text.js');
  const marked = run(s, key('space'))[0];
  assert.equal(marked.marked.size, 1);
  assert.match(statusLine(marked), /1 marked \(100 B\)/);
});

test('results for the query already on screen, arriving again (twice while the index was built), leave the selection and the match alone', () => {
  let [s] = run(loaded(), key('/'), key('z', 'z'));
  const target = SESSIONS[3]!;
  const matches = [2, 9].map((messageIndex) => ({ messageIndex, role: 'assistant', snippet: 'zeta', ranges: [[0, 4]] as Array<[number, number]> }));
  const rows = [{ session: SESSIONS[0]!, matches: [] }, { session: target, matches }];
  [s] = run(s, { type: 'results', query: 'z', rows });
  const transcript: Transcript = { session: target, messages: Array.from({ length: 12 }, (_, i) => ({ role: 'assistant' as const, text: i === 2 || i === 9 ? 'zeta' : `m${i}`, time: null })) };
  [s] = run(s, key('down'), { type: 'preview', key: keyOf(target), transcript }, key('enter'), key('tab'), key('n'));
  assert.deepEqual([s.selected, s.preview.match], [1, 1]);
  let fx: Effect[];
  [s, fx] = run(s, { type: 'results', query: 'z', rows });
  assert.deepEqual([s.selected, s.preview.match, s.preview.transcript, fx], [1, 1, transcript, []], 'nothing moved, nothing read again');
});
