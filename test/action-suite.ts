// Every action on every session of a home, read back with the project's own
// readers: used on a copy of the demo home (npm test) and on a home made of
// ../shared/samples (npm run test:samples).
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from './harness.js';
import Database from 'better-sqlite3';
import type { Message, Session } from '../src/model.js';
import { cannot, layoutOf } from '../src/layouts/registry.js';
import { hashTree, holdKiroLocks, listJson, REPO, runInProcess, tempDir, testEnv, type RunResult } from './helpers.js';

export type Shown = Omit<Session, 'messages'> & { messageCount: number; messages: Message[] };

export const OLD_MS = Date.parse('2026-01-01T00:00:00Z');

/** Sets every file and folder under `root` to an old mtime, so nothing counts as in use. */
export function ageTree(root: string, ms = OLD_MS): void {
  const d = new Date(ms);
  const walk = (p: string): void => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    utimesSync(p, d, d);
  };
  walk(root);
}

/** A copy of the committed demo home in a temp folder, with old file times. */
export function demoHome(t: TestContext): string {
  const home = tempDir(t);
  // Not a cache someone's run over the tracked demo home left behind (it is git-ignored).
  cpSync(join(REPO, 'fixtures', 'demo-home'), home, { recursive: true, filter: (src) => !src.endsWith(`${join('demo-home', '.cache')}`) });
  // The demo's session open in Kiro: its lock names a live kiro process, or it would be stale.
  holdKiroLocks(home);
  ageTree(home);
  return home;
}

export class HomeRunner {
  readonly env: Record<string, string>;

  constructor(readonly home: string) {
    this.env = testEnv(home);
  }

  run(args: string[]): Promise<RunResult> {
    return runInProcess([...args, '--no-cache'], this.env, this.home);
  }

