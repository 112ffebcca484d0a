// The actions on a copy of the demo home: every session of every layout.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from './harness.js';
import AdmZip from 'adm-zip';
import { SOURCE_KINDS } from '../src/model.js';
import { ageTree, checkDeleteAndRestore, checkEverySession, demoHome, HomeRunner } from './action-suite.js';
import { SAMPLES } from './helpers.js';

test('rm of every session in one batch, then restore --last: byte-identical files, identical rows', async (t) => {
  await checkDeleteAndRestore(new HomeRunner(demoHome(t)));
});

test('rename, fork, fork --at-turn, export/import (json, zip), compact and its restore on every demo session', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const sources = new Set((await h.list()).map((s) => s.source));
  assert.equal(sources.size, SOURCE_KINDS.length);
  const n = await checkEverySession(h);
  assert.ok(n >= 15, `only ${n} sessions checked`);
});

test('import of a ZIP as `kimi export` writes it: listed under its id and work dir, without the global log', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const src = (await h.list()).find((s) => s.source === 'kimi-code' && s.turns >= 2)!;
  const zip = new AdmZip();
  zip.addFile(
    'manifest.json',
    Buffer.from(JSON.stringify({ sessionId: 'session_11111111-2222-4333-8444-555555555555', exportedAt: '2026-11-21T10:29:46.774Z', kimiCodeVersion: '2.1.0', workspaceDir: '/work/from-kimi' })),
  );
  for (const rel of ['state.json', 'agents/main/wire.jsonl']) zip.addFile(rel, readFileSync(join(src.path, rel)));
  zip.addFile('logs/global/kimi-code.log', Buffer.from('the agent-wide log\n'));
  const file = join(h.home, 'kimi-export.zip');
  writeFileSync(file, zip.toBuffer());
  const r = await h.json<{ id: string; originalId: string | null }>(['import', file]);
  assert.deepEqual(r, { ...r, id: 'session_11111111-2222-4333-8444-555555555555', originalId: null });
  const back = await h.show(`kimi-code:${r.id}`);
  assert.equal(back.workDir, '/work/from-kimi');
  assert.equal(back.turns, src.turns);
  assert.ok(!existsSync(join(back.path, 'logs', 'global')), 'the global log is not part of the session');
  const state = JSON.parse(readFileSync(join(back.path, 'state.json'), 'utf8')) as { id: string; agents?: Record<string, { homedir: string }> };
  assert.equal(state.id, r.id);
  for (const [name, a] of Object.entries(state.agents ?? {})) assert.equal(a.homedir, join(back.path, 'agents', name));
  const index = readFileSync(join(h.home, '.kimi-code', 'session_index.jsonl'), 'utf8').trim().split('\n').at(-1)!;
  assert.deepEqual(JSON.parse(index), { sessionId: r.id, sessionDir: back.path, workDir: '/work/from-kimi' });
});

