// Every file in ../shared/samples (real files written by the agents' own
// test suites) is listed and shown with the right title, work dir, times and
// text. The samples are read in place, or copied into a temp home laid out
// the way each agent lays them out; they are never copied into the project.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from '../harness.js';
import type { Message, Session } from '../../src/model.js';
import { hashTree, listJson, runInProcess, SAMPLES, tempDir, testEnv } from '../helpers.js';
import { buildHome, KIMI_CLI, LEGACY_A, LEGACY_B, OLD, used } from './samples-home.js';

type Shown = Omit<Session, 'messages'> & { messageCount: number; messages: Message[] };

async function show(home: string, id: string, args: string[] = []): Promise<Shown> {
  const r = await runInProcess(['show', id, '--json', '--no-cache', ...args], testEnv(home));
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function byId(sessions: Session[], id: string): Session {
  const s = sessions.find((x) => x.id === id);
  assert.ok(s, `session ${id} not listed; got ${sessions.map((x) => x.id).join(', ')}`);
  return s;
}

test('Kimi CLI samples: titles, work dirs from kimi.json, times from the wire or wire_mtime, text', async (t) => {
  const home = buildHome(t);
  const { sessions, stderr } = await listJson(home, ['--source', 'kimi-cli']);
  assert.equal(sessions.length, 5);

  const tiny = byId(sessions, KIMI_CLI[0]!.id);
  assert.deepEqual([tiny.title, tiny.titleSource, tiny.workDir, tiny.turns, tiny.messages], ['hi', 'custom', LEGACY_A, 1, 2]);
  // Only wire_mtime (epoch seconds) dates this one.
  assert.equal(tiny.updatedAt, '2026-03-04T09:25:38.930Z');
  assert.equal(tiny.createdAt, '2026-03-04T09:25:38.930Z');
  assert.deepEqual((await show(home, tiny.id)).messages.map((m) => [m.role, m.text]), [['user', 'hi'], ['assistant', 'Hello! How can I help?']]);

  const tools = await show(home, KIMI_CLI[1]!.id);
  assert.equal(tools.title, 'run echo hi');
  assert.equal(tools.createdAt, '2026-03-31T09:36:25.232Z');
  assert.equal(tools.updatedAt, '2026-03-31T09:36:25.880Z');
  assert.deepEqual(
    tools.messages.map((m) => [m.role, m.tool?.name ?? null, m.text]),
    [
      ['user', null, 'run echo hi'],
      ['assistant', 'Shell', ''],
      ['tool', 'Shell', 'Shell blocked by hook'],
      ['assistant', null, 'OK, shell was blocked.'],
    ],
  );
  assert.equal(tools.messages[1]!.tool?.args, '{"command":"echo hi"}');
  assert.equal(tools.messages[2]!.tool?.isError, true);

  const thinking = await show(home, KIMI_CLI[2]!.id);
  assert.equal(thinking.turns, 2);
  assert.equal(thinking.title, 'Describe this image.');
  assert.deepEqual(
    thinking.messages.map((m) => [m.role, Boolean(m.thinking), m.text]),
    [
      ['user', false, 'Describe this image.'],
      ['assistant', true, 'analyzing the image'],
      ['assistant', false, 'The image shows a simple scene.'],
      ['user', false, 'Describe this video.'],
      ['assistant', true, 'analyzing the video'],
    ],
  );
  assert.equal(thinking.messages[0]!.time, '2026-04-23T16:27:19.308Z');

  const archived = await show(home, KIMI_CLI[3]!.id);
  assert.equal(archived.archived, true);
  assert.equal(archived.title, 'You are a code translation assistant. Task: [...]');
  // The wire holds the whole prompt (the context copy is cut with "[truncated]").
  assert.match(archived.messages[0]!.text, /reply with a single short ASCII confirmation sentence\.$/);
  assert.deepEqual(archived.messages.filter((m) => m.tool && m.role === 'assistant').map((m) => m.tool!.name), ['ReadFile', 'WriteFile']);
  assert.equal(archived.updatedAt, '2026-04-02T04:32:28.652Z');

  const broken = byId(sessions, KIMI_CLI[4]!.id);
  assert.deepEqual([broken.title, broken.titleSource, broken.workDir, broken.turns], ['hi', 'prompt', LEGACY_B, 1]);
  assert.match(broken.problems.join(), /state\.json: not valid JSON/);
  assert.equal(broken.updatedAt, new Date(OLD).toISOString());
  assert.match(stderr, /22222222-2222-4222-8222-000000000006: state\.json: not valid JSON/);
});

test('Kimi CLI multi-workdir home, read in place: md5 and kaos buckets, an empty session folder', async (t) => {
  const kimiHome = join(SAMPLES, 'kimi-cli', 'multi-workdir', '.kimi');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) e.isDirectory() ? walk(join(dir, e.name)) : used.add(relative(SAMPLES, join(dir, e.name)));
  };
  walk(kimiHome);
  const before = hashTree(kimiHome);
  const { sessions } = await listJson(tempDir(t), ['--kimi-home', kimiHome, '--source', 'kimi-cli']);
  const view = sessions.map((s) => [s.id, s.title, s.workDir, s.turns]).sort();
  assert.deepEqual(view, [
    ['uuid-a1', 'a1', '/proj-a', 1],
    ['uuid-a2', 'a2', '/proj-a', 1],
    ['uuid-b1', '', '/proj-b', 0],
    ['uuid-c1', 'c1', '/proj-c', 1],
  ]);
  assert.equal(byId(sessions, 'uuid-a1').updatedAt, '2023-11-14T22:13:20.000Z');
  assert.equal(byId(sessions, 'uuid-c1').updatedAt, '2030-03-17T17:46:40.000Z');
  const c1 = await runInProcess(['show', 'uuid-c1', '--json', '--no-cache', '--kimi-home', kimiHome], testEnv(tempDir(t)));
  assert.deepEqual(JSON.parse(c1.stdout).messages.map((m: Message) => m.text), ['hello from c1', 'hi c1']);
  assert.deepEqual(hashTree(kimiHome), before, 'reading must not change a file');
});

