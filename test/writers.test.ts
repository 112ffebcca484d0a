// The pieces every layout writer is built from, on their own: cutting long
// tool output, finding the end of a turn, rewriting an agent's JSON file and
// one Kiro row at a time. What each layout writes is in the action suites.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from './harness.js';
import { insertKiroConversation, insertKiroLegacyConversation, openKiroDb, writeKimiCliFlatSession, writeKimiCliSession, writeKimiCodeSession, writeKiroSessionFiles } from '../fixtures/layouts.js';
import { SHRINK_LIMIT } from '../src/actions/compact.js';
import { ageTree, HomeRunner } from './action-suite.js';
import { conversationIdTaken, deleteRow, getRow, insertRow, updateValue, withKiroDb } from '../src/layouts/kiro-sqlite/db.js';
import { readJsonDoc, writeJsonDoc } from '../src/layouts/json-doc.js';
import { endOfTurn, forkTitle, outOfTurns, trimmedNote, trimStrings } from '../src/layouts/write-kit.js';
import type { ActionTarget } from '../src/actions/target.js';
import { hashTree, tempDir } from './helpers.js';

test('trimStrings cuts every string longer than the limit, at any depth, and says whether it cut', () => {
  const long = 'x'.repeat(12);
  const value = { a: long, b: ['short', long, { c: long, d: 'y'.repeat(10) }], e: null, f: 7, g: true };
  assert.equal(trimStrings(value, 10), true);
  const cut = trimmedNote(long, 10);
  assert.equal(cut, `${'x'.repeat(10)}\n[… 2 more characters removed by \`sessions compact --shrink\`]`);
  assert.deepEqual(value, { a: cut, b: ['short', cut, { c: cut, d: 'y'.repeat(10) }], e: null, f: 7, g: true }, 'a string of exactly the limit stays');
  assert.equal(trimStrings({ a: ['ok', { b: 'fine' }], n: null }, 10), false);
  assert.equal(trimStrings('x'.repeat(11), 10), true, 'a bare string counts');
});

test('endOfTurn finds where turn n ends; a turn number out of range names how many turns there are', () => {
  const items = ['p', 'a', 'p', 'a', 'a', 'p', 'a'];
  const isStart = (x: string) => x === 'p';
  assert.equal(endOfTurn(items, 1, isStart, 's'), 2);
  assert.equal(endOfTurn(items, 2, isStart, 's'), 5);
  assert.equal(endOfTurn(items, 3, isStart, 's'), items.length, 'the last turn runs to the end');
  assert.throws(() => endOfTurn(items, 4, isStart, 's'), /^Error: s has 3 turns; cannot cut after turn 4$/);
  assert.throws(() => endOfTurn(items, 0, isStart, 's'), /cannot cut after turn 0/);
  assert.throws(() => endOfTurn(['a', 'p'], 2, isStart, 's'), /^Error: s has 1 turn; cannot cut after turn 2$/);
  assert.equal(outOfTurns('x', 5, 0).message, 'x has 0 turns; cannot cut after turn 5');
});

test("a fork's default title is Fork: and the title, or the id when there is no title", () => {
  const target = (title: string, titleSource: string): ActionTarget => ({ transcript: { session: { id: 'abc', title, titleSource } } }) as unknown as ActionTarget;
  assert.equal(forkTitle(target('Deploy', 'prompt'), {}), 'Fork: Deploy');
  assert.equal(forkTitle(target('Deploy', 'none'), {}), 'Fork: abc');
  assert.equal(forkTitle(target('', 'prompt'), {}), 'Fork: abc');
  assert.equal(forkTitle(target('Deploy', 'prompt'), { title: '' }), '', 'a title given, even empty, wins');
});

test("an agent's JSON file is rewritten keeping its indentation; what cannot be read is never rewritten", (t) => {
  const dir = tempDir(t);
  const at = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  const four = at('four.json', '{\n    "a": 1,\n    "b": {"keep": [1, 2]}\n}\n');
  const doc = readJsonDoc(four, 'four.json');
  assert.equal(doc.indent, 4);
  doc.value['a'] = 2;
  writeJsonDoc(four, doc);
  assert.equal(readFileSync(four, 'utf8'), '{\n    "a": 2,\n    "b": {\n        "keep": [\n            1,\n            2\n        ]\n    }\n}\n');
  const flat = at('flat.json', '{"a":1}');
  const flatDoc = readJsonDoc(flat, 'flat.json');
  assert.equal(flatDoc.indent, 0);
  writeJsonDoc(flat, flatDoc);
  assert.equal(readFileSync(flat, 'utf8'), '{"a":1}', 'one line, no newline added');
  assert.equal(readJsonDoc(at('tabs.json', '{\n\t"a": 1\n}'), 'x').indent, 0, 'tabs: written compact rather than guessed');
  assert.equal(readJsonDoc(at('inner.json', '{"a": {\n  "b": 1}}'), 'x').indent, 0, 'only the first key tells');

  assert.throws(() => readJsonDoc(join(dir, 'none.json'), 'state.json'), /^Error: state\.json: missing$/);
  assert.throws(() => readJsonDoc(dir, 'state.json'), /^Error: state\.json: EISDIR/);
  assert.throws(() => readJsonDoc(at('bad.json', '{"a":'), 'state.json'), /^Error: state\.json is not valid JSON; not rewriting it$/);
  assert.throws(() => readJsonDoc(at('list.json', '[1]'), 'state.json'), /^Error: state\.json is not a JSON object; not rewriting it$/);
});