test('Kimi Code compact and whole fork stream the wire: a wire without metadata first and with a torn last line comes out whole', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const src = (await h.list()).find((s) => s.source === 'kimi-code' && s.turns >= 2 && !s.forkedFrom)!;
  const wire = join(src.path, 'agents', 'main', 'wire.jsonl');
  const lines = readFileSync(wire, 'utf8').trimEnd().split('\n').filter((l) => !l.startsWith('{"type":"metadata"'));
  writeFileSync(wire, lines.join('\n') + '\n{"type":"turn.prompt","inp');
  const before = await h.show(`kimi-code:${src.id}`);
  const forked = JSON.parse(await h.ok(['fork', `kimi-code:${src.id}`, '--json', '--force'])) as { id: string; path: string };
  await h.ok(['compact', `kimi-code:${src.id}`, '--force']);
  for (const path of [join(forked.path, 'agents', 'main', 'wire.jsonl'), wire]) {
    const out = readFileSync(path, 'utf8').split('\n');
    assert.match(out[0]!, /^\{"type":"metadata"/, `${path}: the metadata first`);
    assert.equal(out.at(-1), '', 'ends with a newline');
    // Every line but the torn one the agent left is whole JSON.
    const broken = out.slice(0, -1).filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
    assert.deepEqual(broken, ['{"type":"turn.prompt","inp']);
  }
  assert.match(readFileSync(join(forked.path, 'agents', 'main', 'wire.jsonl'), 'utf8'), /\n\{"type":"forked"[^\n]*\n$/);
  assert.match(readFileSync(wire, 'utf8'), /"type":"context\.apply_compaction"/);
  const fork = await h.show(`kimi-code:${forked.id}`);
  assert.deepEqual(fork.messages.map((m) => m.text), before.messages.map((m) => m.text));
});

test('Kiro files export as the agent writes them: JSON is the kiro-session-export-v1 envelope (the sample session under the agent field names and types), a ZIP holds session_metadata.json and conversation_log.jsonl; import of either is always a new session', async (t) => {
  const home = demoHome(t);
  const dir = join(home, '.kiro', 'sessions', 'cli');
  // The real sample session from the agent's own tests, with a thinking block and a unix-seconds prompt time.
  copyFileSync(join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.json'), join(dir, 'compat-metering.json'));
  const log = readFileSync(join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.jsonl'), 'utf8');
  const extra = [
    { version: 'v1', kind: 'Prompt', data: { message_id: 'p-think', content: [{ kind: 'text', data: 'think first' }], meta: { timestamp: 1777542150 } } },
    { version: 'v1', kind: 'AssistantMessage', data: { message_id: 'a-think', content: [{ kind: 'thinking', data: { text: 'weighing it' } }, { kind: 'text', data: 'done thinking' }] } },
  ];
  writeFileSync(join(dir, 'compat-metering.jsonl'), log + extra.map((e) => JSON.stringify(e)).join('\n') + '\n');
  ageTree(home);
  const h = new HomeRunner(home);
  const shown = await h.show('kiro-files:compat-metering');
  const think = shown.messages.find((m) => m.thinking);
  assert.equal(think?.text, 'weighing it');
  assert.equal(shown.messages.find((m) => m.text === 'think first')?.time, '2026-04-30T09:42:30.000Z', 'meta.timestamp is unix seconds');

  const envelope = JSON.parse(await h.ok(['export', 'kiro-files:compat-metering', '--format', 'json', '-o', '-'])) as { format: string; metadata: Record<string, unknown>; log_entries: Array<Record<string, unknown>> };
  assert.equal(envelope.format, 'kiro-session-export-v1');
  const sample = JSON.parse(readFileSync(join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(envelope.metadata, sample, 'metadata is the SessionData itself');
  const entries = [...log.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>), ...extra];
  assert.deepEqual(envelope.log_entries, entries, 'log_entries are the log lines, in order');
  for (const e of envelope.log_entries) assert.deepEqual(Object.keys(e).sort(), ['data', 'kind', 'version']);

  const zipFile = join(home, 'k.zip');
  await h.ok(['export', 'kiro-files:compat-metering', '--format', 'zip', '-o', zipFile]);
  const zip = new AdmZip(zipFile);
  assert.deepEqual(zip.getEntries().map((e) => e.entryName).sort(), ['conversation_log.jsonl', 'session_metadata.json']);

  const said = (m: Array<{ role: string; text: string }>) => m.map((x) => `${x.role}:${x.text}`);
  for (const source of [zipFile, 'envelope']) {
    const r =
      source === 'envelope'
        ? await h.json<{ id: string; originalId: string }>(['import', writeTemp(home, JSON.stringify(envelope))])
        : await h.json<{ id: string; originalId: string }>(['import', source]);
    assert.equal(r.originalId, 'compat-metering', 'always a new id, as /chat load makes');
    const back = await h.show(`kiro-files:${r.id}`);
    assert.deepEqual(said(back.messages), said(shown.messages));
    const meta = JSON.parse(readFileSync(back.path, 'utf8')) as { session_id: string; imported_from?: string };
    assert.equal(meta.session_id, r.id);
    // As the agent's write_imported_session: where it came from, absolute.
    assert.ok(meta.imported_from?.startsWith('/') && meta.imported_from.endsWith(source === 'envelope' ? '.json' : 'k.zip'), String(meta.imported_from));
  }
});

test('import of a bare Kiro session .json takes the .jsonl beside it, as /chat load does', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const r = await h.json<{ id: string; source: string; originalId: string }>(['import', join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.json')]);
  assert.deepEqual([r.source, r.originalId], ['kiro-files', 'compat-metering']);
  const back = await h.show(`kiro-files:${r.id}`);
  const lines = readFileSync(join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.jsonl'), 'utf8').trim().split('\n').length;
  assert.equal(readFileSync(back.path.replace(/\.json$/, '.jsonl'), 'utf8').trim().split('\n').length, lines, 'the whole log came along');
  assert.ok(back.turns >= 1 && back.messages.length >= 2);
});

function writeTemp(home: string, text: string): string {
  const path = join(home, `envelope-${Date.now()}.json`);
  writeFileSync(path, text);
  return path;
}

test("a V1 conversation JSON (the legacy /chat save, a row's value) is imported as the agent's /chat load converts it: a new file session, exported_from_v1, the summary in the first prompt's context, the tool exchanges as entries", async (t) => {
  const h = new HomeRunner(demoHome(t));
  for (const name of ['basic_tool_use.json', 'with_compaction_summary.json']) {
    const file = join(SAMPLES, 'kiro-sqlite', name);
    const v1 = JSON.parse(readFileSync(file, 'utf8')) as { conversation_id: string; history: Array<{ user: { content: Record<string, { prompt?: string }> } }>; latest_summary: unknown };
    const r = await h.json<{ id: string; source: string; originalId: string; workDir: string }>(['import', file]);
    assert.deepEqual([r.source, r.originalId, r.workDir], ['kiro-files', v1.conversation_id, h.home], `${name}: filed under where it is loaded`);
    const back = await h.show(`kiro-files:${r.id}`);
    const meta = JSON.parse(readFileSync(back.path, 'utf8')) as Record<string, unknown>;
    assert.deepEqual([meta['session_id'], meta['exported_from_v1'], meta['imported_from'], meta['cwd']], [r.id, true, file, h.home]);
    const firstPrompt = v1.history.map((e) => e.user.content['Prompt']?.prompt).find((p) => p !== undefined)!;
    // create_session_title: the first line, at most 150 bytes, `...` where it was cut.
    const line = firstPrompt.split('\n')[0]!.trim();
    const title = String(meta['title']);
    if (Buffer.byteLength(line) <= 150) assert.equal(title, line);
    else assert.ok(title.endsWith('...') && Buffer.byteLength(title) <= 150 && line.startsWith(title.slice(0, -3)), title);
    const log = readFileSync(back.path.replace(/\.json$/, '.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { version: string; kind: string; data: Record<string, unknown> });
    assert.equal(log.length, 2 * v1.history.length, `${name}: an entry for each user and each assistant message`);
    assert.deepEqual([...new Set(log.map((e) => e.version))], ['v1']);
    v1.history.forEach((e, i) => assert.equal(log[2 * i]!.kind, 'Prompt' in e.user.content ? 'Prompt' : 'ToolResults', `${name}: entry ${2 * i}`));
    const context = (log[0]!.data['meta'] as { additionalContext?: string } | undefined)?.additionalContext ?? '';
    if (Array.isArray(v1.latest_summary)) assert.match(context, /^--- CONTEXT ENTRY BEGIN ---\n[\s\S]*SUMMARY CONTENT:\n/, 'the summary rides in the first prompt, as V1 handed it to the model');
    else assert.equal(context, '');
    // Our reader of the database and of the files tell the same conversation.
    const prompts = back.messages.filter((m) => m.role === 'user').map((m) => m.text);
    assert.equal(prompts[0], firstPrompt);
    for (const m of log.filter((e) => e.kind === 'ToolResults')) for (const c of m.data['content'] as Array<{ kind: string; data: { status?: string } }>) if (c.kind === 'toolResult') assert.ok(['success', 'error'].includes(c.data.status!));
  }
});
