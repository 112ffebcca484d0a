// The actions on a copy of the demo home: every session of all four layouts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDeleteAndRestore, checkEverySession, demoHome, HomeRunner } from './action-suite.js';

test('rm of every session in one batch, then restore --last: byte-identical files, identical rows', async (t) => {
  await checkDeleteAndRestore(new HomeRunner(demoHome(t)));
});

test('rename, fork, fork --at-turn, export/import (json, zip), compact and its restore on every demo session', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const sources = new Set((await h.list()).map((s) => s.source));
  assert.equal(sources.size, 4);
  const n = await checkEverySession(h);
  assert.ok(n >= 15, `only ${n} sessions checked`);
});
