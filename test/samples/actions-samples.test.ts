// Every action on every session made of ../shared/samples (files the agents'
// own test suites wrote), read back with the project's readers.
import assert from 'node:assert/strict';
import { test } from '../harness.js';
import { checkDeleteAndRestore, checkEverySession, HomeRunner } from '../action-suite.js';
import { buildHome } from './samples-home.js';

test('samples: rm of every session in one batch, then restore --last, byte-identical', async (t) => {
  await checkDeleteAndRestore(new HomeRunner(buildHome(t)));
});

test('samples: rename, fork, cut fork, export/import, compact and restore on every session of every layout', async (t) => {
  const h = new HomeRunner(buildHome(t));
  const listed = await h.list();
  assert.deepEqual(new Set(listed.map((s) => s.source)), new Set(['kimi-code', 'kimi-cli', 'kiro-sqlite', 'kiro-files']));
  const n = await checkEverySession(h);
  assert.equal(n, listed.length, 'every sample session was exercised');
});
