// The built command, run the way a person or a script runs it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from './harness.js';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { generateDemoHome } from '../fixtures/generate.js';
import { SUMMARY_CACHE_VERSION } from '../src/catalog/summary-cache.js';
import { SOURCE_KINDS, type Session } from '../src/model.js';
import { BIN, REPO, runBin, runInProcess, tempDir, testEnv } from './helpers.js';
import { spawn } from 'node:child_process';

const REQUIRED_FIELDS: Record<string, string> = {
  source: 'string', id: 'string', title: 'string', createdAt: 'string', updatedAt: 'string', turns: 'number',
  messages: 'number', bytes: 'number', path: 'string', inUse: 'boolean',
};

// One demo home for the read-only tests of this file.
let demo = '';
before(() => {
  demo = mkdtempSync(join(tmpdir(), 'sessions-cli-'));
  generateDemoHome(join(demo, 'home'));
  process.on('exit', () => rmSync(demo, { recursive: true, force: true }));
});
const home = (): string => join(demo, 'home');

describe('sessions list', () => {
  test('--json prints an array with every documented field, newest first; stdout is only JSON', () => {
    const r = runBin(['list', '--json'], testEnv(home()));
    assert.equal(r.code, 0, r.stderr);
    const sessions = JSON.parse(r.stdout) as Session[];
    assert.equal(sessions.length, 28);
    for (const s of sessions) {
      for (const [k, type] of Object.entries(REQUIRED_FIELDS)) assert.equal(typeof (s as unknown as Record<string, unknown>)[k], type, `${s.id}.${k}`);
      assert.ok(s.workDir === null || typeof s.workDir === 'string');
      assert.ok((SOURCE_KINDS as readonly string[]).includes(s.source));
    }
    const updated = sessions.map((s) => s.updatedAt);
    assert.deepEqual(updated, [...updated].sort().reverse());
  });

  test('the table has a header and a row per session, times relative', () => {
    const r = runBin(['list'], testEnv(home()));
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^AGENT\s+ID\s+TITLE\s+DIR\s+UPDATED\s+TURNS\s+MSGS\s+SIZE$/);
    assert.equal(lines.length, 29);
    assert.ok(lines.some((l) => /kimi-code\s+session_\w+\s+Fix checkout rounding\s/.test(l)));
    assert.ok(lines.some((l) => l.includes('日本語のエラーメッセージを英語に翻訳して 🌏')));
    assert.ok(lines.slice(1).every((l) => /\b(ago|from now)\b/.test(l)));
  });

  test('--sort, --reverse, --limit', async () => {
    const ids = async (args: string[]) => JSON.parse((await runInProcess(['list', '--json', '--no-cache', ...args], testEnv(home()))).stdout).map((s: Session) => s);
    const byTurns = await ids(['--sort', 'turns']);
    assert.equal(byTurns[0].turns, 120);
    const bySize = await ids(['--sort', 'size', '--limit', '3']);
    assert.equal(bySize.length, 3);
    assert.ok(bySize[0].bytes >= bySize[1].bytes && bySize[1].bytes >= bySize[2].bytes);
    const byTitle = (await ids(['--sort', 'title'])).map((s: Session) => s.title.toLowerCase());
    // A to Z, the untitled (empty) sessions last.
    const titled = byTitle.filter((x: string) => x !== '');
    assert.deepEqual(byTitle, [...[...titled].sort((a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base' })), ...byTitle.filter((x: string) => x === '')]);
    assert.ok(byTitle.at(-1) === '' && byTitle[0] !== '', 'the demo has untitled sessions, and they come last');
    const oldestCreated = await ids(['--sort', 'created', '--reverse', '--limit', '1']);
    assert.equal(oldestCreated[0].title, 'Explain this Makefile');
  });

  test('--source (names and aliases), --dir (and below), --here', async (t) => {
    const list = async (args: string[], cwd?: string) => {
      const r = await runInProcess(['list', '--json', '--no-cache', ...args], testEnv(home()), cwd);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as Session[];
    };
    assert.deepEqual([...new Set((await list(['--source', 'kiro'])).map((s) => s.source))].sort(), ['kiro-files', 'kiro-sqlite']);
    assert.deepEqual([...new Set((await list(['--source', 'kimi-cli,kiro-files'])).map((s) => s.source))].sort(), ['kimi-cli', 'kiro-files']);
    const webshop = await list(['--dir', '/home/demo/projects/webshop']);
    assert.ok(webshop.length >= 5 && webshop.every((s) => s.workDir === '/home/demo/projects/webshop'));
    assert.ok((await list(['--dir', '/home/demo/projects'])).length > webshop.length);
    const cwd = tempDir(t);
    assert.deepEqual(await list(['--here'], cwd), []);
  });

  test('bad options are one clear line on stderr and exit code 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['list', '--source', 'claud'], /^sessions: unknown source 'claud' \(one of: kimi-code, kimi-cli, kiro-sqlite, kiro-files, codex, claude-code, kimi, kiro, claude\)\n$/],
      [['list', '--sort', 'age'], /^sessions: unknown sort 'age'/],
      [['list', '--limit', 'ten'], /^sessions: --limit takes a whole number, got 'ten'\n$/],
      [['list', '--frobnicate'], /^sessions: unknown option --frobnicate \(see --help\)\n$/],
      [['explode'], /^sessions: unknown command 'explode'/],
      [['list', '--here', '--dir', '/x'], /^sessions: use either --here or --dir, not both\n$/],
      [['show'], /^sessions: show needs a session id/],
    ];
    for (const [args, want] of cases) {
      const r = runBin(args, testEnv(home()));
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, want);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
      assert.equal(r.stdout, '');
    }
  });

  test('--help and --version', () => {
    const help = runBin(['--help'], testEnv(home()));
    assert.equal(help.code, 0);
    assert.match(help.stdout, /sessions show <id>/);
    assert.match(help.stdout, /--kimi-code-home/);
    const version = runBin(['--version'], testEnv(home()));
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

describe('sessions show', () => {
  test('by unique prefix and by source:id; text with roles, tool calls and thinking marked', () => {
    const r = runBin(['show', 'session_ab9e'], testEnv(home()));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^kimi-code {2}session_ab9ee2b3-/);
    assert.match(r.stdout, /^title {4}Fix checkout rounding {2}\[custom\]$/m);
    assert.match(r.stdout, /^── user {2}2026-10-17 09:00:00 ─+$/m);
    assert.match(r.stdout, /^ {2}→ Grep \{"pattern":"toFixed","path":"src"\}$/m);
    assert.match(r.stdout, /^ {2}← Grep: src\/cart\.ts:42:/m);
    assert.match(r.stdout, /^ {2}┆ Rounding each line item/m);
    assert.match(r.stdout, /^── summary \(compacted history\)/m);
    const q = runBin(['show', 'kiro-sqlite:dce9'], testEnv(home()));
    assert.equal(q.code, 0, q.stderr);
    assert.match(q.stdout, /日本語のエラーメッセージ/);
  });

  test('--json prints the session plus its messages', () => {
    const r = runBin(['show', 'session_ab9e', '--json'], testEnv(home()));
    const s = JSON.parse(r.stdout);
    assert.equal(s.id.startsWith('session_ab9e'), true);
    assert.equal(s.messageCount, 13);
    assert.ok(Array.isArray(s.messages));
    for (const m of s.messages) {
      assert.ok(['user', 'assistant', 'tool', 'summary'].includes(m.role));
      assert.equal(typeof m.text, 'string');
      assert.ok(m.time === null || typeof m.time === 'string');
    }
    assert.ok(s.messages.some((m: { tool?: { name: string } }) => m.tool?.name === 'Edit'));
  });

  test('unknown and ambiguous ids are exit code 2 with a clear line', () => {
    const unknown = runBin(['show', 'nope'], testEnv(home()));
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, "sessions: no session with id 'nope'\n");
    const ambiguous = runBin(['show', 'session_'], testEnv(home()));
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /^sessions: 'session_' matches 8 sessions: kimi-code:session_\S+, .*, and 3 more\n$/);
  });
});

describe('where sessions are read from', () => {
  test('HOME=<dir> reads a whole other home; the agents\' variables and the flags point elsewhere', async (t) => {
    const other = tempDir(t);
    generateDemoHome(other);
    const count = async (args: string[], env: Record<string, string> = {}) => {
      const r = await runInProcess(['list', '--json', '--no-cache', ...args], { ...testEnv(tempDir(t)), ...env });
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as Session[]).reduce<Record<string, number>>((acc, s) => ((acc[s.source] = (acc[s.source] ?? 0) + 1), acc), {});
    };
    const all = { 'kimi-code': 8, 'kimi-cli': 4, 'kiro-sqlite': 5, 'kiro-files': 3, codex: 4, 'claude-code': 4 };
    assert.deepEqual(await count([], { HOME: other }), all);
    assert.deepEqual(await count(['--home', other]), all);
    assert.deepEqual(await count([], { KIMI_CODE_HOME: join(other, '.kimi-code') }), { 'kimi-code': 8 });
    assert.deepEqual(await count(['--kimi-code-home', join(other, '.kimi-code')]), { 'kimi-code': 8 });
    assert.deepEqual(await count([], { KIMI_SHARE_DIR: join(other, '.kimi') }), { 'kimi-cli': 4 });
    assert.deepEqual(await count(['--kimi-home', join(other, '.kimi')]), { 'kimi-cli': 4 });
    const db = join(other, '.local', 'share', 'kiro-cli', 'data.sqlite3');
    assert.deepEqual(await count([], { KIRO_TEST_DB_PATH: db }), { 'kiro-sqlite': 5 });
    assert.deepEqual(await count(['--kiro-db', db]), { 'kiro-sqlite': 5 });
    assert.deepEqual(await count(['--kiro-home', join(other, '.kiro')]), { 'kiro-files': 3 });
    assert.deepEqual(await count([], { CODEX_HOME: join(other, '.codex') }), { codex: 4 });
    assert.deepEqual(await count(['--codex-home', join(other, '.codex')]), { codex: 4 });
    assert.deepEqual(await count([], { CLAUDE_CONFIG_DIR: join(other, '.claude') }), { 'claude-code': 4 });
    assert.deepEqual(await count(['--claude-home', join(other, '.claude')]), { 'claude-code': 4 });
    assert.deepEqual(await count(['--source', 'claude'], { HOME: other }), { 'claude-code': 4 });
    // The older Amazon Q database and the macOS path are read too.
    const mac = tempDir(t);
    mkdirSync(join(mac, 'Library', 'Application Support', 'amazon-q'), { recursive: true });
    writeFileSync(join(mac, 'Library', 'Application Support', 'amazon-q', 'data.sqlite3'), readFileSync(db));
    assert.deepEqual(await count([], { HOME: mac }), { 'kiro-sqlite': 5 });
  });
});

