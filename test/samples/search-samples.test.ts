// Phrases taken from the agents' real sample files find the right session first.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '../harness.js';
import { kimiCliBucket, kimiCodeWorkDirKey, openKiroDb, registerKimiWorkDir } from '../../fixtures/layouts.js';
import { runInProcess, SAMPLES, tempDir, testEnv } from '../helpers.js';
import { insertKiroConversationValue } from './kiro-value.js';

test('phrases and typo-laden words from the samples rank their own session first', async (t) => {
  const home = tempDir(t);
  const kimi = join(home, '.kimi');
  const cli = [
    ['tiny-hello-world', '11111111-1111-4111-8111-000000000001'],
    ['with-tool-calls', '11111111-1111-4111-8111-000000000002'],
    ['with-thinking', '11111111-1111-4111-8111-000000000003'],
    ['archived', '11111111-1111-4111-8111-000000000004'],
  ];
  registerKimiWorkDir(kimi, '/work/a');
  for (const [name, id] of cli) {
    const dir = join(kimi, 'sessions', kimiCliBucket('/work/a'), id!);
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(join(SAMPLES, 'kimi-cli', name!))) copyFileSync(join(SAMPLES, 'kimi-cli', name!, f), join(dir, f));
  }
  const kc = join(home, '.kimi-code', 'sessions', kimiCodeWorkDirKey('/tmp/work'), 'sample-main');
  for (const f of ['state.json', 'agents/main/wire.jsonl']) {
    mkdirSync(join(kc, f, '..'), { recursive: true });
    copyFileSync(join(SAMPLES, 'kimi-code', 'sample-main', f), join(kc, f));
  }
  const db = openKiroDb(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  for (const [file, key] of [['basic_tool_use.json', '/work/k1'], ['with_compaction_summary.json', '/work/k2']]) {
    insertKiroConversationValue(db, key!, readFileSync(join(SAMPLES, 'kiro-sqlite', file!), 'utf8'), 1774656899000, 1774658413600);
  }
  db.close();
  mkdirSync(join(home, '.kiro', 'sessions', 'cli'), { recursive: true });
  copyFileSync(join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.json'), join(home, '.kiro', 'sessions', 'cli', 'compat-metering.json'));
  copyFileSync(join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.jsonl'), join(home, '.kiro', 'sessions', 'cli', 'compat-metering.jsonl'));

  const found = async (query: string, args: string[] = []): Promise<string[]> => {
    const r = await runInProcess(['search', query, '--json', ...args], testEnv(home));
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as Array<{ id: string }>).map((h) => h.id);
  };
  const first = async (query: string, args: string[] = []): Promise<string> => {
    const ids = await found(query, args);
    assert.ok(ids.length > 0, `nothing found for ${query}`);
    return ids[0]!;
  };
  assert.equal(await first('"Translate it into idiomatic Python 3"'), '11111111-1111-4111-8111-000000000004');
  assert.equal(await first('translaton idiomatic pyhton'), '11111111-1111-4111-8111-000000000004');
  assert.equal(await first('"Describe this video"'), '11111111-1111-4111-8111-000000000003');
  assert.equal(await first('shell blocked'), '11111111-1111-4111-8111-000000000002');
  assert.equal(await first('"create a new rust bin"'), '26a591e0-dd86-44ee-84e2-7c44ddda8fdb');
  assert.equal(await first('hello_rust cargo'), '26a591e0-dd86-44ee-84e2-7c44ddda8fdb');
  assert.equal(await first('"agent client protocol" external'), '12a570b3-241e-4822-b75e-d17f53d512c3');
  assert.equal(await first('"hi there"'), 'compat-metering');
  assert.equal(await first('agent:kimi-code hello'), 'sample-main');
  // A phrase only in a tool output is found, and left out with
  // --no-tool-output: one whose words are only there (`const`), and one
  // whose words are all in the conversation too (the translation the agent wrote), so
  // only the phrase check can leave it out.
  for (const phrase of ['"const result = add"', '"return a + b; 3"']) {
    assert.equal(await first(phrase), '11111111-1111-4111-8111-000000000004', phrase);
    assert.deepEqual(await found(phrase, ['--no-tool-output']), [], phrase);
  }
  // Words in a tool call's arguments are conversation: found either way.
  assert.equal(await first('"return a + b"', ['--no-tool-output']), '11111111-1111-4111-8111-000000000004');
});
