// Export never replaces a file without being told, and `~` is the home in
// the CLI and the manager alike (issue 16, defect 7).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from './harness.js';
import { demoHome, HomeRunner } from './action-suite.js';
import { openManager } from './tui-helpers.js';
import { typedPath } from '../src/services/export-file.js';

const ID = 'kimi-code:session_ab9e';

test('a typed path: ~ is the home, the rest is from the current directory', () => {
  assert.equal(typedPath('~/s.md', '/w', '/home/u'), '/home/u/s.md');
  assert.equal(typedPath('~', '/w', '/home/u'), '/home/u');
  assert.equal(typedPath(' out/s.md ', '/w', '/home/u'), '/w/out/s.md');
  assert.equal(typedPath('~other/s.md', '/w', '/home/u'), '/w/~other/s.md', 'another user\'s home is not guessed');
});

test('CLI export: an existing file is refused without --force, the format follows the name, ~ is the home', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const file = join(h.home, 'f.html');
  writeFileSync(file, 'mine');
  const r = await h.run(['export', ID, '-o', file]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `sessions: ${file} exists already; nothing written (--force replaces it)\n`);
  assert.equal(readFileSync(file, 'utf8'), 'mine', 'not a byte of it changed');
  await h.ok(['export', ID, '-o', file, '--force']);
  assert.match(readFileSync(file, 'utf8'), /^<!doctype html>/, 'HTML, as the name says');
  // --output=~/x reaches us unexpanded (the shell expands only a word that starts with ~).
  await h.ok(['export', ID, '--output=~/from-tilde.md']);
  assert.ok(existsSync(join(h.home, 'from-tilde.md')), 'in the home');
  assert.ok(!existsSync(join(h.home, '~')), 'no folder named ~');
  // Several into a folder: one file there already and nothing is written.
  const dir = join(h.home, 'out');
  await h.ok(['export', ID, 'kimi-code:session_0713', '-o', dir]);
  const again = await h.run(['export', ID, 'kimi-code:session_0713', '-o', dir]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /exists already; nothing written/);
});

test('manager export: ~ is the home; a file that exists is replaced only after a second Enter', async (t) => {
  const home = demoHome(t);
  const h = await openManager(t, home, { width: 120 });
  h.press('/', ...'title:rounding -fork'.split(''), 'enter');
  await h.waitFor((_, s) => s.results?.length === 1, 'the session');
  const file = join(home, 'taken.md');
  writeFileSync(file, 'mine');
  h.press('e', '\x15', ...file.split(''), 'enter');
  await h.waitFor((_, s) => s.dialog?.replacing === file, 'the question');
  await h.waitFor((text) => text.includes('exists already'), 'the question on screen');
  assert.equal(readFileSync(file, 'utf8'), 'mine');
  h.press('enter');
  await h.waitFor((text) => text.includes(`exported`), 'the export');
  assert.match(readFileSync(file, 'utf8'), /Fix checkout rounding/);
  // ~ in the dialog: the home, not a folder named ~ under the current one.
  h.press('e', '\x15', ...'~/tilde.md'.split(''), 'enter');
  await h.waitFor((text) => text.includes(`to ${join(home, 'tilde.md')}`), 'the export to the home');
  assert.ok(!existsSync(join(home, '~')), 'no folder named ~');
});
