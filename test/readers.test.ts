// Layout-specific reading rules, each on a small home built for the case.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  writeKimiCodeWorkspaces,
  writeKiroSessionFiles,
} from '../fixtures/layouts.js';
import type { Message, Session } from '../src/model.js';
import { hashTree, listJson, liveKiroPid, runInProcess, tempDir, testEnv } from './helpers.js';

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
  writeKiroSessionFiles(kiro, { ...conv('k-locked'), title: 'My title' }, { locked: true, lockPid: liveKiroPid() });
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

test('in use: a session another program wrote in the last 10 s, and not one written earlier', async (t) => {
  const home = tempDir(t);
  // Started 35 s ago, last activity 5 s ago; the other 20 s ago.
  const c = { ...conv('session_recent'), startMs: Date.now() - 35_000, turns: [{ prompt: 'p', answer: 'a' }] };
  writeKimiCodeSession(join(home, '.kimi-code'), c);
  writeKimiCodeSession(join(home, '.kimi-code'), { ...conv('session_earlier'), startMs: Date.now() - 50_000, turns: [{ prompt: 'p', answer: 'a' }] });
  writeKimiCodeSession(join(home, '.kimi-code'), conv('session_old'));
  const { sessions } = await listJson(home);
  assert.deepEqual(sessions.map((s) => [s.id, s.inUse]).sort(), [['session_earlier', false], ['session_old', false], ['session_recent', true]]);
  assert.match(String(sessions.find((s) => s.id === 'session_recent')!['inUseReason']), /^another program wrote it \d+ s ago$/);
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

const cc = (o: Record<string, unknown>): string => JSON.stringify({ isSidechain: false, userType: 'external', cwd: '/w/app', sessionId: CLAUDE_ID, version: '2.1.0', ...o });
const CLAUDE_ID = '5e551011-0000-4000-8000-000000000001';
const ccUser = (uuid: string, parentUuid: string | null, text: string, ms: number, extra: Record<string, unknown> = {}): string =>
  cc({ type: 'user', uuid, parentUuid, timestamp: new Date(T0 + ms).toISOString(), message: { role: 'user', content: [{ type: 'text', text }] }, ...extra });
const ccAssistant = (uuid: string, parentUuid: string, text: string, ms: number): string =>
  cc({ type: 'assistant', uuid, parentUuid, timestamp: new Date(T0 + ms).toISOString(), message: { id: `msg_${uuid}`, role: 'assistant', content: [{ type: 'text', text }] } });

test('Claude Code: a rewound branch is left out (the parentUuid chain from the last message), a compaction shows as the summary, injected and meta messages are no prompts', async (t) => {
  const home = tempDir(t);
  const dir = join(home, '.claude', 'projects', '-w-app');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${CLAUDE_ID}.jsonl`),
    [
      ccUser('u0', null, 'Caveat: The messages below were generated by the user while running local commands.', 0, { isMeta: true }),
      ccUser('u1', 'u0', 'Start', 1000),
      ccAssistant('a1', 'u1', 'Ready', 2000),
      ccUser('b1u', 'a1', 'First attempt', 3000),
      ccAssistant('b1a', 'b1u', 'First answer', 4000),
      // The person rewound to a1 and asked again: b1 is a branch off the chain.
      ccUser('b2u', 'a1', 'Second attempt', 5000),
      ccAssistant('b2a', 'b2u', 'Second answer', 6000),
      cc({ type: 'system', subtype: 'compact_boundary', uuid: 'cb', parentUuid: null, logicalParentUuid: 'b2a', timestamp: new Date(T0 + 7000).toISOString(), content: 'Conversation compacted' }),
      ccUser('cs', 'cb', 'This session is being continued from a previous conversation. Summary: a plan.', 7001, { isCompactSummary: true }),
      ccUser('cmd', 'cs', '<command-name>/model</command-name>', 7500),
      ccUser('p1u', 'cmd', 'After compaction', 8000),
      ccAssistant('p1a', 'p1u', 'Final answer', 9000),
      // A subagent's record in the same file (the older shape).
      cc({ type: 'assistant', isSidechain: true, uuid: 's1', parentUuid: null, timestamp: new Date(T0 + 8500).toISOString(), message: { role: 'assistant', content: [{ type: 'text', text: 'subagent work' }] } }),
      JSON.stringify({ type: 'custom-title', customTitle: 'Planning', sessionId: CLAUDE_ID }),
    ].join('\n') + '\n',
  );
  const s = await showJson(home, CLAUDE_ID);
  assert.deepEqual(
    s.messages.map((m) => `${m.role}:${m.text.split('.')[0]}`),
    ['user:Start', 'assistant:Ready', 'user:Second attempt', 'assistant:Second answer', 'summary:This session is being continued from a previous conversation', 'user:After compaction', 'assistant:Final answer'],
  );
  assert.equal(s.turns, 3);
  assert.deepEqual([s.title, s.titleSource, s.workDir], ['Planning', 'custom', '/w/app']);
  assert.deepEqual(s.problems, []);

  // A chain broken by damage hides nothing: a record whose parent is not in the file is kept.
  writeFileSync(join(dir, `${CLAUDE_ID}.jsonl`), [ccUser('x1', 'gone', 'Kept one', 0), ccAssistant('x2', 'x1', 'kept answer', 1000), ccUser('y1', 'also-gone', 'Kept two', 2000)].join('\n') + '\n');
  assert.deepEqual((await showJson(home, CLAUDE_ID)).messages.map((m) => m.text), ['Kept one', 'kept answer', 'Kept two']);
});

test('Codex: prompts are the user_message events, not the model copy beside them nor the context items; older rollouts without events use the user items; a thread name is the title', async (t) => {
  const home = tempDir(t);
  const id = '0c0dex00-0000-4000-8000-000000000001'.replace('x', '0');
  const day = join(home, '.codex', 'sessions', '2026', '06', '01');
  mkdirSync(day, { recursive: true });
  const rec = (ms: number, type: string, payload: Record<string, unknown>): string => JSON.stringify({ timestamp: new Date(T0 + ms).toISOString(), type, payload });
  const item = (role: string, text: string): Record<string, unknown> => ({ type: 'message', role, content: [{ type: role === 'user' ? 'input_text' : 'output_text', text }] });
  writeFileSync(
    join(day, `rollout-2026-06-01T10-00-00-${id}.jsonl`),
    [
      rec(0, 'session_meta', { id, timestamp: new Date(T0).toISOString(), cwd: '/w/codex', originator: 'codex_cli_rs', cli_version: '0.63.0' }),
      rec(1, 'response_item', item('user', '<user_instructions>\nbe brief\n</user_instructions>')),
      rec(2, 'response_item', item('user', '<environment_context>\n  <cwd>/w/codex</cwd>\n</environment_context>')),
      rec(1000, 'event_msg', { type: 'user_message', message: 'Fix the build' }),
      rec(1001, 'response_item', item('user', 'Fix the build')),
      rec(2000, 'response_item', { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Check the lockfile.' }], encrypted_content: 'SECRET' }),
      rec(3000, 'response_item', { type: 'function_call', name: 'shell', arguments: '{"command":["npm","ci"]}', call_id: 'c1' }),
      rec(4000, 'response_item', { type: 'function_call_output', call_id: 'c1', output: 'added 10 packages' }),
      rec(5000, 'response_item', item('assistant', 'The build passes.')),
      rec(6000, 'compacted', { message: 'Fixed the build by reinstalling.', replacement_history: [] }),
      rec(7000, 'some_future_record', { x: 1 }),
    ].join('\n') + '\n',
  );
  appendFileSync(join(home, '.codex', 'session_index.jsonl'), JSON.stringify({ id, thread_name: 'Build fix', updated_at: '2026-06-01T10:00:10Z' }) + '\n');
  const s = await showJson(home, id);
  assert.deepEqual(
    s.messages.map((m) => `${m.role}${m.thinking ? '/thinking' : ''}${m.tool ? `/${m.tool.name}` : ''}:${m.text}`),
    ['user:Fix the build', 'assistant/thinking:Check the lockfile.', 'assistant/shell:', 'tool/shell:added 10 packages', 'assistant:The build passes.', 'summary:Fixed the build by reinstalling.'],
  );
  assert.ok(!JSON.stringify(s).includes('SECRET'), 'encrypted reasoning is never shown');
  assert.deepEqual([s.title, s.titleSource, s.workDir, s.turns, s.archived], ['Build fix', 'custom', '/w/codex', 1, false]);

  // Renamed twice: the last line wins; a rollout from before the events: its user items are the prompts.
  appendFileSync(join(home, '.codex', 'session_index.jsonl'), JSON.stringify({ id, thread_name: 'Build fixed', updated_at: '2026-06-01T10:00:20Z' }) + '\n');
  assert.equal((await showJson(home, id)).title, 'Build fixed');
  const old = '0c0de000-0000-4000-8000-000000000002';
  mkdirSync(join(home, '.codex', 'archived_sessions'), { recursive: true });
  writeFileSync(
    join(home, '.codex', 'archived_sessions', `rollout-2025-01-01T00-00-00-${old}.jsonl`),
    [rec(0, 'session_meta', { id: old, cwd: '/w/old' }), rec(1, 'response_item', item('user', '<environment_context>x</environment_context>')), rec(2, 'response_item', item('user', 'Old question')), rec(3, 'response_item', item('assistant', 'Old answer'))].join('\n') + '\n',
  );
  const o = await showJson(home, old);
  assert.deepEqual(o.messages.map((m) => `${m.role}:${m.text}`), ['user:Old question', 'assistant:Old answer']);
  assert.deepEqual([o.title, o.titleSource, o.archived, o.turns], ['Old question', 'prompt', true, 1]);
});

test('Kimi Code v2: session-meta/state.json and a root wire.jsonl; context.undo takes back turns (never past a compaction); every compaction shape is the summary; a cancelled compaction and goal, task and swarm records change nothing', async (t) => {
  const home = tempDir(t);
  const kc = join(home, '.kimi-code');
  const turns = ['one', 'two', 'three', 'four', 'five'].map((w) => ({ prompt: `turn ${w}`, answer: `answer ${w}` }));
  const dir = writeKimiCodeSession(kc, { ...conv('session_v2'), turns, compactAfter: 2, summary: 'the summary object' }, { sessionMeta: true, v2: { undo: { afterTurn: 4, count: 5 }, cancelledCompactionAfter: 1, compactionShape: 'message', bookkeeping: true } });
  assert.ok(!existsSync(join(dir, 'state.json')) && existsSync(join(dir, 'session-meta', 'state.json')) && existsSync(join(dir, 'wire.jsonl')));
  const s = await showJson(home, 'session_v2');
  // Undo of 5 after turn four takes back three and four, and stops at the compaction after turn two.
  assert.deepEqual(s.messages.map((m) => `${m.role}:${m.text}`), ['user:turn one', 'assistant:answer one', 'user:turn two', 'assistant:answer two', 'summary:the summary object', 'user:turn five', 'assistant:answer five']);
  assert.deepEqual([s.turns, s.title, s.workDir, s.problems], [3, 'turn one', '/w/app', []]);

  writeKimiCodeSession(kc, { ...conv('session_ctx'), compactAfter: 1, summary: 'only a contextSummary' }, { v2: { compactionShape: 'contextSummary' } });
  assert.deepEqual((await showJson(home, 'session_ctx')).messages.filter((m) => m.role === 'summary').map((m) => m.text), ['only a contextSummary']);
});

test('Kimi Code v2: what the agent injected is never a prompt (origin.kind); a slash command or shell input a person typed is; workspaces.json and custom.cwd name a work dir state.json leaves out', async (t) => {
  const home = tempDir(t);
  const kc = join(home, '.kimi-code');
  const dir = writeKimiCodeSession(kc, { ...conv('session_origins', '/w/orig', 0) });
  const wire = join(dir, 'agents', 'main', 'wire.jsonl');
  const msg = (text: string, origin: unknown, at: number): string => JSON.stringify({ type: 'context.append_message', message: { role: 'user', content: [{ type: 'text', text }], toolCalls: [], ...(origin ? { origin } : {}) }, time: T0 + at });
  appendFileSync(
    wire,
    [
      JSON.stringify({ type: 'turn.prompt', input: [{ type: 'text', text: 'injected by the agent' }], origin: { kind: 'injection' }, time: T0 }),
      msg('injected by the agent', { kind: 'injection' }, 1),
      msg('/review the diff', { kind: 'skill_activation', trigger: 'user-slash' }, 2),
      msg('a skill the model chose', { kind: 'skill_activation', trigger: 'model' }, 3),
      msg('ls -la', { kind: 'shell_command', phase: 'input' }, 4),
      msg('total 0', { kind: 'shell_command', phase: 'output' }, 5),
      msg('typed plainly', null, 6),
    ].join('\n') + '\n',
  );
  const s = await showJson(home, 'session_origins');
  assert.deepEqual(s.messages.map((m) => m.text), ['/review the diff', 'ls -la', 'typed plainly']);
  assert.equal(s.turns, 3);
  assert.equal(s.title, '/review the diff');

  // No cwd in state.json: custom.cwd first (the agent's recoverCwd), then workspaces.json by the bucket's name.
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
  delete state['cwd'];
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ ...state, custom: { cwd: '/w/from-custom' } }));
  assert.equal((await showJson(home, 'session_origins')).workDir, '/w/from-custom');
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  rmSync(join(kc, 'session_index.jsonl'));
  writeKimiCodeWorkspaces(kc, ['/w/orig'], T0);
  assert.equal((await showJson(home, 'session_origins')).workDir, '/w/orig');
});

test('Kimi Code work-dir keys follow the v2 engine: `.` and `..` give workspace, and dashes are trimmed again after the 40-character cut', () => {
  assert.match(kimiCodeWorkDirKey('/srv/..'), /^wd_workspace_[0-9a-f]{12}$/);
  assert.match(kimiCodeWorkDirKey('/srv/.'), /^wd_workspace_[0-9a-f]{12}$/);
  // 39 letters then a space: the 40-character cut ends on a dash, which goes.
  assert.match(kimiCodeWorkDirKey(`/p/${'a'.repeat(39)} tail`), new RegExp(`^wd_${'a'.repeat(39)}_[0-9a-f]{12}$`));
  assert.match(kimiCodeWorkDirKey('/home/me/My Project!'), /^wd_my-project_[0-9a-f]{12}$/);
});

test('Kiro files: a lock whose pid is dead or not a kiro process is stale (not in use); an unreadable lock counts as held; <id>.json.tmp is never a session; KIRO_TEST_SESSIONS_DIR names the folder', async (t) => {
  const home = tempDir(t);
  const kiro = join(home, '.kiro');
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
  const sleeper = spawn('sleep', ['30']);
  t.after(() => sleeper.kill());
  const cases: Array<[string, number | null, boolean]> = [
    ['k-live', liveKiroPid(), true],
    ['k-dead', gone, false],
    ['k-other', sleeper.pid!, false],
    ['k-garbled', null, true],
  ];
  for (const [id, pid] of cases) writeKiroSessionFiles(kiro, conv(id), { locked: true, lockPid: pid ?? 0 });
  writeFileSync(join(kiro, 'sessions', 'cli', 'k-garbled.lock'), 'not json');
  // The agent's atomic write in progress.
  writeFileSync(join(kiro, 'sessions', 'cli', 'k-live.json.tmp'), '{"session_id":"k-live"');
  const { sessions } = await listJson(home);
  for (const [id, , live] of cases) assert.equal(sessions.find((s) => s.id === id)?.inUse, live, `${id}: in use`);
  assert.equal(sessions.length, cases.length, 'the .json.tmp is not a session');

  // Deleting a session with a stale lock takes the lock as the agent does, and leaves none behind.
  const rm = await runInProcess(['rm', 'kiro-files:k-dead', '--no-cache'], testEnv(home));
  assert.equal(rm.code, 0, rm.stderr);
  assert.ok(!existsSync(join(kiro, 'sessions', 'cli', 'k-dead.lock')) && !existsSync(join(kiro, 'sessions', 'cli', 'k-dead.json')));
  // A live one is refused, and with --force the agent's own lock is left where it is.
  assert.equal((await runInProcess(['rm', 'kiro-files:k-live', '--no-cache'], testEnv(home))).code, 1);
  assert.equal((await runInProcess(['rm', 'kiro-files:k-live', '--no-cache', '--force'], testEnv(home))).code, 0);
  assert.equal(JSON.parse(readFileSync(join(kiro, 'sessions', 'cli', 'k-live.lock'), 'utf8')).pid, liveKiroPid());

  const elsewhere = tempDir(t);
  writeKiroSessionFiles(join(elsewhere, 'k'), conv('k-test-dir'));
  const env = { ...testEnv(home), KIRO_TEST_SESSIONS_DIR: join(elsewhere, 'k', 'sessions', 'cli') };
  const r = await runInProcess(['list', '--json', '--no-cache', '--source', 'kiro-files'], env);
  assert.deepEqual((JSON.parse(r.stdout) as Session[]).map((s) => s.id), ['k-test-dir']);
});
