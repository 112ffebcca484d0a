// Another program writing while the manager works: a second process appends
// to a Kimi Code wire and writes Kiro's database in a loop, as the agents do,
// while list, search, rename, fork and rm act on other sessions. The writer
// loses no line and no row, and the manager's results stay consistent.
// Nothing here depends on the machine's speed: the loop runs until enough
// happened on both sides, and the only time limit catches a hang.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from './harness.js';
import Database from 'better-sqlite3';
import { demoHome, HomeRunner } from './action-suite.js';
import { REPO, runBin, testEnv } from './helpers.js';

const WRITER = `
const fs = require('node:fs');
const Database = require('better-sqlite3');
const [wire, db, stop] = process.argv.slice(1);
// A generous busy timeout: a write waits for the manager's, as the agent's does.
const conn = new Database(db, { timeout: 60000 });
const insert = conn.prepare('INSERT INTO conversations_v2 (key, conversation_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
const update = conn.prepare("UPDATE conversations_v2 SET value = json_set(value, '$.next_message', ?), updated_at = ? WHERE conversation_id = 'e01dd09c-d405-4f88-8943-0ee8aaf21849'");
let lines = 0, rows = 0;
while (!fs.existsSync(stop)) {
  fs.appendFileSync(wire, JSON.stringify({ type: 'context.append_message', message: { role: 'user', content: [{ type: 'text', text: 'live line ' + lines }] }, time: Date.now() }) + '\\n');
  lines++;
  insert.run('/work/live', 'live-' + rows, JSON.stringify({ conversation_id: 'live-' + rows, history: [] }), Date.now(), Date.now());
  update.run('tick ' + rows, Date.now());
  rows++;
  const pause = Date.now() + 5; while (Date.now() < pause) {}
}
console.log(JSON.stringify({ lines, rows }));
`;

test('a second process writes a Kimi wire and the Kiro database in a loop while list, search, rename, fork and rm run', async (t) => {
  const home = demoHome(t);
  const h = new HomeRunner(home);
  const live = (await h.list()).find((s) => s.source === 'kimi-code' && s.title.startsWith('Fix checkout'))!;
  const wire = join(live.path, 'agents', 'main', 'wire.jsonl');
  const linesBefore = readFileSync(wire, 'utf8').trim().split('\n').length;
  const db = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  const stop = join(home, 'stop-writing');
  const writer = spawn(process.execPath, ['-e', WRITER, wire, db, stop], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => writer.kill());
  let out = '';
  let err = '';
  writer.stdout.on('data', (d: Buffer) => (out += d));
  writer.stderr.on('data', (d: Buffer) => (err += d));
  const done = new Promise<number>((r) => writer.on('exit', (c) => r(c ?? -1)));

  // While it writes: the manager's commands on other sessions, until there
  // were three rounds of them and the writer appended 50 lines meanwhile.
  const appended = (): number => readFileSync(wire, 'utf8').trim().split('\n').length - linesBefore;
  const hang = Date.now() + 180_000;
  let rounds = 0;
  while (rounds < 3 || appended() < 50) {
    assert.ok(Date.now() < hang, `no progress in 3 minutes: ${rounds} rounds, ${appended()} lines appended`);
    const listed = await h.list();
    assert.ok(listed.some((s) => s.id === live.id), 'the session being written is still listed');
    assert.ok(listed.filter((s) => s.source === 'kiro-sqlite').length >= 5);
    // The built command: with the writer's rows this is a bulk index build, read on worker threads.
    const found = runBin(['search', 'parquet', '--json'], testEnv(home));
    assert.equal(found.code, 0, found.stderr);
    assert.ok((JSON.parse(found.stdout) as unknown[]).length >= 1);
    // --force: a session this loop wrote a moment ago counts as in use.
    await h.ok(['rename', 'session_1f4a', `round ${rounds}`, '--force']);
    const fork = await h.json<{ id: string }>(['fork', 'c509daef']);
    const removed = await h.json<{ trashId: string }>(['rm', `kiro-sqlite:${fork.id}`, '--force']);
    assert.ok(removed.trashId);
    rounds++;
  }
  writeFileSync(stop, '');
  assert.equal(await done, 0, err);
  const wrote = JSON.parse(out) as { lines: number; rows: number };
  assert.ok(wrote.lines >= 50 && wrote.rows >= 50, `${wrote.lines} lines, ${wrote.rows} rows`);
  t.diagnostic(`${rounds} rounds of commands while the writer appended ${wrote.lines} lines and wrote ${wrote.rows} rows`);
  // The writer lost nothing: every line it appended and every row it inserted are there.
  const lines = readFileSync(wire, 'utf8').trim().split('\n');
  assert.equal(lines.length, linesBefore + wrote.lines);
  for (const l of lines) JSON.parse(l);
  const conn = new Database(db, { readonly: true });
  t.after(() => conn.close());
  assert.equal((conn.prepare(`SELECT count(*) AS n FROM conversations_v2 WHERE key = '/work/live'`).get() as { n: number }).n, wrote.rows);
  assert.match((conn.prepare(`SELECT value FROM conversations_v2 WHERE conversation_id = 'e01dd09c-d405-4f88-8943-0ee8aaf21849'`).get() as { value: string }).value, new RegExp(`tick ${wrote.rows - 1}`));
  // And the manager sees the final state.
  const shown = await h.show(live.id);
  assert.equal(shown.messages.filter((m) => m.text.startsWith('live line')).length, wrote.lines);
  assert.equal((await h.list()).find((s) => s.id === 'session_1f4a081a-5f34-4cf1-8072-5ecdc7fc7749')?.title, `round ${rounds - 1}`);
});
