// Layout-specific reading rules, each on a small home built for the case.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from './harness.js';
import Database from 'better-sqlite3';
import {
  type Conversation,
  insertKiroConversation,
  insertKiroLegacyConversation,
  kimiCliBucket,
  kimiCodeWorkDirKey,
  openKiroDb,
  registerKimiWorkDir,
  writeKimiCliFlatSession,
  writeKimiCliSession,
  writeKimiCodeSession,
  writeKiroSessionFiles,
} from '../fixtures/layouts.js';
import type { Message, Session } from '../src/model.js';
import { hashTree, listJson, runInProcess, tempDir, testEnv } from './helpers.js';

const T0 = Date.parse('2026-06-01T10:00:00Z');
const conv = (id: string, workDir = '/w/app', turns = 2): Conversation => ({
  id,
  workDir,
  startMs: T0,
  turns: Array.from({ length: turns }, (_, i) => ({ prompt: `question ${i}`, answer: `answer ${i}` })),
});

async function showJson(home: string, id: string): Promise<Omit<Session, 'messages'> & { messages: Message[] }> {
  const r = await runInProcess(['show', id, '--json', '--no-cache'], testEnv(home));
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('Kimi Code: bookkeeping records, repeated messages and injected reminders never reach the transcript', async (t) => {
  const home = tempDir(t);
  writeKimiCodeSession(join(home, '.kimi-code'), { ...conv('session_a'), noiseBytes: 5000 });
  const s = await showJson(home, 'session_a');
  assert.deepEqual(s.messages.map((m) => `${m.role}:${m.text}`), ['user:question 0', 'assistant:answer 0', 'user:question 1', 'assistant:answer 1']);
  assert.equal(s.turns, 2);
});

test('Kimi Code: a session imported from Kimi CLI (turn.prompt then an id-less append_message) is read once, linked both ways', async (t) => {
  const home = tempDir(t);
  const dir = join(home, '.kimi-code', 'sessions', kimiCodeWorkDirKey('/w/legacy'), 'ses_11111111-2222-4333-8444-555555555555');
  mkdirSync(join(dir, 'agents', 'main'), { recursive: true });
  const lines = [
    { type: 'metadata', protocol_version: '1.5', created_at: T0 },
    { type: 'turn.prompt', agentId: 'main', input: [{ type: 'text', text: 'run echo hi' }], origin: { kind: 'user' }, time: T0 },
    { type: 'context.append_message', message: { role: 'user', content: [{ type: 'text', text: 'run echo hi' }], toolCalls: [] } },
    { type: 'turn.prompt', agentId: 'main', input: [{ type: 'text', text: '<system-reminder>\nnon-interactive\n</system-reminder>' }], origin: { kind: 'user' }, time: T0 },
    { type: 'context.append_message', message: { role: 'assistant', content: [], toolCalls: [{ type: 'function', id: 'tc1', name: 'Shell', arguments: '{"command": "echo hi"}' }] } },
    { type: 'context.append_message', message: { role: 'tool', content: [{ type: 'text', text: 'hi' }], toolCalls: [], toolCallId: 'tc1' } },
    { type: 'context.append_message', message: { role: 'assistant', content: [{ type: 'text', text: 'It printed hi.' }], toolCalls: [] } },
  ];
  writeFileSync(join(dir, 'agents', 'main', 'wire.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ id: 'ses_11111111-2222-4333-8444-555555555555', version: 2, cwd: '/w/legacy', createdAt: T0, updatedAt: T0 + 1000, title: 'run echo hi', titleKind: 'custom', isCustomTitle: true, lastPrompt: '<system-reminder>\nnon-interactive', agents: {}, custom: { imported_from_kimi_cli: true, kimi_cli_session_id: '11111111-2222-4333-8444-555555555555' } }));
  writeKimiCliSession(join(home, '.kimi'), conv('11111111-2222-4333-8444-555555555555', '/w/legacy', 1));

  const s = await showJson(home, 'ses_');
  assert.deepEqual(s.messages.map((m) => [m.role, m.tool?.name ?? '', m.text]), [
    ['user', '', 'run echo hi'],
    ['assistant', 'Shell', ''],
    ['tool', 'Shell', 'hi'],
    ['assistant', '', 'It printed hi.'],
  ]);
  assert.equal(s.turns, 1);
  const { sessions } = await listJson(home);
  const code = sessions.find((x) => x.source === 'kimi-code')!;
  const cli = sessions.find((x) => x.source === 'kimi-cli')!;
  assert.deepEqual(code.sameAs, { source: 'kimi-cli', id: cli.id });
  assert.deepEqual(cli.sameAs, { source: 'kimi-code', id: code.id });
  assert.deepEqual((await showJson(home, cli.id)).sameAs, { source: 'kimi-code', id: code.id });
});

test('Kimi Code: untitled sessions take the first prompt; a missing cwd comes from session_index.jsonl, and only for lines inside sessions/', async (t) => {
  const home = tempDir(t);
  const kc = join(home, '.kimi-code');
  const dir = writeKimiCodeSession(kc, { ...conv('session_b'), turns: [{ prompt: 'Refactor the\nparser please', answer: 'ok' }] });
  const state = { id: 'session_b', version: 2, createdAt: T0, updatedAt: T0, archived: false, agents: {}, custom: {} };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  writeFileSync(join(kc, 'session_index.jsonl'), JSON.stringify({ sessionId: 'session_b', sessionDir: '/etc/session_b', workDir: '/evil' }) + '\n');
  let s = (await listJson(home)).sessions[0]!;
  assert.deepEqual([s.title, s.titleSource, s.workDir], ['Refactor the', 'prompt', null]);
  appendFileSync(join(kc, 'session_index.jsonl'), JSON.stringify({ sessionId: 'session_b', sessionDir: dir, workDir: '/w/from-index' }) + '\n');
  s = (await listJson(home)).sessions[0]!;
  assert.equal(s.workDir, '/w/from-index');
});

test('Kimi Code: the fork link and a subagent (kept out of the main transcript)', async (t) => {
  const home = tempDir(t);
  const kc = join(home, '.kimi-code');
  writeKimiCodeSession(kc, conv('session_src'));
  writeKimiCodeSession(kc, { ...conv('session_fork'), startMs: T0 + 3_600_000 }, { forkedFrom: { id: 'session_src', wire: '' }, subagentTurns: [{ prompt: 'sub task', answer: 'sub answer' }] });
  const s = await showJson(home, 'session_fork');
  assert.equal(s.forkedFrom, 'session_src');
  assert.ok(!s.messages.some((m) => m.text.startsWith('sub ')));
});

test('Kimi CLI: the flat form, a context-only session, a metadata.json title, and a bucket kimi.json does not know', async (t) => {
  const home = tempDir(t);
  const kimi = join(home, '.kimi');
  writeKimiCliFlatSession(kimi, conv('flat-one', '/w/old', 1));
  const dir = writeKimiCliSession(kimi, conv('ctx-only', '/w/app', 2), { metadataTitle: 'Named by metadata' });
  rmSync(join(dir, 'wire.jsonl'));
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 1, custom_title: null, archived: false }));
  const stray = join(kimi, 'sessions', 'f'.repeat(32), 'stray');
  mkdirSync(stray, { recursive: true });
  writeFileSync(join(stray, 'context.jsonl'), JSON.stringify({ role: 'user', content: 'orphan question' }) + '\n');
  const { sessions } = await listJson(home);
  const get = (id: string) => sessions.find((s) => s.id === id)!;
  assert.deepEqual([get('flat-one').workDir, get('flat-one').title, get('flat-one').turns], ['/w/old', 'question 0', 1]);
  assert.deepEqual([get('ctx-only').title, get('ctx-only').titleSource, get('ctx-only').turns, get('ctx-only').messages], ['Named by metadata', 'generated', 2, 4]);
  assert.deepEqual([get('stray').workDir, get('stray').title], [null, 'orphan question']);
});