describe('the summary cache', () => {
  test('a warm list reuses summaries until a file changes; a corrupt or old cache is rebuilt', async (t) => {
    const h = tempDir(t);
    generateDemoHome(h);
    const env = testEnv(h);
    const cacheFile = join(h, '.cache', 'sessions', `summaries-v${SUMMARY_CACHE_VERSION}.json`);
    const titles = async (args: string[] = []) => {
      const r = await runInProcess(['list', '--json', '--source', 'kiro-files', ...args], env);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as Session[]).map((s) => s.title).sort();
    };
    const first = await titles();
    assert.ok(statSync(cacheFile).isFile());
    assert.equal(statSync(cacheFile).mode & 0o777, 0o600);

    // Change a title inside the file but keep its size and mtime: the cached summary is used.
    const meta = join(h, '.kiro', 'sessions', 'cli', readdirSync(join(h, '.kiro', 'sessions', 'cli')).find((f) => readFileSync(join(h, '.kiro', 'sessions', 'cli', f), 'utf8').includes('"Speed up CI"'))!);
    const { mtimeMs } = statSync(meta);
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('"Speed up CI"', '"Speed up DB"'));
    utimesSync(meta, mtimeMs / 1000, mtimeMs / 1000);
    assert.deepEqual(await titles(), first);
    assert.ok((await titles(['--no-cache'])).includes('Speed up DB'));

    // A new mtime invalidates that entry.
    utimesSync(meta, mtimeMs / 1000 + 5, mtimeMs / 1000 + 5);
    assert.ok((await titles()).includes('Speed up DB'));

    // Listing one layout keeps the others' summaries (they are scanned, not read).
    const rows = () => (JSON.parse(readFileSync(cacheFile, 'utf8')) as { rows: unknown[] }).rows.length;
    await runInProcess(['list', '--json'], env);
    const all = rows();
    await titles();
    assert.equal(rows(), all);

    // A corrupt cache is not an error; it is rebuilt.
    writeFileSync(cacheFile, '{"version": 2, "rows": [["x", ');
    assert.ok((await titles()).includes('Speed up DB'));
    JSON.parse(readFileSync(cacheFile, 'utf8'));
    // So is one from another version.
    renameSync(cacheFile, cacheFile + '.bak');
    writeFileSync(cacheFile, JSON.stringify({ version: 0, rows: [] }));
    assert.equal((await titles()).length, 3);
    assert.equal(JSON.parse(readFileSync(cacheFile, 'utf8')).version, SUMMARY_CACHE_VERSION);
  });

  test('an unchanged Kiro database is not opened again; any write to it is seen', async (t) => {
    const h = tempDir(t);
    generateDemoHome(h);
    const env = testEnv(h);
    const db = join(h, '.local', 'share', 'kiro-cli', 'data.sqlite3');
    const ids = async (args: string[] = []) => {
      const r = await runInProcess(['list', '--json', '--source', 'kiro-sqlite', ...args], env);
      return { ids: (JSON.parse(r.stdout || '[]') as Session[]).map((s) => s.id).sort(), stderr: r.stderr };
    };
    const first = await ids();
    assert.equal(first.ids.length, 5);
    // Garble the file but keep its size and mtime (to the nanosecond as far as a float allows:
    // stats.mtime is rounded to the millisecond): the remembered scan and summaries stand.
    const { mtimeMs, size } = statSync(db);
    writeFileSync(db, Buffer.alloc(size, 0x41));
    utimesSync(db, mtimeMs / 1000, mtimeMs / 1000);
    assert.deepEqual(await ids(), first);
    assert.match((await ids(['--no-cache'])).stderr, /skipped Kiro database: file is not a database/);
    // A real change (a new mtime) is read again.
    utimesSync(db, mtimeMs / 1000 + 1, mtimeMs / 1000 + 1);
    const after = await ids();
    assert.deepEqual(after.ids, []);
    assert.match(after.stderr, /file is not a database/);
  });

  test('an unwritable cache folder only costs speed', async (t) => {
    const h = tempDir(t);
    generateDemoHome(h);
    writeFileSync(join(h, 'not-a-dir'), '');
    const r = await runInProcess(['list', '--json'], { ...testEnv(h), XDG_CACHE_HOME: join(h, 'not-a-dir') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).length, 28);
  });
});