test('Kimi Code sample: generated title, times from state.json (ISO), work dir from the wire, main agent only', async (t) => {
  const home = buildHome(t);
  const { sessions } = await listJson(home, ['--source', 'kimi-code']);
  assert.equal(sessions.length, 1);
  const s = await show(home, 'sample-main');
  assert.deepEqual([s.title, s.titleSource, s.workDir], ['fixture: hello world', 'generated', '/tmp/work']);
  assert.deepEqual([s.createdAt, s.updatedAt, s.turns, s.messageCount], ['2026-05-20T05:59:51.085Z', '2026-05-21T03:12:08.000Z', 1, 2]);
  assert.deepEqual(s.messages.map((m) => [m.role, m.text, m.time]), [
    ['user', 'hi', '2026-05-20T06:00:00.000Z'],
    ['assistant', 'hello', '2026-05-20T06:00:00.200Z'],
  ]);
});

test('Kiro database samples: first prompt as title, compaction summary first, tool calls and results', async (t) => {
  const home = buildHome(t);
  const { sessions } = await listJson(home, ['--source', 'kiro-sqlite']);
  assert.equal(sessions.length, 2);
  const basic = await show(home, '26a591e0-dd86-44ee-84e2-7c44ddda8fdb');
  assert.equal(basic.title, 'Create hello world in three different languages, write them to files. Use c, python, and javascript');
  assert.deepEqual([basic.workDir, basic.createdAt, basic.updatedAt, basic.turns], ['/work/kiro-basic', '2026-03-28T00:14:59.000Z', '2026-03-28T00:40:07.000Z', 5]);
  assert.equal(basic.messages[0]!.time, '2026-03-28T00:14:59.421Z');
  assert.deepEqual(basic.messages.filter((m) => m.role === 'assistant' && m.tool).map((m) => m.tool!.name).slice(0, 4), ['fs_write', 'fs_write', 'fs_write', 'execute_bash']);
  assert.ok(basic.messages.some((m) => m.role === 'tool' && m.text.includes('Hello, World!')));
  assert.ok(basic.messages.some((m) => m.role === 'assistant' && m.text === 'Compiled and ran successfully — `Hello, World!` 🦀'));

  const compact = await show(home, '12a570b3-241e-4822-b75e-d17f53d512c3');
  assert.equal(compact.messages[0]!.role, 'summary');
  assert.match(compact.messages[0]!.text, /^## OBJECTIVE\nResearch internal Amazon uses for Kiro CLI ACP/);
  assert.equal(compact.turns, 3);
  // Kiro's picker titles a row by its first Prompt in history, newlines folded.
  assert.ok(compact.title.startsWith('{"content":[{"type":"text","text":"{\\"content\\":{\\"results\\"'), compact.title);
  assert.ok(Array.from(compact.title).length <= 150);
  assert.ok(compact.messages.some((m) => m.role === 'user' && m.text === 'what about external uses'));
});

test('Kiro session-file sample: title from the first prompt, cwd and ISO times from the metadata', async (t) => {
  const home = buildHome(t);
  const { sessions } = await listJson(home, ['--source', 'kiro-files']);
  assert.equal(sessions.length, 1);
  const s = await show(home, 'compat-metering');
  assert.deepEqual([s.title, s.titleSource, s.workDir, s.turns, s.messageCount, s.inUse], ['hello', 'prompt', '/test/project', 1, 2, false]);
  assert.deepEqual([s.createdAt, s.updatedAt], ['2026-03-30T19:55:35.130Z', '2026-03-30T19:55:35.130Z']);
  assert.deepEqual(s.messages.map((m) => [m.role, m.text]), [['user', 'hello'], ['assistant', 'hi there']]);
});

test('all samples together: listed once each, nothing written, table and show work', async (t) => {
  const home = buildHome(t);
  const before = hashTree(home);
  const { sessions } = await listJson(home);
  assert.equal(sessions.length, 5 + 1 + 2 + 1);
  assert.equal(new Set(sessions.map((s) => `${s.source}:${s.id}`)).size, sessions.length);
  const table = await runInProcess(['list', '--no-cache'], testEnv(home));
  assert.equal(table.code, 0);
  assert.equal(table.stdout.trimEnd().split('\n').length, sessions.length + 1);
  for (const s of sessions) {
    const r = await runInProcess(['show', `${s.source}:${s.id}`, '--no-cache'], testEnv(home));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith(`${s.source}  ${s.id}`));
  }
  const after = hashTree(home);
  assert.deepEqual([...after.keys()].filter((k) => !k.startsWith('.cache/')).sort(), [...before.keys()].sort());
  for (const [k, v] of before) assert.equal(after.get(k), v, `${k} changed`);
});

test('every file in ../shared/samples was read by a test above', () => {
  const all: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (statSync(p).isFile() && e.name !== 'README.md') all.push(relative(SAMPLES, p));
    }
  };
  walk(SAMPLES);
  const missed = all.filter((f) => !used.has(f));
  assert.deepEqual(missed, [], `samples no test reads: ${missed.join(', ')}`);
});