test('Kimi CLI: a non-local kaos bucket maps to its work dir; a broken kimi.json is reported, sessions still listed', async (t) => {
  const home = tempDir(t);
  const kimi = join(home, '.kimi');
  registerKimiWorkDir(kimi, '/remote/proj', 'ssh-box');
  const dir = join(kimi, 'sessions', `ssh-box_${kimiCliBucket('/remote/proj')}`, 'remote-1');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'context.jsonl'), JSON.stringify({ role: 'user', content: 'hello remote' }) + '\n');
  assert.equal((await listJson(home)).sessions[0]!.workDir, '/remote/proj');
  writeFileSync(join(kimi, 'kimi.json'), '{"work_dirs": [');
  const { sessions, stderr } = await listJson(home);
  assert.deepEqual(sessions.map((s) => [s.id, s.workDir]), [['remote-1', null]]);
  assert.match(stderr, /kimi\.json: work dirs unknown: not valid JSON/);
});

test('Kiro database: old-table rows show unless migrated; a value that is not JSON is listed and marked', async (t) => {
  const home = tempDir(t);
  const db = openKiroDb(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  insertKiroConversation(db, conv('aaaa-v2'));
  insertKiroLegacyConversation(db, { ...conv('aaaa-v2'), workDir: '/w/app' });
  insertKiroLegacyConversation(db, conv('bbbb-old', '/w/old'));
  db.prepare('INSERT INTO conversations_v2 VALUES (?, ?, ?, ?, ?)').run('/w/bad', 'cccc-bad', 'not json {', T0, T0);
  db.close();
  const { sessions, stderr } = await listJson(home);
  assert.deepEqual(sessions.map((s) => s.id).sort(), ['aaaa-v2', 'bbbb-old', 'cccc-bad']);
  const bad = sessions.find((s) => s.id === 'cccc-bad')!;
  assert.match(bad.problems[0]!, /value is not valid JSON/);
  assert.equal(bad.workDir, '/w/bad');
  assert.match(stderr, /kiro-sqlite:cccc-bad: value is not valid JSON/);
  const old = sessions.find((s) => s.id === 'bbbb-old')!;
  assert.deepEqual([old.workDir, old.createdAt, old.inUse], ['/w/old', new Date(T0).toISOString(), false]);
});

test('Kiro database: a file that is not SQLite, or is locked by a writer, is reported and the other layouts still list', async (t) => {
  const home = tempDir(t);
  writeKiroSessionFiles(join(home, '.kiro'), conv('kf-1'));
  const dbPath = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  mkdirSync(join(dbPath, '..'), { recursive: true });
  writeFileSync(dbPath, 'this is not a database at all, just text'.repeat(100));
  let r = await listJson(home);
  assert.deepEqual(r.sessions.map((s) => s.id), ['kf-1']);
  assert.match(r.stderr, /data\.sqlite3: skipped Kiro database: file is not a database/);

  rmSync(dbPath);
  const db = openKiroDb(dbPath);
  insertKiroConversation(db, conv('locked-row'));
  db.exec('BEGIN EXCLUSIVE');
  db.prepare("UPDATE conversations_v2 SET updated_at = updated_at + 1").run();
  try {
    r = await listJson(home);
  } finally {
    db.exec('ROLLBACK');
    db.close();
  }
  assert.ok(r.sessions.some((s) => s.id === 'kf-1'));
  assert.match(r.stderr, /data\.sqlite3: skipped Kiro database: database is locked/);
});

test('Kiro files: a .lock means in use; a log without its metadata is reported and not listed (as the agent lists them); the title field wins', async (t) => {
  const home = tempDir(t);
  const kiro = join(home, '.kiro');
  writeKiroSessionFiles(kiro, { ...conv('k-locked'), title: 'My title' }, { locked: true });
  writeKiroSessionFiles(kiro, conv('k-nometa'));
  rmSync(join(kiro, 'sessions', 'cli', 'k-nometa.json'));
  writeFileSync(join(kiro, 'sessions', 'cli', 'lonely.lock'), '{}');
  const { sessions, stderr } = await listJson(home);
  const locked = sessions.find((s) => s.id === 'k-locked')!;
  assert.deepEqual([locked.inUse, locked.title], [true, 'My title']);
  // What an interrupted copy or move leaves: reported, not listed as a half session.
  assert.match(stderr, /k-nometa\.jsonl: skipped: a log without its metadata file/);
  assert.equal(sessions.length, 1);
});

test('in use: a session written in the last minute, and not one written earlier', async (t) => {
  const home = tempDir(t);
  // Written 50 s ago, last activity 20 s ago.
  const c = { ...conv('session_recent'), startMs: Date.now() - 50_000, turns: [{ prompt: 'p', answer: 'a' }] };
  writeKimiCodeSession(join(home, '.kimi-code'), c);
  writeKimiCodeSession(join(home, '.kimi-code'), conv('session_old'));
  const { sessions } = await listJson(home);
  assert.deepEqual(sessions.map((s) => [s.id, s.inUse]).sort(), [['session_old', false], ['session_recent', true]]);
});

test('Kiro database: reading never writes (read-only connection, even while the agent holds the file)', async (t) => {
  const home = tempDir(t);
  const dir = join(home, '.local', 'share', 'kiro-cli');
  const dbPath = join(dir, 'data.sqlite3');
  const seed = openKiroDb(dbPath);
  insertKiroConversation(seed, conv('ro-1'));
  insertKiroConversation(seed, conv('ro-2', '/w/other'));
  seed.close();
  // The agent keeps its own connection open while we read.
  const agent = new Database(dbPath);
  t.after(() => agent.close());
  const files = (): Map<string, string> => hashTree(dir);
  const stamps = (): string[] => [...files().keys()].sort().map((f) => `${f}:${statSync(join(dir, f)).mtimeMs}`);
  const beforeFiles = files();
  const beforeStamps = stamps();
  await listJson(home);
  await showJson(home, 'ro-1');
  const found = await runInProcess(['search', 'question', '--json', '--no-cache'], testEnv(home));
  assert.equal(found.code, 0, found.stderr);
  // Same files (no journal, WAL or shared-memory file left behind), same bytes, same times.
  assert.deepEqual(files(), beforeFiles);
  assert.deepEqual(stamps(), beforeStamps);
  assert.deepEqual(agent.prepare('SELECT conversation_id AS id FROM conversations_v2 ORDER BY id').all(), [{ id: 'ro-1' }, { id: 'ro-2' }]);
});