test("import - reads the export from stdin, as Kiro's /chat load-via-script hands session JSON over; export -o - writes it to stdout; an empty stdin is one plain line", (t) => {
  const home = tempDir(t);
  cpSync(join(REPO, 'fixtures', 'demo-home'), home, { recursive: true });
  const env = testEnv(home);
  const out = runBin(['export', 'kiro-files:7a5b60e3', '--format', 'json', '-o', '-', '--no-cache'], env);
  assert.equal(out.code, 0, out.stderr);
  const r = runBin(['import', '-', '--json', '--no-cache'], env, home, out.stdout);
  assert.equal(r.code, 0, r.stderr);
  const imported = JSON.parse(r.stdout) as { source: string; id: string; originalId: string };
  assert.deepEqual([imported.source, imported.originalId], ['kiro-files', '7a5b60e3-02a4-4ef1-8996-43035cdb9333']);
  const empty = runBin(['import', '-', '--no-cache'], env, home, '');
  assert.deepEqual([empty.code, empty.stderr], [2, 'sessions: stdin is empty: nothing to import\n']);
});

test('small things a person meets (issue 16): a reader that goes away ends the command quietly; `search -word` is a query; --help says what it is once; 1 turn, not 1 turns; a turn out of range is bad input', async (t) => {
  const home = tempDir(t);
  cpSync(join(REPO, 'fixtures', 'demo-home'), home, { recursive: true });
  const env = testEnv(home);
  // The 120-turn session's JSON export is far more than a pipe holds; the reader stops after the first chunk.
  const code = await new Promise<{ code: number | null; stderr: string }>((done) => {
    const child = spawn(process.execPath, [BIN, 'export', 'session_e896', '--format', 'json', '-o', '-', '--no-cache'], { env, cwd: home });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('exit', (c) => done({ code: c, stderr }));
  });
  assert.deepEqual(code, { code: 0, stderr: '' }, 'no stack trace, exit 0');

  const r = runBin(['search', 'cents', '-decimal', '--json', '--no-cache'], env, home);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as Array<{ title: string }>).map((x) => x.title), ['Fix checkout rounding'], 'the fork that talked about a Decimal library is left out');

  const help = runBin(['--help'], env, home);
  assert.equal(help.stdout.match(/manage every coding-agent session/g)?.length, 1, help.stdout.slice(0, 300));

  const shown = runBin(['show', 'kiro-files:fd3c2d3e', '--no-cache'], env, home);
  assert.match(shown.stdout, /^size {5}1 turn, 2 messages, /m);

  const far = runBin(['fork', 'session_ab9e', '--at-turn', '9', '--no-cache'], env, home);
  assert.deepEqual([far.code, far.stderr.trim().split('\n').length], [2, 1], far.stderr);
});

test('with --home nothing is written outside that home: the summary cache and the search index go under it; an empty home says where it looked', (t) => {
  const home = tempDir(t);
  cpSync(join(REPO, 'fixtures', 'demo-home'), home, { recursive: true });
  const elsewhere = tempDir(t);
  const env = testEnv(elsewhere);
  const r = runBin(['search', 'cents', '--home', home], env, home);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(home, '.cache', 'sessions')), 'the cache is under the home');
  assert.ok(!existsSync(join(env['XDG_CACHE_HOME']!, 'sessions')) && !existsSync(join(elsewhere, '.cache', 'sessions')), 'nothing in the real cache');
  const empty = tempDir(t);
  const e = runBin(['list', '--home', empty, '--no-cache'], env, empty);
  assert.equal(e.code, 0);
  assert.equal(e.stderr, `sessions: no sessions found (looked in ${['.kimi-code', '.kimi', '.local/share/kiro-cli/data.sqlite3', '.kiro/sessions/cli', '.codex', '.claude'].map((p) => join(empty, p)).join(', ')})\n`);
});