test('Kiro rows: one row read, added, changed or deleted at a time, in either table; ids are unique across both', (t) => {
  const path = join(tempDir(t), 'data.sqlite3');
  const db = openKiroDb(path);
  const conv = (id: string, workDir: string) => ({ id, workDir, startMs: 1_000, turns: [{ prompt: `hi ${id}`, answer: 'ok' }] });
  insertKiroConversation(db, conv('v2-a', '/w'));
  insertKiroConversation(db, conv('v2-b', '/w'));
  insertKiroLegacyConversation(db, conv('old-a', '/w/old'));
  db.close();

  withKiroDb(path, (d) => {
    const a = getRow(d, 'conversations_v2', '/w', 'v2-a')!;
    assert.deepEqual([a.table, a.key, a.conversationId, a.createdAt], ['conversations_v2', '/w', 'v2-a', 1_000]);
    assert.equal(getRow(d, 'conversations_v2', '/w', 'nope'), undefined);
    const old = getRow(d, 'conversations', '/w/old', 'old-a')!;
    assert.deepEqual([old.table, old.key, old.conversationId, old.createdAt, old.updatedAt], ['conversations', '/w/old', 'old-a', null, null]);

    updateValue(d, a, '{"changed":1}', 5_000);
    assert.deepEqual(d.prepare('SELECT value, updated_at FROM conversations_v2 WHERE conversation_id = ?').get('v2-a'), { value: '{"changed":1}', updated_at: 5_000 });
    assert.match(String(d.prepare('SELECT value FROM conversations_v2 WHERE conversation_id = ?').pluck().get('v2-b')), /hi v2-b/, 'its sibling is untouched');
    updateValue(d, old, '{"conversation_id":"old-a","x":1}', 5_000);
    assert.equal(d.prepare('SELECT value FROM conversations WHERE key = ?').pluck().get('/w/old'), '{"conversation_id":"old-a","x":1}');
    assert.throws(() => updateValue(d, { table: 'conversations_v2', key: '/w', conversationId: 'nope' }, '{}', 1), /^Error: the row of nope is gone$/);
    assert.throws(() => updateValue(d, { table: 'conversations', key: '/nowhere', conversationId: 'x' }, '{}', 1), /the row of x is gone/);

    assert.equal(conversationIdTaken(d, 'v2-b'), true);
    assert.equal(conversationIdTaken(d, 'old-a'), true, 'an id inside an old row counts');
    assert.equal(conversationIdTaken(d, 'free'), false);

    insertRow(d, { table: 'conversations_v2', key: '/w2', conversationId: 'new', value: '{}', createdAt: 7, updatedAt: 8 });
    assert.deepEqual(d.prepare('SELECT created_at, updated_at FROM conversations_v2 WHERE conversation_id = ?').get('new'), { created_at: 7, updated_at: 8 });
    assert.throws(() => insertRow(d, { table: 'conversations_v2', key: '/w2', conversationId: 'new', value: '{"other":1}', createdAt: 7, updatedAt: 8 }), /UNIQUE/, 'never replaces');
    insertRow(d, { table: 'conversations', key: '/w/old2', conversationId: 'old-b', value: '{"conversation_id":"old-b"}', createdAt: null, updatedAt: null });
    assert.equal(conversationIdTaken(d, 'old-b'), true);

    assert.equal(deleteRow(d, { table: 'conversations_v2', key: '/w', conversationId: 'v2-a' }), true);
    assert.equal(deleteRow(d, { table: 'conversations_v2', key: '/w', conversationId: 'v2-a' }), false, 'gone already');
    assert.equal(deleteRow(d, { table: 'conversations', key: '/w/old2', conversationId: 'old-b' }), true);
    assert.equal(d.prepare('SELECT count(*) FROM conversations_v2').pluck().get(), 2);
  });
  // A home without the old table: ids are looked up in the new one only.
  const fresh = join(tempDir(t), 'fresh.sqlite3');
  const f = new Database(fresh);
  f.exec('CREATE TABLE conversations_v2 (key TEXT, conversation_id TEXT, value TEXT, created_at INTEGER, updated_at INTEGER, PRIMARY KEY (key, conversation_id))');
  f.close();
  assert.equal(withKiroDb(fresh, (d) => conversationIdTaken(d, 'x')), false);
  assert.throws(() => withKiroDb(join(tempDir(t), 'absent.sqlite3'), () => 1), /unable to open|does not exist/, 'a missing database is not made');
});

