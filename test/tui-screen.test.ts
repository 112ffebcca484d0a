// The manager's screens, headless: a neo-blessed screen on fake TTY streams
// over a copy of the demo home, read back as text.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from './harness.js';
import { demoHome } from './action-suite.js';
import { headless, openManager } from './tui-helpers.js';
import { displayWidth } from '../src/format/width.js';
import { insertKiroConversation, openKiroDb, type Turn, writeKimiCodeSession } from '../fixtures/layouts.js';
import type { State } from '../src/tui/state.js';
import { tempDir } from './helpers.js';

test('first paint lists every session; typing a query finds the session and highlights the words', async (t) => {
  const h = await openManager(t, demoHome(t));
  assert.match(h.text(), /^\/ type \/ to search every message/);
  assert.match(h.lines()[1]!, /AGENT +TITLE/);
  assert.match(h.text(), /\[all\] sort:updated {2}1\/28 of 28/);
  h.press('/', 'r', 'o', 'u', 'n', 'd', 'i', 'n', 'g');
  await h.waitFor((_, s) => s.results !== null && s.preview.transcript !== null, 'results and a preview');
  const rows = h.lines().slice(2, 4);
  assert.match(rows[0]!, /^› kimi-code +Fix checkout rounding/);
  assert.match(rows[1]!, /Fork: Fix checkout rounding/);
  assert.match(h.text(), /sort:relevance {2}1\/2 of 28/);
  assert.equal(h.app.state().dialog, null, 'typing d in the search box did not open the delete dialog');
  h.press('enter');
  h.press('?');
  await h.waitFor((text) => /│ List +│/.test(text) && /\(lines 1-\d+ of/.test(text), 'the key overlay');
  // The delete key is listed on a page of it.
  for (let i = 0; i < 5 && !/d, Del +delete \(to the trash\)/.test(h.text()); i++) {
    h.press('\x1b[6~');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(h.text(), /d, Del +delete \(to the trash\)/);
});

test('delete and undo from the list: the dialog shows what will happen, y moves it to the trash, u brings it back', async (t) => {
  const home = demoHome(t);
  const h = await openManager(t, home);
  const first = h.app.state().rows[0]!.session;
  const count = h.app.state().sessions.length;
  // The first row is a locked Kiro session: the dialog names the risk before anything runs.
  assert.ok(first.inUse, 'the first row is in use');
  h.press('d');
  await h.waitFor((text) => text.includes('Delete (to the trash; u undoes)'), 'the delete dialog');
  // The box wraps the message where the width falls: the words are looked for across lines.
  const shown = (words: string) => (text: string) => text.replace(/\s*│\n\s*\S?│\s*/g, ' ').includes(words);
  await h.waitFor(shown('In use: its agent has it locked.'), 'the risk named');
  assert.ok(shown('⏎ delete anyway')(h.text()), 'the way through');
  h.press('escape');
  assert.equal(h.app.state().sessions.length, count);
  h.press('c');
  await h.waitFor((_, s) => s.dialog?.kind === 'compact', 'the compact dialog');
  await h.waitFor(shown('⏎ compact anyway'), 'the risk of compacting named');
  h.press('n');
  assert.equal(h.app.state().dialog, null);
  // The next one can be deleted.
  h.press('j');
  const target = h.app.state().rows[1]!.session;
  assert.notEqual(target.id, first.id);
  h.press('d');
  await h.waitFor((text) => text.includes('Delete (to the trash; u undoes)'), 'the delete dialog');
  assert.ok(h.text().includes(`${target.source}:${target.id}`));
  h.press('y');
  await h.waitFor((_, s) => s.dialog === null && s.sessions.length === count - 1, 'the delete');
  assert.match(h.text(), /1 moved to the trash/);
  h.press('x', 'u');
  await h.waitFor((_, s) => s.sessions.length === count, 'the undo');
  assert.ok(h.app.state().sessions.some((s) => s.id === target.id));
});

test('too small a terminal says so instead of drawing; NO_COLOR writes no colour', async (t) => {
  const home = demoHome(t);
  const small = headless(home, { width: 50, height: 12 });
  t.after(() => small.close());
  await small.waitFor((text) => text.includes('Terminal too small (50x12)'), 'the too-small message');
  const plain = await openManager(t, home, { color: false });
  assert.ok(!/\x1b\[(3|9)\dm/.test(plain.written()), 'a foreground colour was written under NO_COLOR');
  const colored = await openManager(t, home, { color: true });
  assert.ok(/\x1b\[(3|9)\dm/.test(colored.written()), 'colours are used otherwise');
});

test('wide CJK and emoji titles line up: every row puts the ACTIVE column at the same display column', async (t) => {
  const h = await openManager(t, demoHome(t), { width: 140 });
  const header = h.lines()[1]!;
  const col = displayWidth(header.slice(0, header.indexOf('ACTIVE')));
  const rows = h.lines().slice(2, 20).filter((l) => / ago /.test(l));
  assert.ok(rows.some((l) => /[\u3040-\u9fff]/.test(l)), 'a CJK title is on screen');
  assert.ok(rows.some((l) => /\p{Extended_Pictographic}/u.test(l)), 'an emoji title is on screen');
  for (const l of rows) {
    const at = l.search(/\d+(s|min|h|d|mo|y) ago/);
    assert.equal(displayWidth(l.slice(0, at)), col, `misaligned: ${l}`);
  }
});

test('the picker starts in this directory; a key widens it to all', async (t) => {
  const home = demoHome(t);
  const h = await openManager(t, home, { picker: true, runsAgent: true, cwd: '/home/demo/projects/webshop' });
  const here = h.app.state().rows.length;
  assert.ok(here > 0 && h.app.state().rows.every((r) => r.session.workDir === '/home/demo/projects/webshop'));
  assert.match(h.text(), /\[here\]/);
  assert.ok(!h.text().includes('d delete'), 'no actions offered in the picker');
  h.press('a');
  await h.waitFor((_, s) => s.scope === 'all', 'all directories');
  assert.ok(h.app.state().rows.length > here);
  h.press('enter');
  // The demo's work dirs are not on this machine: the picker says so and offers this directory.
  await h.waitFor((text) => text.includes('no longer exists') && text.includes('⏎ resume here'), 'the question about the work dir');
  h.press('enter');
  const r = await h.app.done;
  assert.deepEqual([r.code, r.here], [0, true]);
  assert.equal(r.chosen?.id, h.app.state().rows[0]!.session.id);
});

test('with a summary cache, the very first frame already lists the sessions (checked by the scan right after)', async (t) => {
  const home = demoHome(t);
  const { runInProcess, testEnv } = await import('./helpers.js');
  assert.equal((await runInProcess(['list', '--json'], testEnv(home))).code, 0, 'the list run fills the cache');
  const h = await openManager(t, home, { cacheDir: join(home, '.cache', 'sessions') });
  assert.equal(h.frames()[0], 28, 'the first frame lists the cached sessions');
  // Without a cache, the first frame is empty and the list follows.
  const cold = await openManager(t, demoHome(t));
  assert.equal(cold.frames()[0], 0);
});

test('the cleanup pane: filters mark the sessions and show the total; one Enter moves them to the trash as one batch', async (t) => {
  const home = demoHome(t);
  const h = await openManager(t, home, { width: 120 });
  h.press('C');
  await h.waitFor((text) => text.includes('Clean up (to the trash as one batch; u undoes)'), 'the pane');
  h.press('\x15'); // C-u: clear the default filter
  for (const ch of 'empty') h.press(ch);
  await h.waitFor((text) => /2 sessions, [\d.]+ KB/.test(text), 'the plan');
  assert.equal(h.app.state().marked.size, 2);
  assert.match(h.text(), /●/);
  const before = h.app.state().sessions.length;
  h.press('enter');
  await h.waitFor((_, s) => s.sessions.length === before - 2, 'the clean');
  const { runInProcess, testEnv } = await import('./helpers.js');
  const trash = JSON.parse((await runInProcess(['trash', '--json'], testEnv(home))).stdout) as Array<{ action: string; items: unknown[] }>;
  assert.deepEqual([trash[0]!.action, trash[0]!.items.length], ['clean', 2]);
});

test('the mouse: the wheel moves through the list, a click selects a row', async (t) => {
  const h = await openManager(t, demoHome(t));
  // SGR mouse reports: wheel down (65) and a left press (0) at column 10, screen line 6 (1-based).
  h.press('\x1b[<65;10;6M');
  await h.waitFor((_, s) => s.selected === 3, 'the wheel');
  h.press('\x1b[<0;10;6M', '\x1b[<0;10;6m');
  await h.waitFor((_, s) => s.selected === 3 && s.mode === 'list', 'the click');
  h.press('\x1b[<0;10;8M', '\x1b[<0;10;8m');
  await h.waitFor((_, s) => s.selected === 5, 'a click two rows lower');
});

test('rename, fork and export from their dialogs, through the same action layer as the CLI', async (t) => {
  const home = demoHome(t);
  const h = await openManager(t, home, { width: 120 });
  // The kimi-code session "Fix checkout rounding" has 4 turns.
  h.press('/');
  for (const ch of 'title:rounding -fork') h.press(ch);
  await h.waitFor((_, s) => s.results?.length === 1, 'one result');
  h.press('enter', 'r', '\x15');
  for (const ch of 'Cents fix') h.press(ch);
  h.press('enter');
  await h.waitFor((text) => text.includes('renamed to "Cents fix"'), 'the rename');
  // The query named the old title: the renamed session has left its results at once.
  await h.waitFor((_, s) => s.results?.length === 0, 'no result for the old title');
  h.press('escape', '/', ...'title:cents -fork'.split(''), 'enter');
  await h.waitFor((_, s) => s.results?.length === 1, 'the new title found');
  h.press('f', '2', 'enter');
  await h.waitFor((text) => /forked as session_\S+ \(turns 1–2\)/.test(text), 'the fork');
  const file = `${home}/out.html`;
  h.press('e', '\x15');
  for (const ch of file) h.press(ch);
  h.press('enter');
  await h.waitFor((text) => text.includes(`to ${file}`), 'the export');
  const { readFileSync } = await import('node:fs');
  assert.match(readFileSync(file, 'utf8'), /^<!doctype html>[\s\S]*Cents fix/);
  const { listJson } = await import('./helpers.js');
  const sessions = (await listJson(home)).sessions;
  assert.ok(sessions.some((s) => s.title === 'Cents fix'));
  assert.ok(sessions.some((s) => s.title === 'Fork: Cents fix' && s.turns === 2));
});

test('no silent cap: a query matching over 500 sessions lists and counts them all', async (t) => {
  const home = tempDir(t);
  const db = openKiroDb(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  const start = Date.now() - 86_400_000;
  db.transaction(() => {
    for (let i = 0; i < 620; i++) {
      const word = i < 560 ? 'zeppelin' : 'balloon';
      insertKiroConversation(db, { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, workDir: `/w/p${i}`, startMs: start + i * 1000, turns: [{ prompt: `talk about the ${word} number ${i}`, answer: 'ok' }] });
    }
  })();
  db.close();
  const h = await openManager(t, home, { height: 20 });
  h.press('/', ...'zeppelin');
  await h.waitFor((_, s) => s.results !== null && s.query === 'zeppelin' && s.rows.length > 0, 'results');
  assert.match(h.text(), /1\/560 of 620/);
});

test('a long session opens around its match: only that window is read, n reads around a match outside it, o reads it all', async (t) => {
  const home = tempDir(t);
  const filler = (i: number): Turn => ({ prompt: `step ${i} of the plan`, tools: [{ name: 'Bash', args: { command: 'ls' }, output: 'a.txt' }], answer: `noted ${i} ${'filler text '.repeat(12)}` });
  // Four messages a turn: the needles are the answers of turns 1500 and 2900, far apart.
  const turns = Array.from({ length: 3000 }, (_, i) => (i === 1500 || i === 2900 ? { ...filler(i), answer: `the zeppelin number ${i}` } : filler(i)));
  writeKimiCodeSession(join(home, '.kimi-code'), { id: 'session_long', workDir: '/w/a', startMs: Date.now() - 86_400_000, turns, noiseBytes: 0 });
  const h = await openManager(t, home, { windowBytes: 0, height: 24 });
  h.press('/', ...'zeppelin');
  const windowAround = (at: number) => (_: string, s: State) => {
    const w = s.preview.transcript?.window;
    return s.results !== null && w !== undefined && w.first > 0 && w.first <= at && at < w.first + s.preview.transcript!.messages.length;
  };
  await h.waitFor(windowAround(1500 * 4 + 3), 'a window around the first match');
  const first = h.app.state().preview.transcript!;
  assert.ok(first.messages.length < 3000 * 4 / 2, `a window, not the session (${first.messages.length} messages)`);
  assert.equal(first.messages[1500 * 4 + 3 - first.window!.first]!.text, 'the zeppelin number 1500');
  await h.waitFor((text) => /zeppelin number 1500/.test(text), 'the match on screen');
  // At the top of the window, a line says what was left out.
  h.press('enter', 'tab', 'g');
  await h.waitFor((text) => new RegExp(`│ … o reads ${first.window!.first.toLocaleString('en-US')} earlier messages`).test(text), 'the note of what was not read');
  h.press('n');
  await h.waitFor(windowAround(2900 * 4 + 3), 'a window around the second match');
  await h.waitFor((text) => /zeppelin number 2900/.test(text), 'the second match on screen');
  h.press('o');
  await h.waitFor((_, s) => s.preview.transcript?.window === undefined && s.preview.transcript!.messages.length === 3000 * 4, 'the whole session');
  await h.waitFor((text) => /zeppelin number 2900/.test(text) && !/o reads/.test(text), 'still at the match, all of it read');
});

test('an action a layout leaves off says why in a box and asks nothing; delete still works for every layout', async (t) => {
  const home = demoHome(t);
  const h = await openManager(t, home, { width: 160 });
  h.press('/');
  for (const ch of 'agent:claude terraform') h.press(ch);
  await h.waitFor((_, s) => s.results?.length === 1, 'the Claude Code session');
  const closed = (): Promise<void> => h.waitFor((_, s) => s.mode === 'list', 'the box closed');
  h.press('enter', 'r');
  await h.waitFor((text) => text.includes('Cannot rename this session here.') && text.includes('Claude Code: use /rename in Claude Code'), 'the reason');
  assert.equal(h.app.state().dialog?.stage, 'done', 'nothing to confirm');
  h.press('x');
  await closed();
  h.press('c');
  await h.waitFor((text) => text.includes('Cannot compact this session here.') && text.includes('use /compact in Claude Code'), 'the reason for compact');
  h.press('x');
  await closed();
  h.press('f');
  await h.waitFor((text) => text.includes('Cannot fork this session here.'), 'the reason for fork');
  h.press('x');
  await closed();
  h.press('d');
  await h.waitFor((_, s) => s.mode === 'dialog' && s.dialog?.kind === 'delete', 'the delete dialog');
});

test('with a query active, a delete takes the row away at once, a rename shows the new title, a compact the new preview', async (t) => {
  const home = demoHome(t);
  const h = await openManager(t, home, { width: 120 });
  h.press('/', ...'deploy'.split(''), 'enter');
  await h.waitFor((_, s) => s.results?.length === 1 && s.preview.transcript !== null, 'the one result');
  assert.match(h.lines()[2]!, /Deploy the webshop to/);
  h.press('d', 'y');
  await h.waitFor((text) => text.includes('1 moved to the trash'), 'the delete');
  await h.waitFor((text, s) => s.rows.length === 0 && text.includes('no session matches'), 'the row gone');
  assert.doesNotMatch(h.text(), /Deploy the webshop/, 'neither the row nor its preview is left');
  h.press('d');
  assert.equal(h.app.state().dialog, null, 'nothing left to delete: no dialog about a session that is gone');
  // A rename with the query active: the row shows the new title, and so does the preview.
  h.press('escape', '/', ...'parquet'.split(''), 'enter');
  await h.waitFor((_, s) => s.results?.length === 1 && s.preview.transcript !== null, 'the parquet session');
  h.press('r', '\x15', ...'Event schema'.split(''), 'enter');
  await h.waitFor((text) => /› kimi-cli +Event schema/.test(text), 'the new title in the row');
  await h.waitFor((_, s) => s.preview.transcript?.session.title === 'Event schema', 'the new title in the preview');
  // Compact: the preview shows the summary, not the old turns.
  h.press('escape', '/', ...'title:rounding -fork'.split(''), 'enter');
  await h.waitFor((_, s) => s.results?.length === 1 && s.preview.transcript !== null, 'the rounding session');
  h.press('c', 'y');
  await h.waitFor((text) => text.includes('compacted'), 'the compaction');
  await h.waitFor((_, s) => s.preview.transcript?.messages.some((m) => m.role === 'summary') === true, 'the summary in the preview');
});

test('a cache folder that cannot be made: the manager says so in the status bar and still searches', async (t) => {
  const home = demoHome(t);
  const { writeFileSync } = await import('node:fs');
  const blocked = join(home, 'not-a-folder');
  writeFileSync(blocked, 'a file where the cache folder should be');
  const h = await openManager(t, home, { width: 120, cacheDir: join(blocked, 'sessions') });
  await h.waitFor((text) => /the search index cannot be kept/.test(text), 'the notice');
  h.press('/', ...'parquet'.split(''));
  await h.waitFor((_, s) => s.results?.length === 1, 'a search without the saved index');
  assert.match(h.lines()[2]!, /Parquet schema for events/);
});

test('the ? overlay fits at 80x24 and scrolls; no label is cut', async (t) => {
  const h = await openManager(t, demoHome(t), { width: 80, height: 24 });
  h.press('?');
  await h.waitFor((text) => /\(lines 1-\d+ of \d+;/.test(text), 'the first page');
  const lines = h.lines();
  assert.equal(lines.length, 24);
  assert.ok(lines.some((l) => /^\s*\S└─+┘/.test(l) || /└─+┘/.test(l)), 'its bottom border is on screen');
  assert.ok(lines.every((l) => displayWidth(l) <= 80), 'nothing runs off the right');
  const total = Number(/of (\d+);/.exec(h.text())![1]);
  h.press('\x1b[6~', '\x1b[6~', '\x1b[6~', '\x1b[6~', '\x1b[6~', '\x1b[6~');
  await h.waitFor((text) => new RegExp(`lines \\d+-${total} of ${total}`).test(text), 'the last page');
  // Every label is there whole, across the pages.
  assert.match(h.text(), /Typing in the search box never runs an action/);
  h.press('x');
  await h.waitFor((_, s) => s.mode === 'list', 'closed');
});

test('the cleanup pane sits beside the list: the rows it marks stay in view', async (t) => {
  const h = await openManager(t, demoHome(t), { width: 80, height: 24 });
  h.press('C');
  await h.waitFor((text, s) => s.dialog?.kind === 'clean' && /\d+ sessions?, /.test(text), 'the plan');
  const s = h.app.state();
  const marked = s.rows.filter((r) => s.marked.has(`${r.session.source}:${r.session.id}`));
  assert.ok(marked.length > 0);
  const listSide = h.lines().slice(2, 23).map((l) => l.slice(0, 44));
  assert.ok(listSide.some((l) => l.startsWith('›●')), 'a marked row, selected, is on screen');
  // The pane is right of the divider: the list's column of titles is still there on every row.
  assert.ok(listSide.filter((l) => /^[ ›][ ●](kimi|kiro|codex|claude)/.test(l)).length >= 15, 'the rows are not covered');
});

test('a query that cannot run says why where the rows would be; a query kept with Enter comes back with ↑ in the next run', async (t) => {
  const home = demoHome(t);
  const h = await openManager(t, home, { width: 100 });
  h.press('/', ...'after:20'.split(''));
  await h.waitFor((text) => /after:/.test(text.split('\n')[2] ?? '') && !/no session matches/.test(text), 'the reason in place of the rows');
  h.press('\x15', ...'parquet'.split(''), 'enter');
  await h.waitFor((_, s) => s.results?.length === 1 && s.mode === 'list', 'the result');
  h.close();
  // The next run, in the same home: ↑ in an empty search box brings it back.
  const again = await openManager(t, home, { width: 100 });
  again.press('/', '\x1b[A');
  await again.waitFor((_, s) => s.query === 'parquet' && s.results?.length === 1, 'the earlier query, run again');
});
