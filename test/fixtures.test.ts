import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from './harness.js';
import { generateDemoHome } from '../fixtures/generate.js';
import { hashTree, holdKiroLocks, listJson, REPO, runInProcess, tempDir } from './helpers.js';
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

test("the README's examples name sessions the demo home has: each id in them resolves to one session", async (t) => {
  const { readFileSync, cpSync } = await import('node:fs');
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const use = readme.slice(readme.indexOf('## Use'), readme.indexOf('### What `list --json` prints'));
  const ids = new Set<string>();
  for (const m of use.matchAll(/^sessions (?:show|rename|fork|rm|compact|export) ((?:[\w-]+:)?[\w-]+(?: (?:[\w-]+:)?[\w-]+)*)/gm)) {
    // An id has a digit; `source:id` names a layout first (a query word such as older:90d does not).
    for (const word of m[1]!.split(' ')) {
      const [before, after] = word.split(':');
      if (!word.startsWith('-') && /\d/.test(word) && (after === undefined || (SOURCE_KINDS as readonly string[]).includes(before!))) ids.add(word);
    }
  }
  assert.ok(ids.size >= 5, `ids found in the examples: ${[...ids].join(', ')}`);
  const home = tempDir(t);
  cpSync(join(REPO, 'fixtures', 'demo-home'), home, { recursive: true });
  for (const id of ids) {
    const r = await runInProcess(['show', id, '--json', '--no-cache', '--home', home], {}, home);
    assert.equal(r.code, 0, `sessions show ${id}: ${r.stderr}`);
  }
});
