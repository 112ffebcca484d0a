// Tests that guard the guards (issue 14): each fails when the safety check it
// names is removed. A tampered trash entry is refused; deleting one Kiro row
// touches no other row.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from './harness.js';
import Database from 'better-sqlite3';
import { type Conversation, insertKiroConversation, openKiroDb, writeKimiCodeSession } from '../fixtures/layouts.js';
import { HomeRunner } from './action-suite.js';
import { tempDir } from './helpers.js';

const DAY = 86_400_000;
const T = Date.now() - 10 * DAY;
const conv = (id: string, workDir: string, prompt: string): Conversation => ({ id, workDir, startMs: T, turns: [{ prompt, answer: 'ok' }] });

/** Every file under a folder (recursively), as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

function trashRoot(home: string, trashId: string): string {
  return join(home, '.local', 'share', 'sessions', 'trash', trashId);
}

test('a trash entry whose file bytes were changed is refused on restore, and the entry stays as it was', async (t) => {
  const home = tempDir(t);
  const dir = writeKimiCodeSession(join(home, '.kimi-code'), { ...conv('session_tampered', '/w/a', 'the original words'), id: 'session_tampered' });
  const h = new HomeRunner(home);
  const { trashId } = await h.json<{ trashId: string }>(['rm', 'kimi-code:session_tampered']);
  const root = trashRoot(home, trashId);
  const wire = filesUnder(root).find((p) => p.endsWith('wire.jsonl'))!;
  writeFileSync(join(root, wire), readFileSync(join(root, wire), 'utf8').replace('the original words', 'the changed words!'));
  const r = await h.run(['restore', trashId]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /bytes differ from when it was deleted/);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  // Not restored: the session is not back, and the trash still holds it (tampered bytes and all).
  assert.deepEqual((await h.list()).map((s) => s.id), []);
  assert.ok(readFileSync(join(root, wire), 'utf8').includes('the changed words!'));
  assert.equal((await h.json<unknown[]>(['trash'])).length, 1);
  void dir;
});

test('a trash entry whose Kiro row was changed is refused on restore; the database gets no row', async (t) => {
  const home = tempDir(t);
  const dbPath = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  const db = openKiroDb(dbPath);
  insertKiroConversation(db, conv('00000000-0000-4000-8000-000000000001', '/w/a', 'the original words'));
  db.close();
  const h = new HomeRunner(home);
  const { trashId } = await h.json<{ trashId: string }>(['rm', 'kiro-sqlite:00000000-0000-4000-8000-000000000001']);
  const root = trashRoot(home, trashId);
  const stored = filesUnder(root).find((p) => p !== 'manifest.json' && p.endsWith('.json'))!;
  const row = JSON.parse(readFileSync(join(root, stored), 'utf8')) as { value: string };
  writeFileSync(join(root, stored), JSON.stringify({ ...row, value: row.value.replace('the original words', 'the changed words!') }));
  const r = await h.run(['restore', trashId]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /is damaged; not restoring it/);
  const check = new Database(dbPath, { readonly: true });
  assert.equal(check.prepare('SELECT count(*) FROM conversations_v2').pluck().get(), 0);
  check.close();
  assert.equal((await h.json<unknown[]>(['trash'])).length, 1);
});

test('deleting one Kiro row leaves every other row of the same work dir byte-identical', async (t) => {
  const home = tempDir(t);
  const dbPath = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  const db = openKiroDb(dbPath);
  const ids = [1, 2, 3].map((i) => `00000000-0000-4000-8000-00000000000${i}`);
  for (const id of ids) insertKiroConversation(db, conv(id, '/w/same', `talk ${id}`));
  insertKiroConversation(db, conv('00000000-0000-4000-8000-000000000009', '/w/other', 'elsewhere'));
  db.close();
  const rows = (): Map<string, string> => {
    const d = new Database(dbPath, { readonly: true });
    const out = new Map((d.prepare('SELECT key, conversation_id, value, created_at, updated_at FROM conversations_v2').all() as Array<Record<string, unknown>>).map((r) => [String(r['conversation_id']), JSON.stringify(r)]));
    d.close();
    return out;
  };
  const before = rows();
  const h = new HomeRunner(home);
  await h.ok(['rm', `kiro-sqlite:${ids[1]}`]);
  const after = rows();
  assert.deepEqual([...after.keys()].sort(), [ids[0], ids[2], '00000000-0000-4000-8000-000000000009'].sort());
  for (const [id, row] of after) assert.equal(row, before.get(id), `row ${id} is unchanged`);
});