test('compact --shrink cuts only the tool outputs over the limit, in every layout, and says so where it cut', async (t) => {
  const home = tempDir(t);
  const long = `${'L'.repeat(SHRINK_LIMIT)}TAIL-CUT-OFF`;
  const turns = [
    { prompt: 'look around', answer: 'looked' },
    // Both in the last turn: Kiro's /compact keeps only the turn after the summary, and shrink works on what compact kept.
    { prompt: 'run both', tools: [{ name: 'Shell', args: { command: 'big' }, output: long }, { name: 'Shell', args: { command: 'small' }, output: 'small output kept' }], answer: 'done' },
  ];
  const old = Date.now() - 3 * 86_400_000;
  const c = (id: string) => ({ id, workDir: '/w/shrink', startMs: old, turns });
  writeKimiCodeSession(join(home, '.kimi-code'), c('session_shrink'));
  writeKimiCliSession(join(home, '.kimi'), c('11111111-1111-4111-8111-111111111111'));
  writeKiroSessionFiles(join(home, '.kiro'), c('22222222-2222-4222-8222-222222222222'));
  const db = openKiroDb(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  insertKiroConversation(db, c('33333333-3333-4333-8333-333333333333'));
  db.close();
  ageTree(home);
  const h = new HomeRunner(home);
  const sessions = await h.list();
  assert.deepEqual(sessions.map((s) => s.source).sort(), ['kimi-cli', 'kimi-code', 'kiro-files', 'kiro-sqlite']);
  for (const s of sessions) {
    const r = await h.json<{ resultId: string }>(['compact', `${s.source}:${s.id}`, '--shrink', '--json']);
    const after = await h.show(`${s.source}:${r.resultId}`);
    const tools = after.messages.filter((m) => m.role === 'tool').map((m) => m.text);
    const all = JSON.stringify(after.messages);
    assert.ok(!all.includes('TAIL-CUT-OFF'), `${s.source}: the long output was cut`);
    assert.ok(tools.some((x) => x.includes(`${'L'.repeat(100)}`) && x.includes('[… 12 more characters removed by `sessions compact --shrink`]')), `${s.source}: the cut says so: ${tools.join(' | ').slice(0, 300)}`);
    assert.ok(tools.some((x) => x.includes('small output kept')), `${s.source}: the short output is kept`);
    // Every file the session keeps is cut, not only the one shown: Kimi CLI's wire and the context its compaction rotated.
    if (s.source === 'kiro-sqlite') continue;
    const where = s.source === 'kiro-files' ? dirname(s.path) : s.path;
    for (const rel of readdirSync(where, { recursive: true }).map(String)) {
      const file = join(where, rel);
      if (statSync(file).isFile()) assert.ok(!readFileSync(file, 'utf8').includes('TAIL-CUT-OFF'), `${s.source}: ${rel} still holds the long output`);
    }
  }
});

test('Kimi Code fork --at-turn counts turns as the agent does, cuts subagents at the same moment, and writes the state the agent writes', async (t) => {
  const home = tempDir(t);
  const T = Date.now() - 5 * 86_400_000;
  const kc = join(home, '.kimi-code');
  const c = { id: 'session_cut', workDir: '/w/cut', startMs: T, turns: ['P1 first prompt', 'P2 second prompt', 'P3 third prompt'].map((prompt) => ({ prompt, answer: `answer to ${prompt}` })) };
  const dir = writeKimiCodeSession(kc, c, { subagentTurns: [{ prompt: 'SUB early', answer: 'a' }, { prompt: 'SUB late', answer: 'b' }] });
  // Between the first and the second prompt: messages the agent does or does not count as a turn.
  const user = (text: string, origin: Record<string, unknown> | undefined, at: number) =>
    JSON.stringify({ type: 'context.append_message', agentId: 'main', message: { role: 'user', content: [{ type: 'text', text }], toolCalls: [], ...(origin ? { origin } : {}) }, time: T + 30_000 + at });
  const wire = join(dir, 'agents', 'main', 'wire.jsonl');
  const lines = readFileSync(wire, 'utf8').trimEnd().split('\n');
  const p2 = lines.findIndex((l) => l.includes('"turn.prompt"') && l.includes('P2 second prompt'));
  lines.splice(
    p2,
    0,
    user('SKILL by the model', { kind: 'skill_activation', trigger: 'model' }, 1),
    user('SHELL output', { kind: 'shell_command', phase: 'output' }, 2),
    user('<system-reminder>REMINDER without origin</system-reminder>', undefined, 3),
    user('INJECTED by origin', { kind: 'injection' }, 4),
    JSON.stringify({ type: 'file_history.snapshot', agentId: 'main', files: [], time: T + 30_005 }),
    user('SLASH by the person', { kind: 'plugin_command', trigger: 'user-slash' }, 6),
    user('SKILL by the person', { kind: 'skill_activation', trigger: 'user-slash' }, 7),
    user('SHELL input', { kind: 'shell_command', phase: 'input' }, 8),
  );
  writeFileSync(wire, lines.join('\n') + '\n');
  // A subagent whose records all come after the cut, and custom state the fork must or must not keep.
  mkdirSync(join(dir, 'agents', 'agent-late'));
  writeFileSync(join(dir, 'agents', 'agent-late', 'wire.jsonl'), JSON.stringify({ type: 'metadata', protocol_version: '1.5', created_at: T + 600_000, time: T + 600_000 }) + '\n');
  const statePath = join(dir, 'state.json');
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, Record<string, unknown>>;
  state['agents']!['agent-0'] = { ...(state['agents']!['agent-0'] as object), type: 'explore', parentAgentId: undefined };
  state['agents']!['agent-late'] = { type: 'sub', parentAgentId: 'main', homedir: '/x' };
  Object.assign(state, { custom: { goal: 'the old goal', kept: 1 }, lastTurnReason: 'blocked', archived: true });
  writeFileSync(statePath, JSON.stringify(state));
  ageTree(home);
  const h = new HomeRunner(home);

  // Turns as the agent's fork counts them: P1, SLASH, SKILL by the person, SHELL input, P2, P3. Cut after the third.
  // (The reader counts 3 turns, the prompts alone, which bounds --at-turn: the current-formats issue settles who is right.)
  const fork = await h.json<{ id: string; path: string }>(['fork', 'kimi-code:session_cut', '--at-turn', '3', '--title', 'Cut here']);
  const path = fork.path ?? join(dirname(dir), fork.id);
  const userTexts = (file: string) =>
    readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>)
      .filter((r) => r['type'] === 'context.append_message' && r['message']?.['role'] === 'user')
      .map((r) => String(r['message']['content'][0]['text']));
  const mainTexts = userTexts(join(path, 'agents', 'main', 'wire.jsonl'));
  assert.ok(mainTexts.includes('SKILL by the person'), `the third turn is kept: ${mainTexts.join(' | ')}`);
  assert.ok(!mainTexts.includes('SHELL input') && !mainTexts.includes('P2 second prompt'), `the fourth is not: ${mainTexts.join(' | ')}`);
  const records = readFileSync(join(path, 'agents', 'main', 'wire.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(records[0]!['type'], 'metadata');
  assert.deepEqual([records.at(-1)!['type'], records.at(-1)!['agentId']], ['forked', 'main']);
  assert.ok(!records.some((r) => String(r['type']).startsWith('file_history.')), 'file history is left out of a cut');
  assert.ok(records.filter((r) => r['type'] === 'turn.prompt').length <= 3);

  const subTexts = userTexts(join(path, 'agents', 'agent-0', 'wire.jsonl'));
  assert.deepEqual(subTexts.filter((x) => x.startsWith('SUB')), ['SUB early'], 'the subagent is cut where the main agent is');
  assert.ok(!existsSync(join(path, 'agents', 'agent-late')), 'a subagent with nothing before the cut is dropped');

  const forked = JSON.parse(readFileSync(join(path, 'state.json'), 'utf8')) as Record<string, any>;
  assert.deepEqual(Object.keys(forked['agents']).sort(), ['agent-0', 'main']);
  assert.deepEqual([forked['agents']['agent-0']['type'], forked['agents']['agent-0']['parentAgentId'], forked['agents']['main']['type']], ['explore', 'main', 'main']);
  for (const [agentId, a] of Object.entries(forked['agents'] as Record<string, { homedir: string }>)) assert.equal(a.homedir, join(path, 'agents', agentId));
  assert.deepEqual([forked['title'], forked['titleKind'], forked['isCustomTitle'], forked['forkedFrom']], ['Cut here', 'custom', true, 'session_cut']);
  assert.deepEqual(forked['custom'], { kept: 1 }, 'the goal stays with the original');
  assert.equal(forked['lastPrompt'], undefined, 'a cut fork has no last prompt of the original');
  assert.equal(forked['lastTurnReason'], 'blocked');
  assert.equal(forked['cwd'], '/w/cut');
  assert.deepEqual([forked['id'], forked['version'], forked['archived'], forked['updatedAt']], [fork.id, 2, false, state['updatedAt']]);
  assert.ok(Math.abs(Number(forked['createdAt']) - Date.now()) < 60_000, 'made now');
  const index = readFileSync(join(kc, 'session_index.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(index.at(-1), { sessionId: fork.id, sessionDir: path, workDir: '/w/cut' });

  // A whole fork: every agent, every record, the last prompt, a default title the agent may replace.
  const whole = await h.json<{ id: string; path: string }>(['fork', 'kimi-code:session_cut']);
  const wholePath = whole.path ?? join(dirname(dir), whole.id);
  const w = JSON.parse(readFileSync(join(wholePath, 'state.json'), 'utf8')) as Record<string, any>;
  assert.deepEqual(Object.keys(w['agents']).sort(), ['agent-0', 'agent-late', 'main']);
  assert.deepEqual([w['titleKind'], w['isCustomTitle']], ['replaceable', false]);
  assert.match(w['title'], /^Fork: /);
  assert.equal(w['lastPrompt'], state['lastPrompt']);
  const wholeWire = readFileSync(join(wholePath, 'agents', 'main', 'wire.jsonl'), 'utf8');
  assert.equal(wholeWire, readFileSync(wire, 'utf8') + JSON.stringify(JSON.parse(wholeWire.trimEnd().split('\n').at(-1)!)) + '\n', 'the whole wire, then one forked record');
  assert.equal(JSON.parse(wholeWire.trimEnd().split('\n').at(-1)!).type, 'forked');
});

test('Kimi Code rename sets the custom title the way /title does; clearing it goes back to what the agent shows', async (t) => {
  const home = tempDir(t);
  const dir = writeKimiCodeSession(join(home, '.kimi-code'), { id: 'session_r', workDir: '/w/r', startMs: Date.now() - 86_400_000 * 3, turns: [{ prompt: 'the first prompt', answer: 'ok' }] });
  const statePath = join(dir, 'state.json');
  const read = () => JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>;
  writeFileSync(statePath, JSON.stringify({ ...read(), customTitle: 'older field', labels: ['kept'] }, null, 2) + '\n');
  ageTree(home);
  const h = new HomeRunner(home);
  await h.ok(['rename', 'kimi-code:session_r', 'My title']);
  let s = read();
  assert.deepEqual([s['title'], s['titleKind'], s['isCustomTitle'], s['customTitle'], s['labels']], ['My title', 'custom', true, 'My title', ['kept']]);
  assert.match(readFileSync(statePath, 'utf8'), /^\{\n {2}"/, 'the indentation is kept');
  await h.ok(['rename', 'kimi-code:session_r', '--clear', '--force']);
  s = read();
  assert.deepEqual([s['title'], s['titleKind'], s['isCustomTitle'], 'customTitle' in s], [undefined, 'replaceable', false, false]);
  // A generated title is the agent's own: clearing a custom title that was never set leaves it.
  writeFileSync(statePath, JSON.stringify({ ...read(), title: 'Generated by the agent', titleKind: 'generated', isCustomTitle: false }));
  await h.ok(['rename', 'kimi-code:session_r', '--clear', '--force']);
  assert.equal(read()['title'], 'Generated by the agent');
  writeFileSync(statePath, JSON.stringify({ ...read(), title: 'Old style custom', titleKind: undefined, isCustomTitle: true }));
  await h.ok(['rename', 'kimi-code:session_r', '--clear', '--force']);
  assert.equal(read()['title'], undefined, 'isCustomTitle alone marks a custom title');
  assert.ok(!('customTitle' in read()));
  await h.ok(['rename', 'kimi-code:session_r', 'Again', '--force']);
  assert.ok(!('customTitle' in read()), 'customTitle is written only where the agent has one');
});

test('Kimi CLI: a cut fork cuts context and wire at the same turn (injected reminders are no turns); compact rotates the context as /clear does', async (t) => {
  const home = tempDir(t);
  const kimi = join(home, '.kimi');
  const id = '44444444-4444-4444-8444-444444444444';
  const c = { id, workDir: '/w/cli', startMs: Date.now() - 4 * 86_400_000, turns: ['C1 first', 'C2 second', 'C3 third'].map((prompt) => ({ prompt, answer: `re ${prompt}` })) };
  const dir = writeKimiCliSession(kimi, c);
  // An injected reminder after the first turn, in both files, and an earlier rotation.
  const insertBefore = (file: string, marker: string, line: string) => {
    const lines = readFileSync(join(dir, file), 'utf8').trimEnd().split('\n');
    lines.splice(lines.findIndex((l) => l.includes(marker)), 0, line);
    writeFileSync(join(dir, file), lines.join('\n') + '\n');
  };
  insertBefore('context.jsonl', '"C2 second"', JSON.stringify({ role: 'user', content: '<system-reminder>not a turn</system-reminder>' }));
  insertBefore('wire.jsonl', '"C2 second"', JSON.stringify({ timestamp: 1, message: { type: 'TurnBegin', payload: { user_input: '<system-reminder>not a turn</system-reminder>' } } }));
  writeFileSync(join(dir, 'context_1.jsonl'), '{"role":"user","content":"before a clear"}\n');
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ ...state, archived: true, archived_at: 5, plan_mode: 'kept' }, null, 2));
  ageTree(home);
  const h = new HomeRunner(home);

  const fork = await h.json<{ id: string; path: string }>(['fork', `kimi-cli:${id}`, '--at-turn', '2', '--title', 'Two turns']);
  const fdir = join(dirname(dir), fork.id);
  const context = readFileSync(join(fdir, 'context.jsonl'), 'utf8');
  const wire = readFileSync(join(fdir, 'wire.jsonl'), 'utf8');
  for (const text of [context, wire]) {
    assert.ok(text.includes('C2 second') && !text.includes('C3 third'), text.slice(-300));
    assert.ok(text.includes('not a turn'), 'the reminder stays where it was');
  }
  assert.equal(readFileSync(join(dir, 'context.jsonl'), 'utf8').startsWith(context.trimEnd().split('\n').slice(0, 3).join('\n')), true, 'a cut keeps the start as it was');
  assert.ok(!existsSync(join(fdir, 'context_1.jsonl')), 'a cut fork starts from the current context only');
  const fstate = JSON.parse(readFileSync(join(fdir, 'state.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual([fstate['custom_title'], fstate['title_generated'], fstate['archived'], fstate['archived_at'], fstate['plan_mode']], ['Two turns', false, false, null, 'kept']);
  const whole = await h.json<{ id: string }>(['fork', `kimi-cli:${id}`]);
  assert.equal(readFileSync(join(dirname(dir), whole.id, 'context_1.jsonl'), 'utf8'), '{"role":"user","content":"before a clear"}\n', 'a whole fork copies the rotations');
  assert.match(String(JSON.parse(readFileSync(join(dirname(dir), whole.id, 'state.json'), 'utf8'))['custom_title']), /^Fork: /);

  const before = readFileSync(join(dir, 'context.jsonl'), 'utf8');
  const r = await h.json<{ summary: string }>(['compact', `kimi-cli:${id}`, '--force']);
  assert.equal(readFileSync(join(dir, 'context_2.jsonl'), 'utf8'), before, 'the old context is the next rotation, byte for byte');
  const fresh = readFileSync(join(dir, 'context.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { role: string; content: unknown });
  assert.deepEqual(fresh.map((x) => x.role), ['_system_prompt', '_checkpoint', 'user']);
  assert.equal(fresh[0]!.content, (JSON.parse(before.split('\n')[0]!) as { content: string }).content);
  assert.ok(String(fresh[2]!.content).endsWith(r.summary));

  // A state.json the agent cannot read is replaced on rename, its copy kept in the trash.
  writeFileSync(join(dir, 'state.json'), '{"version": 1, broken');
  await h.ok(['rename', `kimi-cli:${id}`, 'Renamed', '--force']);
  assert.equal(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))['custom_title'], 'Renamed');
  const trash = (await h.json<Array<{ action: string; id: string }>>(['trash'])).filter((e) => e.action === 'replaced');
  assert.equal(trash.length, 1, 'the compact backup and the broken state.json');
  const trashed = readdirSync(join(home, '.local', 'share', 'sessions', 'trash', trash[0]!.id), { recursive: true }).map(String);
  assert.ok(trashed.some((p) => p.endsWith('state.json')));
});

test('Kimi CLI one-file sessions: a fork is another file, compact says why it cannot', async (t) => {
  const home = tempDir(t);
  const path = writeKimiCliFlatSession(join(home, '.kimi'), { id: 'flat-one', workDir: '/w/flat', startMs: Date.now() - 4 * 86_400_000, turns: [{ prompt: 'F1', answer: 'a' }, { prompt: 'F2', answer: 'b' }] });
  ageTree(home);
  const h = new HomeRunner(home);
  const fork = await h.json<{ id: string }>(['fork', 'kimi-cli:flat-one', '--at-turn', '1']);
  const text = readFileSync(join(dirname(path), `${fork.id}.jsonl`), 'utf8');
  assert.ok(text.includes('F1') && !text.includes('F2'), text);
  assert.match((await h.show(`kimi-cli:${fork.id}`)).title, /^Fork: /);
  const r = await h.run(['compact', 'kimi-cli:flat-one']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /is in Kimi CLI's oldest one-file form, which the agent cannot compact; fork or export it instead/);
});

test('Kiro database: fork --at-turn and compact are new rows under the same work dir, written as the agent writes them; the original row is untouched', async (t) => {
  const home = tempDir(t);
  const dbPath = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  const db = openKiroDb(dbPath);
  const id = '55555555-5555-4555-8555-555555555555';
  const tool = { name: 'execute_bash', args: { command: 'ls' }, output: 'a b c' };
  insertKiroConversation(db, { id, workDir: '/w/k', startMs: Date.now() - 4 * 86_400_000, turns: [{ prompt: 'K1', tools: [tool], answer: 'r1' }, { prompt: 'K2', answer: 'r2' }, { prompt: 'K3', tools: [tool], answer: 'r3' }] });
  insertKiroConversation(db, { id: '66666666-6666-4666-8666-666666666666', workDir: '/w/k', startMs: Date.now() - 5 * 86_400_000, turns: [{ prompt: 'broken', answer: 'x' }] });
  db.close();
  const rows = () => {
    const d = new Database(dbPath, { readonly: true });
    const out = new Map((d.prepare('SELECT conversation_id, key, value FROM conversations_v2').all() as Array<{ conversation_id: string; key: string; value: string }>).map((r) => [r.conversation_id, r]));
    d.close();
    return out;
  };
  const original = rows().get(id)!.value;
  const h = new HomeRunner(home);
  const prompts = (state: { history: Array<{ user: { content: Record<string, unknown> } }> }) => state.history.filter((e) => 'Prompt' in e.user.content).map((e) => (e.user.content['Prompt'] as { prompt: string }).prompt);

  const fork = await h.json<{ id: string }>(['fork', `kiro-sqlite:${id}`, '--at-turn', '2']);
  const f = rows().get(fork.id)!;
  const fs = JSON.parse(f.value) as Record<string, any>;
  assert.equal(f.key, '/w/k');
  assert.equal(fs['conversation_id'], fork.id, 'the id inside the JSON is the row’s');
  assert.deepEqual(prompts(fs as never), ['K1', 'K2']);
  assert.deepEqual(fs['valid_history_range'], [0, fs['history'].length]);
  assert.deepEqual(fs['transcript'].filter((l: string) => l.startsWith('> ')), ['> K1', '> K2']);
  assert.equal((await h.show(`kiro-sqlite:${fork.id}`)).title, `Fork: ${(await h.show(`kiro-sqlite:${id}`)).title}`);
  assert.equal(rows().get(id)!.value, original);

  const compact = await h.json<{ resultId: string; summary: string }>(['compact', `kiro-sqlite:${id}`]);
  const cs = JSON.parse(rows().get(compact.resultId)!.value) as Record<string, any>;
  assert.notEqual(compact.resultId, id);
  assert.equal(cs['conversation_id'], compact.resultId);
  assert.deepEqual(prompts(cs as never), ['K3'], 'the last prompt and what followed it are kept');
  assert.equal(cs['history'].length, 2);
  assert.deepEqual(cs['valid_history_range'], [0, 2]);
  assert.equal(cs['latest_summary'][0], compact.summary);
  assert.deepEqual(cs['latest_summary'][1], (JSON.parse(original) as Record<string, any>)['history'].at(-1)['request_metadata'], 'the metadata of the last request, as /compact keeps it');
  assert.equal((await h.show(`kiro-sqlite:${compact.resultId}`)).title, (await h.show(`kiro-sqlite:${id}`)).title);
  assert.equal(rows().get(id)!.value, original, '/compact keeps the old row');

  // Values the agent would not load are not copied.
  const w = new Database(dbPath);
  w.prepare('UPDATE conversations_v2 SET value = ? WHERE conversation_id = ?').run('{"conversation_id": "66666666-6666-4666-8666-666666666666", "history": "no"}', '66666666-6666-4666-8666-666666666666');
  w.close();
  const bad = await h.run(['fork', 'kiro-sqlite:66666666-6666-4666-8666-666666666666']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /the row's value is not a Kiro conversation/);
  assert.equal(rows().size, 4);
});

test('Kiro session files: rename writes the title field, a fork is a new pair of files cut at a prompt, compact appends a Compaction entry', async (t) => {
  const home = tempDir(t);
  const id = '77777777-7777-4777-8777-777777777777';
  const metaPath = writeKiroSessionFiles(join(home, '.kiro'), { id, workDir: '/w/kf', startMs: Date.now() - 4 * 86_400_000, turns: [{ prompt: 'Q1', answer: 'a1' }, { prompt: 'Q2', answer: 'a2' }, { prompt: 'Q3', answer: 'a3' }] });
  const dir = metaPath.endsWith('.json') ? dirname(metaPath) : metaPath;
  ageTree(home);
  const h = new HomeRunner(home);
  const logBefore = readFileSync(join(dir, `${id}.jsonl`), 'utf8');
  const metaBefore = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as Record<string, unknown>;

  await h.ok(['rename', `kiro-files:${id}`, 'Named']);
  const meta = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(meta, { ...metaBefore, title: 'Named' }, 'only the title changes');

  const fork = await h.json<{ id: string }>(['fork', `kiro-files:${id}`, '--at-turn', '2']);
  const fmeta = JSON.parse(readFileSync(join(dir, `${fork.id}.json`), 'utf8')) as Record<string, unknown>;
  assert.equal(fmeta['session_id'], fork.id);
  assert.equal(fmeta['title'], 'Fork: Named');
  assert.equal(fmeta['created_at'], fmeta['updated_at']);
  assert.ok(Date.parse(String(fmeta['created_at'])) > Date.now() - 60_000, 'made now');
  const flog = readFileSync(join(dir, `${fork.id}.jsonl`), 'utf8');
  assert.ok(logBefore.startsWith(flog), 'the fork log is the start of the original');
  assert.ok(flog.includes('Q2') && !flog.includes('Q3'), flog);
  assert.equal(readFileSync(join(dir, `${id}.jsonl`), 'utf8'), logBefore);

  const r = await h.json<{ summary: string }>(['compact', `kiro-files:${id}`, '--force']);
  const log = readFileSync(join(dir, `${id}.jsonl`), 'utf8');
  assert.ok(log.startsWith(logBefore), 'the log is only appended to');
  assert.deepEqual(JSON.parse(log.trimEnd().split('\n').at(-1)!), { version: 'v1', kind: 'Compaction', data: { summary: r.summary, strategy: 'default', messages_snapshot: [] } });
});

test('compact: a dry run says what would happen and writes nothing; the summarizer runs in the work dir when it exists; sizes count files and rows', async (t) => {
  const home = tempDir(t);
  const work = join(home, 'project');
  mkdirSync(work);
  const old = Date.now() - 4 * 86_400_000;
  writeKimiCodeSession(join(home, '.kimi-code'), { id: 'session_here', workDir: work, startMs: old, turns: [{ prompt: 'in a dir that exists', answer: 'ok' }] });
  writeKimiCodeSession(join(home, '.kimi-code'), { id: 'session_gone', workDir: '/no/such/dir', startMs: old, turns: [{ prompt: 'in a dir that is gone', answer: 'ok' }] });
  const db = openKiroDb(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  insertKiroConversation(db, { id: '88888888-8888-4888-8888-888888888888', workDir: '/w/k', startMs: old, turns: [{ prompt: 'row', answer: 'ok' }] });
  db.close();
  ageTree(home);
  const h = new HomeRunner(home);
  const before = hashTree(home);
  const dry = await h.json<Record<string, unknown>>(['compact', 'kimi-code:session_here', '--dry-run']);
  assert.deepEqual(dry, { action: 'compact', source: 'kimi-code', id: 'session_here', summary: dry['summary'], bytesBefore: dry['bytesBefore'], resultId: 'session_here', backup: null, bytesAfter: dry['bytesBefore'], dryRun: true });
  assert.ok(Number(dry['bytesBefore']) > 0);
  assert.deepEqual(hashTree(home), before, 'a dry run writes nothing');

  const here = await h.json<{ summary: string; backup: string; dryRun: boolean }>(['compact', 'kimi-code:session_here', '--summarizer', 'pwd']);
  assert.deepEqual([here.summary.trim(), here.dryRun], [work, false]);
  const gone = await h.json<{ summary: string }>(['compact', 'kimi-code:session_gone', '--summarizer', 'pwd']);
  assert.equal(gone.summary.trim(), home, 'the work dir is gone: the summarizer runs where the command was started');

  const row = await h.json<{ bytesBefore: number; bytesAfter: number; resultId: string }>(['compact', 'kiro-sqlite:88888888-8888-4888-8888-888888888888']);
  const d = new Database(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'), { readonly: true });
  const len = (id: string) => Buffer.byteLength(String(d.prepare('SELECT value FROM conversations_v2 WHERE conversation_id = ?').pluck().get(id)));
  assert.deepEqual([row.bytesBefore, row.bytesAfter], [len('88888888-8888-4888-8888-888888888888'), len(row.resultId)], 'the sizes are the rows’ values');
  d.close();
});

test('Kimi Code compact appends the three records the agent writes, counting the messages it replaces; shrink keeps file modes and drops the debug log', async (t) => {
  const home = tempDir(t);
  const dir = writeKimiCodeSession(join(home, '.kimi-code'), {
    id: 'session_compact',
    workDir: '/w/c',
    startMs: Date.now() - 4 * 86_400_000,
    turns: [{ prompt: 'one', tools: [{ name: 'Shell', args: {}, output: 'x'.repeat(SHRINK_LIMIT + 1) }], answer: 'a' }, { prompt: 'two', answer: 'b' }],
  });
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'logs', 'debug.log'), 'debug\n');
  const wire = join(dir, 'agents', 'main', 'wire.jsonl');
  const before = readFileSync(wire, 'utf8');
  const lines = before.trimEnd().split('\n');
  const counted = lines.filter((l) => ['context.append_message', 'context.append_loop_event'].includes(String((JSON.parse(l) as { type?: string }).type))).length;
  ageTree(home);
  const h = new HomeRunner(home);
  const r = await h.json<{ summary: string }>(['compact', 'kimi-code:session_compact']);
  const after = readFileSync(wire, 'utf8');
  assert.ok(after.startsWith(before), 'the wire is only appended to');
  const added = after.slice(before.length).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(added.map((x) => x['type']), ['full_compaction.begin', 'context.apply_compaction', 'full_compaction.complete']);
  assert.deepEqual([added[0]!['source'], added[0]!['agentId']], ['manual', 'main']);
  const apply = added[1]!;
  assert.equal(apply['summary'], r.summary);
  assert.ok(String(apply['contextSummary']).endsWith(`\n\n${r.summary}`));
  assert.match(String(apply['contextSummary']), /^The conversation so far has been compacted/);
  assert.deepEqual([apply['compactedCount'], apply['keptUserMessageCount'], apply['wireLines']], [counted, 0, { start: 1, end: lines.length }]);

  chmodSync(wire, 0o640);
  await h.ok(['compact', 'kimi-code:session_compact', '--shrink', '--force']);
  assert.equal(statSync(wire).mode & 0o777, 0o640, 'the mode the agent gave the file');
  assert.ok(!existsSync(join(dir, 'logs')), 'the debug log is gone');
  assert.ok(readFileSync(wire, 'utf8').includes('more characters removed by'));
});

test('Kimi Code: every wire a fork writes starts with metadata and ends with its forked record; rm and restore write the index lines the agent reads', async (t) => {
  const home = tempDir(t);
  const kc = join(home, '.kimi-code');
  const dir = writeKimiCodeSession(kc, { id: 'session_meta', workDir: '/w/m', startMs: Date.now() - 4 * 86_400_000, turns: [{ prompt: 'M1', answer: 'a' }, { prompt: 'M2', answer: 'b' }] });
  const wire = join(dir, 'agents', 'main', 'wire.jsonl');
  // An older wire without its metadata line, and a subagent folder with no wire yet.
  writeFileSync(wire, readFileSync(wire, 'utf8').split('\n').slice(1).join('\n'));
  mkdirSync(join(dir, 'agents', 'agent-empty'));
  ageTree(home);
  const h = new HomeRunner(home);
  const types = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string; agentId?: string }));
  for (const args of [[], ['--at-turn', '1']]) {
    const fork = await h.json<{ id: string }>(['fork', 'kimi-code:session_meta', ...args]);
    const fdir = join(dirname(dir), fork.id);
    const main = types(join(fdir, 'agents', 'main', 'wire.jsonl'));
    assert.equal(main[0]!.type, 'metadata', `${args.join(' ') || 'whole'}: metadata first`);
    assert.deepEqual(main.at(-1), { ...main.at(-1), type: 'forked', agentId: 'main' });
    assert.equal(main.filter((r) => r.type === 'metadata').length, 1);
    if (args.length === 0) {
      assert.deepEqual(types(join(fdir, 'agents', 'agent-empty', 'wire.jsonl')).map((r) => [r.type, r.agentId]), [['metadata', undefined], ['forked', 'agent-empty']]);
    } else {
      assert.ok(!existsSync(join(fdir, 'agents', 'agent-empty')), 'a cut drops a subagent with nothing before the cut');
    }
  }
  const index = () => readFileSync(join(kc, 'session_index.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const { trashId } = await h.json<{ trashId: string }>(['rm', 'kimi-code:session_meta', '--force']);
  assert.deepEqual(index().at(-1), { sessionId: 'session_meta', deleted: true });
  await h.ok(['restore', trashId]);
  assert.deepEqual(index().at(-1), { sessionId: 'session_meta', sessionDir: dir, workDir: '/w/m' });
});

test('Kiro database fork --at-turn keeps where the valid history starts, and leaves a shorter display transcript whole', async (t) => {
  const home = tempDir(t);
  const dbPath = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  const db = openKiroDb(dbPath);
  const id = '99999999-9999-4999-8999-999999999999';
  insertKiroConversation(db, { id, workDir: '/w/r', startMs: Date.now() - 4 * 86_400_000, turns: [{ prompt: 'R1', answer: 'a' }, { prompt: 'R2', answer: 'b' }, { prompt: 'R3', answer: 'c' }] });
  const value = JSON.parse(String(db.prepare('SELECT value FROM conversations_v2').pluck().get())) as Record<string, unknown>;
  // After a /clear-like trim the valid range starts at 1; the display transcript only shows the last prompt.
  Object.assign(value, { valid_history_range: [1, 3], transcript: ['> R3', 'c'] });
  db.prepare('UPDATE conversations_v2 SET value = ?').run(JSON.stringify(value));
  db.close();
  const h = new HomeRunner(home);
  const fork = await h.json<{ id: string }>(['fork', `kiro-sqlite:${id}`, '--at-turn', '2']);
  const d = new Database(dbPath, { readonly: true });
  const forked = JSON.parse(String(d.prepare('SELECT value FROM conversations_v2 WHERE conversation_id = ?').pluck().get(fork.id))) as Record<string, unknown>;
  d.close();
  assert.deepEqual(forked['valid_history_range'], [1, 2]);
  assert.deepEqual(forked['transcript'], ['> R3', 'c'], 'fewer prompts shown than kept: left whole');
  const one = await h.json<{ id: string }>(['fork', `kiro-sqlite:${id}`, '--at-turn', '1']);
  const d2 = new Database(dbPath, { readonly: true });
  const first = JSON.parse(String(d2.prepare('SELECT value FROM conversations_v2 WHERE conversation_id = ?').pluck().get(one.id))) as Record<string, unknown>;
  d2.close();
  assert.deepEqual(first['valid_history_range'], [1, 1], 'the start never passes the end');
});

test('Kimi CLI: a session without state.json gets the state the agent starts from when renamed or forked', async (t) => {
  const home = tempDir(t);
  const id = 'abababab-abab-4bab-8bab-abababababab';
  const dir = writeKimiCliSession(join(home, '.kimi'), { id, workDir: '/w/ns', startMs: Date.now() - 4 * 86_400_000, turns: [{ prompt: 'S1', answer: 'a' }] });
  rmSync(join(dir, 'state.json'));
  ageTree(home);
  const h = new HomeRunner(home);
  const fork = await h.json<{ id: string }>(['fork', `kimi-cli:${id}`, '--title', 'From nothing']);
  const text = readFileSync(join(dirname(dir), fork.id, 'state.json'), 'utf8');
  assert.deepEqual(JSON.parse(text), { version: 1, custom_title: 'From nothing', title_generated: false, archived: false, archived_at: null });
  assert.match(text, /^\{\n {2}"version": 1,/, 'indented as the agent writes it');
  await h.ok(['rename', `kimi-cli:${id}`, 'Named']);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')), { version: 1, custom_title: 'Named', title_generated: false });
  assert.equal((await h.json<unknown[]>(['trash'])).length, 0, 'nothing was replaced, so nothing went to the trash');
  await h.ok(['rename', `kimi-cli:${id}`, '--clear', '--force']);
  assert.equal(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))['custom_title'], null);
});

test('Kiro database compact keeps the metadata of the summary before when the last entry has none; a Kimi Code fork leaves the debug log and pending goals behind', async (t) => {
  const home = tempDir(t);
  const dbPath = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  const db = openKiroDb(dbPath);
  const id = 'cdcdcdcd-cdcd-4dcd-8dcd-cdcdcdcdcdcd';
  insertKiroConversation(db, { id, workDir: '/w/s', startMs: Date.now() - 4 * 86_400_000, turns: [{ prompt: 'S1', answer: 'a' }, { prompt: 'S2', answer: 'b' }] }, 'an earlier summary');
  const value = JSON.parse(String(db.prepare('SELECT value FROM conversations_v2').pluck().get())) as Record<string, any>;
  delete value['history'].at(-1)['request_metadata'];
  db.prepare('UPDATE conversations_v2 SET value = ?').run(JSON.stringify(value));
  db.close();
  const h = new HomeRunner(home);
  const r = await h.json<{ resultId: string }>(['compact', `kiro-sqlite:${id}`]);
  const d = new Database(dbPath, { readonly: true });
  const after = JSON.parse(String(d.prepare('SELECT value FROM conversations_v2 WHERE conversation_id = ?').pluck().get(r.resultId))) as Record<string, any>;
  d.close();
  assert.deepEqual(after['latest_summary'][1], value['latest_summary'][1]);

  const dir = writeKimiCodeSession(join(home, '.kimi-code'), { id: 'session_extras', workDir: '/w/e', startMs: Date.now() - 4 * 86_400_000, turns: [{ prompt: 'E1', answer: 'a' }] });
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'logs', 'kimi.log'), 'debug');
  writeFileSync(join(dir, 'upcoming-goals.json'), '[]');
  mkdirSync(join(dir, 'agents', 'main', 'tasks'));
  writeFileSync(join(dir, 'agents', 'main', 'tasks', 't1.json'), '{}');
  writeFileSync(join(dir, 'notes.md'), 'the person’s own file');
  ageTree(home);
  for (const args of [[], ['--at-turn', '1']]) {
    const fork = await h.json<{ id: string }>(['fork', 'kimi-code:session_extras', ...args]);
    const fdir = join(dirname(dir), fork.id);
    assert.ok(!existsSync(join(fdir, 'logs')) && !existsSync(join(fdir, 'upcoming-goals.json')), `${args.join(' ') || 'whole'}: the debug log and goals stay`);
    assert.equal(readFileSync(join(fdir, 'notes.md'), 'utf8'), 'the person’s own file');
    assert.equal(existsSync(join(fdir, 'agents', 'main', 'tasks', 't1.json')), args.length === 0, 'tasks go with a whole fork, not a cut');
  }
});

test('Kiro database: a row whose value is not JSON is listed with its problem, and never copied by a fork or compact', async (t) => {
  const home = tempDir(t);
  const dbPath = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  const db = openKiroDb(dbPath);
  const id = 'efefefef-efef-4fef-8fef-efefefefefef';
  insertKiroConversation(db, { id, workDir: '/w/j', startMs: Date.now() - 4 * 86_400_000, turns: [{ prompt: 'J1', answer: 'a' }] });
  db.prepare('UPDATE conversations_v2 SET value = ?').run('{"conversation_id": "' + id + '", "history": [');
  db.close();
  const h = new HomeRunner(home);
  const listed = (await h.list()).find((s) => s.id === id);
  assert.ok(listed, 'the broken row is listed');
  assert.ok(listed.problems.length > 0, 'with its problem');
  for (const args of [['fork', `kiro-sqlite:${id}`], ['compact', `kiro-sqlite:${id}`]]) {
    const r = await h.run(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /the row's value is not valid JSON; not copying it/);
  }
  const d = new Database(dbPath, { readonly: true });
  assert.equal(d.prepare('SELECT count(*) FROM conversations_v2').pluck().get(), 1);
  d.close();
});

test('Kimi Code v2: rename writes the state where the agent reads it (session-meta/), keeping the v2 fields; a fork of a root-wire session is whole and in the current shape; a cut after an undo counts the turns that stand', async (t) => {
  const home = tempDir(t);
  const kc = join(home, '.kimi-code');
  const turns = ['one', 'two', 'three', 'four'].map((w) => ({ prompt: `turn ${w}`, answer: `answer ${w}` }));
  const dir = writeKimiCodeSession(kc, { id: 'session_meta', workDir: '/w/m', startMs: Date.now() - 86_400_000 * 3, turns }, { sessionMeta: true, childOf: 'session_parent', v2: { undo: { afterTurn: 3, count: 1 }, bookkeeping: true }, subagentTurns: [{ prompt: 'sub', answer: 'sub done' }] });
  ageTree(home);
  const h = new HomeRunner(home);
  await h.ok(['rename', 'kimi-code:session_meta', 'Named']);
  assert.ok(!existsSync(join(dir, 'state.json')), 'no second state.json is made beside the one the agent reads');
  const state = JSON.parse(readFileSync(join(dir, 'session-meta', 'state.json'), 'utf8')) as { title: string; lastTurnReason: string; custom: Record<string, unknown>; agents: Record<string, Record<string, unknown>> };
  assert.deepEqual([state.title, state.lastTurnReason, state.custom, state.agents['agent-0']?.['swarmItem']], ['Named', 'cancelled', { parent_session_id: 'session_parent', child_session_kind: 'child' }, 'review']);

  const before = await h.show('kimi-code:session_meta');
  assert.equal(before.turns, 3, 'the undone third turn is not counted');
  const whole = await h.json<{ id: string; path: string }>(['fork', 'kimi-code:session_meta']);
  assert.ok(existsSync(join(whole.path, 'state.json')) && existsSync(join(whole.path, 'agents', 'main', 'wire.jsonl')) && !existsSync(join(whole.path, 'wire.jsonl')) && !existsSync(join(whole.path, 'session-meta')));
  const forked = await h.show(`kimi-code:${whole.id}`);
  assert.deepEqual(forked.messages.map((m) => m.text), before.messages.map((m) => m.text));
  const forkState = JSON.parse(readFileSync(join(whole.path, 'state.json'), 'utf8')) as { custom: Record<string, unknown>; agents: Record<string, Record<string, unknown>> };
  assert.equal(forkState.agents['agent-0']?.['swarmItem'], 'review', 'agent fields are kept');
  assert.equal(forkState.custom['parent_session_id'], 'session_parent');

  // Turn 3 of those that stand is the fourth typed: the cut keeps the undone one and its undo before it.
  for (const n of [1, 2, 3]) {
    const cut = await h.json<{ id: string }>(['fork', 'kimi-code:session_meta', '--at-turn', String(n)]);
    const c = await h.show(`kimi-code:${cut.id}`);
    assert.equal(c.turns, n, `--at-turn ${n}`);
    assert.deepEqual(c.messages.filter((m) => m.role === 'user').map((m) => m.text), ['turn one', 'turn two', 'turn four'].slice(0, n));
    // Every prompt record of a kept turn stays, and the undone third one (inside the cut from turn 2 on); the next turn's does not.
    const prompts = readFileSync(join(c.path, 'agents', 'main', 'wire.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"turn.prompt"')).length;
    assert.equal(prompts, [1, 3, 4][n - 1], `--at-turn ${n}: turn.prompt records`);
  }
  const far = await h.run(['fork', 'kimi-code:session_meta', '--at-turn', '4']);
  assert.equal(far.code, 2, far.stderr);

  await h.ok(['compact', 'kimi-code:session_meta', '--force']);
  assert.match(readFileSync(join(dir, 'wire.jsonl'), 'utf8'), /"type":"context\.apply_compaction"/, 'the compaction goes into the wire the agent reads');
  assert.ok(!existsSync(join(dir, 'agents', 'main', 'wire.jsonl')));
});
