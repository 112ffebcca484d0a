import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from './harness.js';
import { generateDemoHome } from '../fixtures/generate.js';
import { hashTree, holdKiroLocks, listJson, REPO, tempDir } from './helpers.js';
import { SOURCE_KINDS } from '../src/model.js';

test('the committed demo home is exactly what the generator writes', (t) => {
  const fresh = tempDir(t);
  generateDemoHome(fresh);
  assert.deepEqual(hashTree(join(REPO, 'fixtures', 'demo-home')), hashTree(fresh), 'run `npm run fixtures` and commit the result');
});

test('the demo home holds every layout, several work dirs, forks, a compaction, CJK, long, empty and locked sessions', async (t) => {
  const home = tempDir(t);
  generateDemoHome(home);
  // The demo's lock names a pid of the machine it was made on: live here only when a kiro process holds it.
  holdKiroLocks(home);
  const { sessions } = await listJson(home, ['--home', home]);
  const kinds = new Set(sessions.map((s) => s.source));
  assert.deepEqual([...kinds].sort(), [...SOURCE_KINDS].sort());
  assert.ok(new Set(sessions.map((s) => s.workDir)).size >= 4);
  assert.ok(sessions.some((s) => s.forkedFrom !== null), 'a fork');
  assert.ok(sessions.some((s) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(s.title)), 'CJK');
  assert.ok(sessions.some((s) => /\p{Extended_Pictographic}/u.test(s.title)), 'emoji');
  assert.ok(sessions.some((s) => s.turns >= 100), 'a long session');
  assert.ok(sessions.some((s) => s.turns === 0), 'an empty session');
  assert.ok(sessions.some((s) => s.archived), 'an archived session');
  assert.ok(sessions.some((s) => s.inUse && s.source === 'kiro-files'), 'a Kiro session open in the agent');
});