  async ok(args: string[]): Promise<string> {
    const r = await this.run(args);
    assert.equal(r.code, 0, `sessions ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  async json<T>(args: string[]): Promise<T> {
    return JSON.parse(await this.ok([...args, '--json'])) as T;
  }

  show(ref: string): Promise<Shown> {
    return this.json<Shown>(['show', ref]);
  }

  async list(): Promise<Session[]> {
    return (await listJson(this.home)).sessions;
  }
}

/** What must survive a round trip: every message's role and text. */
export function said(messages: readonly Message[]): string[] {
  return messages.filter((m) => m.role !== 'summary').map((m) => `${m.role}:${m.text}`);
}

/** The agents' own files (the manager's data, caches and Kimi Code's append-only index left out), hashed. */
export function agentFiles(home: string): Map<string, string> {
  const all = hashTree(home);
  for (const k of [...all.keys()]) {
    // A Kiro .lock is not the session's: the agent (and a delete, as the agent's does) takes and drops it.
    if (k.startsWith('.local/share/sessions/') || k.startsWith('.cache/') || k.endsWith('session_index.jsonl') || k.endsWith('.sqlite3') || k.endsWith('.lock')) all.delete(k);
  }
  return all;
}

/** Every conversation row of every Kiro database under the home, as text. */
export function kiroRows(home: string): string[] {
  const out: string[] = [];
  const db = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  if (!existsSync(db)) return out;
  const d = new Database(db, { readonly: true });
  try {
    for (const r of d.prepare('SELECT key, conversation_id, value, created_at, updated_at FROM conversations_v2 ORDER BY key, conversation_id').all()) out.push(JSON.stringify(r));
    const old = d.prepare(`SELECT name FROM sqlite_master WHERE name = 'conversations'`).get();
    if (old) for (const r of d.prepare('SELECT key, value FROM conversations ORDER BY key').all()) out.push(JSON.stringify(r));
  } finally {
    d.close();
  }
  return out;
}

export function ref(s: { source: string; id: string }): string {
  return `${s.source}:${s.id}`;
}

/**
 * Deletes every session of the home in one batch and restores it: the
 * agents' files come back byte-identical and every Kiro row identical.
 */
export async function checkDeleteAndRestore(h: HomeRunner): Promise<void> {
  const sessions = (await h.list()).filter((s) => !s.inUse);
  assert.ok(sessions.length > 0);
  const files = agentFiles(h.home);
  const rows = kiroRows(h.home);
  const removed = await h.json<{ trashId: string; sessions: unknown[] }>(['rm', ...sessions.map(ref)]);
  assert.equal(removed.sessions.length, sessions.length);
  const left = new Set((await h.list()).map(ref));
  for (const s of sessions) assert.ok(!left.has(ref(s)), `${ref(s)} is still listed after rm`);
  const trash = await h.json<Array<{ id: string; items: unknown[] }>>(['trash']);
  assert.equal(trash[0]?.id, removed.trashId);
  await h.ok(['restore', '--last']);
  assert.deepEqual(agentFiles(h.home), files, 'restored files differ from the originals');
  assert.deepEqual(kiroRows(h.home), rows, 'restored rows differ from the originals');
  assert.deepEqual(await h.json<unknown[]>(['trash']), []);
  const back = new Set((await h.list()).map(ref));
  for (const s of sessions) assert.ok(back.has(ref(s)), `${ref(s)} is not listed after restore`);
}

/** Rename, clear, fork (whole and cut), compact and restore its backup, export and import: each read back. */
export async function checkEverySession(h: HomeRunner, only?: (s: Session) => boolean): Promise<number> {
  const sessions = (await h.list()).filter((s) => !s.inUse && (only?.(s) ?? true));
  let checked = 0;
  for (const s of sessions) {
    const id = ref(s);
    const before = await h.show(id);
    const label = `${id} (${s.title})`;

    const layout = layoutOf(s.source);
    const cannotRename = cannot(s.source, 'rename');
    if (cannotRename) await checkRefused(h, ['rename', id, 'A new name ✓'], cannotRename, 1);
    else {
      await h.ok(['rename', id, 'A new name ✓']);
      const renamed = await h.show(id);
      assert.deepEqual([renamed.title, renamed.titleSource], ['A new name ✓', 'custom'], label);
      assert.deepEqual(said(renamed.messages), said(before.messages), `${label}: rename changed the transcript`);
      if (layout.writer.cannotClear) await checkRefused(h, ['rename', id, '--clear', '--force'], layout.writer.cannotClear, 2);
      else {
        await h.ok(['rename', id, '--clear', '--force']);
        assert.notEqual((await h.show(id)).titleSource, 'custom', `${label}: --clear kept a custom title`);
      }
    }

    await checkExportImport(h, s, before, label);
    const cannotFork = cannot(s.source, 'fork');
    const cannotCompact = cannot(s.source, 'compact');
    if (cannotFork) {
      await checkRefused(h, ['fork', id], cannotFork, 1);
      await checkRefused(h, ['fork', id, '--at-turn', '1'], cannotFork, 1);
    }
    if (cannotCompact) await checkRefused(h, ['compact', id, '--force'], cannotCompact, 1);
    if (cannotFork || cannotCompact) {
      checked++;
      continue;
    }

    const fork = await h.json<{ id: string; title: string }>(['fork', id]);
    const forked = await h.show(`${s.source}:${fork.id}`);
    assert.equal(forked.forkedFrom, s.id, `${label}: fork has no link to its source`);
    assert.equal(forked.workDir, before.workDir, `${label}: fork changed the work dir`);
    assert.equal(forked.title, fork.title);
    assert.match(forked.title, /^Fork: /);
    assert.deepEqual(said(forked.messages), said(before.messages), `${label}: fork changed the transcript`);
    checkLayoutRules(h.home, forked, label);

    if (before.turns >= 2) {
      const cut = await h.json<{ id: string }>(['fork', id, '--at-turn', '1']);
      const one = await h.show(`${s.source}:${cut.id}`);
      assert.equal(one.turns, 1, `${label}: --at-turn 1 kept ${one.turns} turns`);
      const kept = said(one.messages);
      assert.deepEqual(kept, said(before.messages).slice(0, kept.length), `${label}: the cut fork is not a prefix of its source`);
      assert.ok(kept.length < said(before.messages).length);
      // No dangling tool call: every call in the cut fork has its result.
      const calls = one.messages.filter((m) => m.role === 'assistant' && m.tool?.id).map((m) => m.tool!.id);
      const results = new Set(one.messages.filter((m) => m.role === 'tool').map((m) => m.tool?.id));
      for (const c of calls) assert.ok(results.has(c), `${label}: tool call ${c} has no result after the cut`);
    }
    const tooFar = await h.run(['fork', id, '--at-turn', String(before.turns + 1)]);
    assert.equal(tooFar.code, 2, `${label}: --at-turn past the end: ${tooFar.stderr}`);

    await checkCompact(h, s, before, label);
    checked++;
  }
  return checked;
}

/** An action the layout leaves off: one line naming why, the given exit code, and not a byte of the agents' files changed. */
async function checkRefused(h: HomeRunner, args: string[], reason: string, code: number): Promise<void> {
  const files = agentFiles(h.home);
  const rows = kiroRows(h.home);
  const r = await h.run(args);
  assert.equal(r.code, code, `sessions ${args.join(' ')}: ${r.stderr}`);
  assert.ok(r.stderr.includes(reason.replace(/^[^:]*: /, '')), `sessions ${args.join(' ')} does not say why: ${r.stderr}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.deepEqual(agentFiles(h.home), files, `sessions ${args.join(' ')} changed files`);
  assert.deepEqual(kiroRows(h.home), rows);
}

async function checkCompact(h: HomeRunner, s: Session, before: Shown, label: string): Promise<void> {
  const id = ref(s);
  const filesBefore = agentFiles(h.home);
  const rowsBefore = kiroRows(h.home);
  const r = await h.run(['compact', id, '--json', '--force']);
  if (s.source === 'kimi-cli' && !existsSync(join(s.path, 'context.jsonl')) && s.path.endsWith('.jsonl')) {
    assert.equal(r.code, 1, `${label}: a one-file Kimi CLI session cannot be compacted`);
    assert.deepEqual(agentFiles(h.home), filesBefore);
    return;
  }
  assert.equal(r.code, 0, `${label}: compact failed: ${r.stderr}`);
  const result = JSON.parse(r.stdout) as { resultId: string; backup: string; summary: string };
  const after = await h.show(`${s.source}:${result.resultId}`);
  const summary = after.messages.filter((m) => m.role === 'summary').at(-1);
  assert.ok(summary, `${label}: no summary after compaction`);
  assert.equal(summary.text.trim(), result.summary.trim());
  const firstPrompt = before.messages.find((m) => m.role === 'user');
  if (firstPrompt) assert.ok(result.summary.includes(firstPrompt.text.trim().slice(0, 40)), `${label}: the summary lacks the goal`);
  // Restoring the backup puts back the pre-compaction files byte for byte.
  await h.ok(['restore', result.backup]);
  if (s.source === 'kiro-sqlite') {
    // As Kiro's /compact: the old row stays untouched and the summary is a new row.
    const rows = kiroRows(h.home);
    for (const row of rowsBefore) assert.ok(rows.includes(row), `${label}: a row changed`);
    assert.notEqual(result.resultId, s.id);
  } else {
    const files = agentFiles(h.home);
    for (const [k, v] of filesBefore) assert.equal(files.get(k), v, `${label}: ${k} differs after restoring the compact backup`);
  }
  if (s.source === 'kimi-code') {
    // The session never left: no index line may say it was deleted (a later line wins in the agent's index).
    const index = join(h.home, '.kimi-code', 'session_index.jsonl');
    const last = existsSync(index) ? readFileSync(index, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { sessionId?: string; deleted?: boolean }).filter((l) => l.sessionId === s.id).at(-1) : undefined;
    assert.notEqual(last?.deleted, true, `${label}: restoring the compact backup marked the session deleted in the index`);
  }
  // The compacted version the restore replaced waits in the trash; clear it out.
  await h.ok(['trash', 'purge', '--yes']);
}

async function checkExportImport(h: HomeRunner, s: Session, before: Shown, label: string): Promise<void> {
  const id = ref(s);
  const dir = join(h.home, 'exports', s.id.replace(/[^A-Za-z0-9._-]/g, '_'));
  const md = await h.ok(['export', id, '-o', '-']);
  const now = await h.show(id);
  assert.ok(md.startsWith(`# ${now.title || s.id}`), `${label}: markdown heading`);
  for (const m of before.messages.filter((x) => x.role === 'user').slice(0, 3)) assert.ok(md.includes(m.text.trim().split('\n')[0]!), `${label}: markdown lacks a prompt`);
  const html = await h.ok(['export', id, '--format', 'html', '-o', '-']);
  assert.match(html, /^<!doctype html>/);
  assert.ok(!/<script/i.test(html), 'the HTML page has no scripts');
  const cannotImport = cannot(s.source, 'import');
  for (const format of ['json', 'zip']) {
    const file = join(dir, `export.${format}`);
    await h.ok(['export', id, '--format', format, '-o', file]);
    if (cannotImport) {
      // The export is whole (its own transcript), and its import is refused with the reason.
      if (format === 'json') assert.deepEqual(said((JSON.parse(readFileSync(file, 'utf8')) as { messages: Message[] }).messages), said(before.messages), `${label}: the JSON export`);
      await checkRefused(h, ['import', file, ...(before.workDir ? [] : ['--dir', '/imported/here'])], cannotImport, 1);
      continue;
    }
    const imported = await h.json<{ id: string; source: string; originalId: string | null }>(['import', file, ...(before.workDir ? [] : ['--dir', '/imported/here'])]);
    // A Kiro row's JSON is what the legacy /chat save writes; the agent's /chat load makes a session of files of it.
    const lands = s.source === 'kiro-sqlite' && format === 'json' ? 'kiro-files' : s.source;
    assert.equal(imported.source, lands);
    assert.equal(imported.originalId, s.id, `${label}: an import of an existing id gets a new id`);
    const back = await h.show(`${lands}:${imported.id}`);
    assert.deepEqual(said(back.messages), said(before.messages), `${label}: ${format} export and import changed the transcript`);
    assert.equal(back.turns, before.turns);
    if (s.source === 'kiro-sqlite' && format === 'json') {
      // Exactly what /chat save writes: the row's value, pretty-printed.
      const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      assert.equal(value['conversation_id'], s.id);
      const values = kiroRows(h.home).map((r) => JSON.parse((JSON.parse(r) as { value: string }).value) as Record<string, unknown>);
      assert.deepEqual(value, values.find((v) => v['conversation_id'] === s.id));
    }
  }
}

/** The files of a session the manager made, against its layout's rules (FORMATS.md). */
export function checkLayoutRules(home: string, s: Shown, label: string): void {
  switch (s.source) {
    case 'kimi-code': {
      const state = JSON.parse(readFileSync(join(s.path, 'state.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(state['id'], s.id, `${label}: state.json id`);
      assert.equal(state['version'], 2);
      assert.match(s.id, /^session_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(typeof state['createdAt'], 'number');
      for (const [agentId, agent] of Object.entries(state['agents'] as Record<string, { homedir: string }>)) {
        assert.equal(agent.homedir, join(s.path, 'agents', agentId), `${label}: agent homedir`);
        const lines = readFileSync(join(s.path, 'agents', agentId, 'wire.jsonl'), 'utf8').trim().split('\n');
        assert.equal((JSON.parse(lines[0]!) as { type: string }).type, 'metadata', `${label}: a wire starts with metadata`);
        if (s.forkedFrom) assert.deepEqual(Object.keys(JSON.parse(lines.at(-1)!) as object), ['type', 'agentId', 'time'], `${label}: a forked record ends the wire`);
      }
      const index = readFileSync(join(home, '.kimi-code', 'session_index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.ok(index.some((l) => l['sessionId'] === s.id && l['sessionDir'] === s.path && l['workDir'] === s.workDir), `${label}: no index line`);
      break;
    }
    case 'kimi-cli': {
      if (s.path.endsWith('.jsonl')) break;
      const state = JSON.parse(readFileSync(join(s.path, 'state.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(state['custom_title'], s.title, `${label}: custom_title`);
      assert.match(s.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      break;
    }
    case 'kiro-files': {
      const meta = JSON.parse(readFileSync(s.path, 'utf8')) as Record<string, unknown>;
      assert.equal(meta['session_id'], s.id, `${label}: session_id`);
      assert.equal(s.path, join(home, '.kiro', 'sessions', 'cli', `${s.id}.json`));
      for (const line of readFileSync(s.path.replace(/\.json$/, '.jsonl'), 'utf8').trim().split('\n').filter(Boolean)) {
        assert.equal((JSON.parse(line) as { version: string }).version, 'v1');
      }
      break;
    }
    case 'kiro-sqlite': {
      const rows = kiroRows(home).map((r) => JSON.parse(r) as { conversation_id?: string; value: string; key: string });
      const row = rows.find((r) => r.conversation_id === s.id);
      assert.ok(row, `${label}: no row`);
      assert.equal((JSON.parse(row.value) as { conversation_id: string }).conversation_id, s.id, `${label}: conversation_id inside the JSON`);
      assert.equal(row.key, s.workDir);
      break;
    }
  }
}
