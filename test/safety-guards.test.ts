// Tests that guard the guards (issue 14): each fails when the safety check it
// names is removed. A tampered trash entry is refused; deleting one Kiro row
// touches no other row.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from './harness.js';
import AdmZip from 'adm-zip';
import Database from 'better-sqlite3';
import { safeRelPath } from '../src/actions/bundle.js';
import { type Conversation, insertKiroConversation, openKiroDb, writeKimiCodeSession } from '../fixtures/layouts.js';
import { HomeRunner } from './action-suite.js';
import { hashTree, tempDir } from './helpers.js';

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

test('a path from an archive is kept only when it stays inside: relative, no `..`, no drive, no backslash, a file', () => {
  const refused = ['', '.', './', '..', '../x', 'a/../../x', 'a/..', '/etc/x', '//x', 'x/', 'a\0b', 'a\\b', '..\\x', 'C:x', 'c:/x'];
  for (const p of refused) assert.equal(safeRelPath(p), null, JSON.stringify(p));
  const kept: Array<[string, string]> = [
    ['state.json', 'state.json'],
    ['agents/main/wire.jsonl', 'agents/main/wire.jsonl'],
    ['a/./b', 'a/b'],
    ['a//b', 'a/b'],
    ['a/x/../b', 'a/b'],
    ['ab:c', 'ab:c'],
    ['..x', '..x'],
  ];
  for (const [p, want] of kept) assert.equal(safeRelPath(p), want, JSON.stringify(p));
});

test('import refuses an archive it cannot trust with its reason, and writes nothing', async (t) => {
  const h = new HomeRunner(tempDir(t));
  writeKimiCodeSession(h.home, { id: 'session_keep', workDir: '/w/a', startMs: T, turns: [{ prompt: 'kept', answer: 'ok' }] });
  const manifest = { sessionId: 'session_new', workspaceDir: '/w/in' };
  const zip = (entries: Array<[string, string | Buffer]>, edit?: (z: AdmZip) => void): Buffer => {
    const z = new AdmZip();
    for (const [name, data] of entries) z.addFile(name, Buffer.isBuffer(data) ? data : Buffer.from(data));
    edit?.(z);
    return z.toBuffer();
  };
  const files: Array<[string, string]> = [['manifest.json', JSON.stringify(manifest)], ['state.json', '{}'], ['agents/main/wire.jsonl', '{}\n']];
  const link = zip(files, (z) => {
    // A symbolic link: its target would be followed by whoever reads the session next.
    z.getEntry('state.json')!.attr = (0o120777 << 16) >>> 0;
  });
  /** Declares `size` unpacked bytes for every entry in the central directory. */
  const declaring = (buf: Buffer, size: number): Buffer => {
    const out = Buffer.from(buf);
    for (let at = out.indexOf('PK\x01\x02', 0, 'latin1'); at >= 0; at = out.indexOf('PK\x01\x02', at + 4, 'latin1')) out.writeUInt32LE(size, at + 24);
    return out;
  };
  const cases: Array<[string, Buffer, RegExp]> = [
    ['broken', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64, 7)]), /is not a readable ZIP/],
    ['link', link, /the archive holds a symbolic link \(state\.json\); nothing imported/],
    ['bomb', declaring(zip(files), 0x80000000 + 1), /the archive unpacks to more than 4 GB; nothing imported/],
    ['damaged', declaring(zip(files), 5), /: agents\/main\/wire\.jsonl is damaged in the archive \(.+\); nothing imported/],
    ['manifest', zip([['manifest.json', '{not json'], ...files.slice(1)]), /manifest\.json is not valid JSON/],
    ['no-manifest', zip(files.slice(1)), /not an export of a session \(no manifest\.json naming one\)/],
    ['array-manifest', zip([['manifest.json', JSON.stringify([manifest])], ...files.slice(1)]), /not an export of a session/],
    ['not-kimi', zip([files[0]!, ['notes/readme.txt', 'x']]), /not an export of a session/],
    ['unknown-agent', zip([['manifest.json', JSON.stringify({ ...manifest, source: 'emacs' })], ['notes/readme.txt', 'x']]), /not an export of a session/],
  ];
  const before = hashTree(h.home);
  for (const [name, data, re] of cases) {
    const file = join(h.home, '..', `${name}-${statSync(h.home).ino}.zip`);
    writeFileSync(file, data);
    t.after(() => rmSync(file, { force: true }));
    const r = await h.run(['import', file]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, re, name);
    assert.deepEqual(hashTree(h.home), before, `${name}: nothing written`);
  }
  // The same archive with folder entries and without the refused parts imports.
  const good = join(h.home, '..', `good-${statSync(h.home).ino}.zip`);
  // Its state.json names an agent with an odd entry: kept as it is, not a reason to fail.
  const goodFiles = files.map(([n, d]): [string, string] => [n, n === 'state.json' ? JSON.stringify({ agents: { main: { homedir: '/old' }, odd: 'x' } }) : d]);
  writeFileSync(good, zip(goodFiles, (z) => z.addFile('agents/', Buffer.alloc(0))));
  t.after(() => rmSync(good, { force: true }));
  const r = await h.json<{ source: string; id: string }>(['import', good]);
  assert.deepEqual([r.source, r.id], ['kimi-code', 'session_new']);
  const state = JSON.parse(readFileSync(join((await h.show(`kimi-code:${r.id}`)).path, 'state.json'), 'utf8')) as { agents: Record<string, unknown> };
  assert.equal(state.agents['odd'], 'x');
  assert.match(String((state.agents['main'] as { homedir: string }).homedir), /\/session_new\/agents\/main$/);
});
