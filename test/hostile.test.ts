// Hostile homes: broken, strange and unreadable files next to good
// sessions. list, show, search and the manager keep working, every good
// session is there, the bad ones are reported, and no file changes.
import assert from 'node:assert/strict';
import { chmodSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from './harness.js';
import Database from 'better-sqlite3';
import { demoHome, HomeRunner } from './action-suite.js';
import { hashTree, listJson, REPO as REPO_DIR, runBin, tempDir, testEnv } from './helpers.js';
import { addHostileFiles } from './hostile-home.js';
import { headless } from './tui-helpers.js';
import { kimiCodeWorkDirKey } from '../src/layouts/kimi-code/paths.js';

function hashable(home: string): Map<string, string> {
  // The unreadable folder cannot be hashed by a non-root reader; everything else is.
  return hashTree(home);
}

test('list, show, search and the manager over a hostile home: the good sessions all there, the bad ones reported, no file changed', async (t) => {
  const home = demoHome(t);
  const good = (await listJson(home)).sessions.map((s) => `${s.source}:${s.id}`).sort();
  const cases = addHostileFiles(home, { big: true });
  // Made readable again so the temp home can be removed (root removes it anyway).
  const noread = join(home, '.kimi-code', 'sessions', kimiCodeWorkDirKey('/work/hostile'), 'session_noread', 'agents', 'main');
  t.after(() => {
    try {
      chmodSync(noread, 0o700);
    } catch {
      // already removed with the temp home
    }
  });
  const before = hashable(home);
  const h = new HomeRunner(home);

  const r = await h.run(['list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const listed = (JSON.parse(r.stdout) as Array<{ source: string; id: string; problems: string[] }>).map((s) => `${s.source}:${s.id}`);
  for (const g of good) assert.ok(listed.includes(g), `${g} is missing among the hostile files`);
  // Only reports count: stderr and the problems of the sessions that have some (every id is in the listing anyway).
  const problems = r.stderr + JSON.stringify((JSON.parse(r.stdout) as Array<{ id: string; problems: string[] }>).filter((s) => s.problems.length > 0));
  for (const c of cases) if (c.reported) assert.ok(problems.includes(c.reported), `${c.name}: ${c.reported} is not reported`);
  for (const line of r.stderr.trim().split('\n')) assert.match(line, /^sessions: \S/, 'one line per report');
  // The 50 MB line and the bad bytes still list, with what could be read.
  assert.ok(listed.includes('kimi-code:session_bigline'));
  assert.ok(listed.includes('kimi-code:session_truncated'));
  // Named like no session of the agent's: not listed (the agents skip them too).
  assert.ok(!listed.some((k) => k.includes('agent-0badc1a0') || k.includes('no-uuid')), 'a file the agent would not list is listed');
  assert.ok(listed.includes('codex:0badc0de-0000-4000-8000-000000000001') && listed.includes('claude-code:0badc1a0-0000-4000-8000-000000000001'), 'a damaged rollout or transcript is still listed');

  const shown = await h.run(['show', 'session_badutf8']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /valid line/);
  // Each broken session shows what could be read, and says what could not.
  const show = async (id: string): Promise<{ id: string; workDir: string | null; problems: string[]; messages: unknown[] }> => {
    const r = await h.run(['show', id, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const binary = await show('kimi-code:session_binary');
  assert.deepEqual(binary.messages, []);
  assert.ok(binary.problems.some((p) => /wire\.jsonl: \d+ lines not valid JSON/.test(p)), binary.problems.join('; '));
  const notJson = await show('not-json-row');
  assert.deepEqual([notJson.workDir, notJson.messages], ['/work/hostile', []]);
  assert.match(notJson.problems.join('; '), /value is not valid JSON/);
  const climbing = await show('../../../tmp/pwn');
  assert.deepEqual([climbing.id, climbing.workDir, climbing.problems], ['../../../tmp/pwn', '/work/hostile', []]);

  const found = await h.run(['search', 'rounding', '--json']);
  assert.equal(found.code, 0, found.stderr);
  assert.ok((JSON.parse(found.stdout) as unknown[]).length >= 2);
  // The valid line beside the bad bytes is found.
  const bad = await h.run(['search', 'valid', '--json']);
  assert.equal(bad.code, 0, bad.stderr);
  assert.ok((JSON.parse(bad.stdout) as Array<{ id: string }>).some((x) => x.id === 'session_badutf8'), bad.stdout.slice(0, 300));

  const ui = headless(home);
  t.after(() => ui.close());
  await ui.waitFor((_, s) => !s.loading, 'the manager', 30_000);
  assert.ok(ui.app.state().sessions.length >= good.length);
  ui.press('/', 'v', 'a', 'l', 'i', 'd');
  await ui.waitFor((_, s) => s.results !== null && s.query === 'valid', 'a search in the manager', 30_000);
  assert.ok(ui.app.state().results!.some((r) => r.session.id === 'session_badutf8'), 'the manager finds the valid line too');

  // Nothing was written to any agent's files (the caches live elsewhere).
  const after = hashable(home);
  for (const [k, v] of before) if (!k.startsWith('.cache/')) assert.equal(after.get(k), v, `${k} changed`);
});

test('a Kiro database held in a write transaction by another connection: listing waits a moment, then reports it and goes on', async (t) => {
  const home = demoHome(t);
  const db = new Database(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  t.after(() => db.close());
  db.exec('PRAGMA journal_mode = DELETE');
  db.exec('BEGIN EXCLUSIVE');
  const r = runBin(['list', '--json', '--no-cache'], testEnv(home));
  db.exec('ROLLBACK');
  assert.equal(r.code, 0, r.stderr);
  const sessions = JSON.parse(r.stdout) as Array<{ source: string }>;
  assert.ok(sessions.some((s) => s.source === 'kimi-code') && sessions.some((s) => s.source === 'kiro-files'));
  assert.match(r.stderr, /data\.sqlite3: skipped Kiro database: database is locked/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('path safety: an id that climbs (../../../tmp/…) is renamed, exported, deleted and restored without anything written outside the store or the data folder', async (t) => {
  const home = demoHome(t);
  addHostileFiles(home);
  const outside = join(home, '..', `pwn-${process.pid}`);
  const db = new Database(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  const evil = `../../../../../../..${outside}`;
  db.prepare('INSERT INTO conversations_v2 (key, conversation_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('/work/evil', evil, JSON.stringify({ conversation_id: evil, history: [] }), 1, 2);
  db.close();
  const h = new HomeRunner(home);
  const ref = `kiro-sqlite:${evil}`;
  await h.ok(['rename', ref, 'still inside']);
  await h.ok(['export', ref, '--format', 'json', '-o', join(home, 'evil.json')]);
  await h.ok(['export', '--all', 'agent:kiro-sqlite', '--format', 'md', '-o', join(home, 'bulk')]);
  const fork = await h.json<{ id: string }>(['fork', ref]);
  assert.match(fork.id, /^[0-9a-f-]{36}$/, 'a fork gets an id of the agent\'s own form');
  await h.ok(['rm', ref]);
  await h.ok(['restore', '--last']);
  const { existsSync, readdirSync } = await import('node:fs');
  assert.ok(!existsSync(outside), 'something was written outside the home');
  for (const name of readdirSync(join(home, 'bulk'))) assert.match(name, /^[A-Za-z0-9._-]+$/);
  const ann = JSON.parse((await import('node:fs')).readFileSync(join(home, '.local', 'share', 'sessions', 'annotations.json'), 'utf8')) as { sessions: Record<string, unknown> };
  assert.ok(Object.keys(ann.sessions).includes(ref), 'the title is kept as data, keyed by the id, not as a path');
});

test('a folder the user may not read (run as an unprivileged user): reported in one line, the rest listed', async (t) => {
  const { chmodSync: chmod, readdirSync, statSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  assert.equal(process.getuid?.(), 0, 'this test switches to the user nobody, so it runs as root (CI does)');
  const home = demoHome(t);
  // Everything readable by others, then one session folder not.
  const open = (p: string): void => {
    const st = statSync(p);
    chmod(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) for (const n of readdirSync(p)) open(join(p, n));
  };
  open(home);
  for (let p = join(home, '..'); p !== '/'; p = join(p, '..')) chmod(p, statSync(p).mode | 0o005);
  const bucket = join(home, '.kimi-code', 'sessions', 'wd_webshop_791703ba11ff');
  const hidden = readdirSync(bucket)[0]!;
  // Root removes the temp home with this folder in it.
  chmod(join(bucket, hidden), 0o000);
  // The command as nobody can reach it: a clone may sit under a folder only root enters (mktemp -d).
  const bin = reachableCommand(t);
  for (let p = join(bin, '..'); p !== '/'; p = join(p, '..')) chmod(p, statSync(p).mode | 0o005);
  open(join(bin, '..', '..'));
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, 'list', '--json', '--no-cache'], {
    env: { PATH: process.env['PATH'] ?? '', HOME: home, TZ: 'UTC' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const listed = JSON.parse(r.stdout) as Array<{ id: string; problems: string[] }>;
  assert.ok(listed.length >= 17, `${listed.length} listed`);
  const report = r.stderr + JSON.stringify(listed.filter((s) => s.problems.length > 0));
  assert.match(report, /EACCES|permission denied/i);
  assert.ok(report.includes(hidden), 'the unreadable session is named');
});

/**
 * The built command copied where another user can run it (a temp folder of
 * the test's own): the bin, the bundle, package.json, and the one package
 * with native code that list loads (better-sqlite3: its module, not its
 * sources). Returns the bin's path.
 */
function reachableCommand(t: TestContext): string {
  const root = tempDir(t);
  cpSync(join(REPO_DIR, 'bin'), join(root, 'bin'), { recursive: true });
  cpSync(join(REPO_DIR, 'dist', 'bundle'), join(root, 'dist', 'bundle'), { recursive: true });
  cpSync(join(REPO_DIR, 'package.json'), join(root, 'package.json'));
  const skip = /\/(deps|src|obj|obj\.target)(\/|$)/;
  for (const pkg of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
    cpSync(join(REPO_DIR, 'node_modules', pkg), join(root, 'node_modules', pkg), { recursive: true, filter: (src) => !skip.test(src.slice(join(REPO_DIR, 'node_modules', pkg).length)) });
  }
  return join(root, 'bin', 'sessions.js');
}
