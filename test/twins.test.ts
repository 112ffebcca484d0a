// Twins (issue 16, defect 10): a Kimi CLI session and the Kimi Code copy
// `kimi migrate` made of it. Rename, delete and compact of one say so and
// offer to act on both; `kimi -S` shows the copy, so a rename of the
// original alone would not show there.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from './harness.js';
import { HomeRunner } from './action-suite.js';
import { runAnswering, tempDir } from './helpers.js';
import { openManager } from './tui-helpers.js';
import { writeKimiCliSession, writeKimiCodeSession, type Conversation } from '../fixtures/layouts.js';

const ID = '8b51d1eb-210b-4f64-8fef-135dafdefc06';
const conv = (id: string): Conversation => ({ id, workDir: '/w/data', title: 'Parquet schema', startMs: Date.now() - 86_400_000, turns: [{ prompt: 'parquet?', answer: 'yes' }] });

function twins(t: TestContext): HomeRunner {
  const home = tempDir(t);
  writeKimiCliSession(join(home, '.kimi'), conv(ID));
  writeKimiCodeSession(join(home, '.kimi-code'), conv(`ses_${ID}`));
  return new HomeRunner(home);
}

const titles = async (h: HomeRunner): Promise<Record<string, string>> => Object.fromEntries((await h.list()).map((s) => [s.source, s.title]));

test('CLI: a rename says the twin keeps its old title; --both renames both; on a terminal it asks', async (t) => {
  const h = twins(t);
  const r = await h.run(['rename', `kimi-cli:${ID}`, 'Event schema']);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, `sessions: note: kimi-cli:${ID} has its Kimi Code copy kimi-code:ses_${ID} (made by kimi migrate), which keeps its old title (--both renames it too)\n`);
  assert.deepEqual(await titles(h), { 'kimi-cli': 'Event schema', 'kimi-code': 'Parquet schema' });
  const both = await h.run(['rename', `kimi-cli:${ID}`, 'Events v2', '--both']);
  assert.match(both.stdout, /Renamed its Kimi Code copy kimi-code:ses_8b51\S+ \(made by kimi migrate\) too/);
  assert.deepEqual(await titles(h), { 'kimi-cli': 'Events v2', 'kimi-code': 'Events v2' });
  const { code, asked } = await runAnswering(['rename', `kimi-cli:${ID}`, 'Asked'], h.home, [true]);
  assert.equal(code, 0);
  assert.match(asked[0]!, /has its Kimi Code copy .* Rename it too\?$/);
  assert.deepEqual(await titles(h), { 'kimi-cli': 'Asked', 'kimi-code': 'Asked' });
});

test('CLI: rm --both moves both in one batch, and one restore brings both back', async (t) => {
  const h = twins(t);
  const alone = await h.run(['rm', `kimi-cli:${ID}`, '--dry-run']);
  assert.match(alone.stderr, /which stays \(--both deletes it too\)/);
  await h.ok(['rm', `kimi-cli:${ID}`, '--both']);
  assert.deepEqual(await h.list(), []);
  await h.ok(['restore', '--last']);
  assert.equal((await h.list()).length, 2);
});

test('manager: the rename dialog names the twin and takes both by default; Tab leaves it out', async (t) => {
  const h0 = twins(t);
  const h = await openManager(t, h0.home, { width: 120 });
  const row = h.app.state().rows.findIndex((r) => r.session.source === 'kimi-cli');
  for (let i = 0; i < row; i++) h.press('j');
  h.press('r');
  await h.waitFor((text) => text.includes('[x] also its Kimi Code copy'), 'the twin named, checked');
  h.press('\x15', ...'Both of them'.split(''), 'enter');
  await h.waitFor((text) => text.includes('(its twin too)'), 'the rename of both');
  assert.deepEqual(await titles(h0), { 'kimi-cli': 'Both of them', 'kimi-code': 'Both of them' });
  await h.waitFor((_, s) => s.sessions.every((x) => x.title === 'Both of them'), 'the list reloaded');
  const at = h.app.state().rows.findIndex((r) => r.session.source === 'kimi-cli');
  h.press('g');
  for (let i = 0; i < at; i++) h.press('j');
  h.press('r', '\t');
  await h.waitFor((text) => text.includes('[ ] also its Kimi Code copy'), 'unchecked');
  h.press('\x15', ...'Only one'.split(''), 'enter');
  await h.waitFor((text) => text.includes('renamed to "Only one"'), 'the rename of one');
  assert.deepEqual(await titles(h0), { 'kimi-cli': 'Only one', 'kimi-code': 'Both of them' });
});
