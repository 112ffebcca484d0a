// The trash on its own (src/actions/trash.ts), with plain files, index lines
// and Kiro rows planned by hand: it is opaque to the layouts, so every branch
// is reached here without one. What a layout plans is tested in the action suites.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test, type TestContext } from './harness.js';
import { insertKiroConversation, openKiroDb } from '../fixtures/layouts.js';
import { setFaultHook } from '../src/actions/faults.js';
import { Trash, type TrashEntry, type TrashPlan, type TrashedSession } from '../src/actions/trash.js';
import { tempDir } from './helpers.js';
import { removeSessions } from '../src/actions/remove.js';
import { ActionEnv } from '../src/actions/target.js';
import type { Homes } from '../src/sources/homes.js';
import { demoHome, HomeRunner } from './action-suite.js';

const info = (id: string, source: TrashedSession['source'] = 'kiro-files'): TrashedSession => ({ source, id, title: `t ${id}`, workDir: '/w', bytes: 3 });

interface Place {
  home: string;
  trash: Trash;
  /** A session of two files, metadata first (as Kiro's file layout plans it). */
  files(id: string): TrashPlan;
}

function place(t: TestContext): Place {
  const home = tempDir(t);
  const store = join(home, 'store');
  mkdirSync(store, { recursive: true });
  return {
    home,
    trash: new Trash(join(home, 'data')),
    files(id) {
      writeFileSync(join(store, `${id}.json`), `{"id":"${id}"}`);
      writeFileSync(join(store, `${id}.jsonl`), `line of ${id}\n`);
      return { paths: [join(store, `${id}.json`), join(store, `${id}.jsonl`)] };
    },
  };
}

function withFault(point: string, fn: () => void, at = 1): void {
  let n = 0;
  setFaultHook((p) => {
    if (p === point && ++n === at) throw new Error(`fault at ${p}`);
  });
  try {
    fn();
  } finally {
    setFaultHook(null);
  }
}

function manifest(p: Place, id: string): TrashEntry {
  return JSON.parse(readFileSync(join(p.trash.dir, id, 'manifest.json'), 'utf8')) as TrashEntry;
}

function writeManifest(p: Place, name: string, entry: object): void {
  mkdirSync(join(p.trash.dir, name), { recursive: true });
  writeFileSync(join(p.trash.dir, name, 'manifest.json'), JSON.stringify(entry));
}

const bare = (id: string, createdAt: string): TrashEntry => ({ version: 1, id, createdAt, action: 'rm', copy: false, state: 'done', items: [] });

test('the trash lists entries newest first (ties by id), reports the manifests it cannot read, and ignores folders without one', (t) => {
  const p = place(t);
  writeManifest(p, 'b', bare('b', '2026-01-02T00:00:00.000Z'));
  writeManifest(p, 'a', bare('a', '2026-01-03T00:00:00.000Z'));
  writeManifest(p, 'c', bare('c', '2026-01-03T00:00:00.000Z'));
  writeManifest(p, 'd', bare('d', '2026-01-01T00:00:00.000Z'));
  writeManifest(p, 'old-version', { ...bare('old-version', '2026-01-04T00:00:00.000Z'), version: 2 });
  writeManifest(p, 'no-items', { ...bare('no-items', '2026-01-04T00:00:00.000Z'), items: {} });
  writeManifest(p, 'moved-folder', bare('other-id', '2026-01-04T00:00:00.000Z'));
  mkdirSync(join(p.trash.dir, 'stray'));
  mkdirSync(join(p.trash.dir, 'broken'));
  writeFileSync(join(p.trash.dir, 'broken', 'manifest.json'), '{"version":1,');
  const reports: string[] = [];
  const listed = p.trash.list((path, reason) => reports.push(`${path.slice(p.trash.dir.length + 1)}: ${reason}`));
  assert.deepEqual(listed.map((e) => e.id), ['c', 'a', 'b', 'd']);
  assert.deepEqual(reports.map((r) => r.split(':')[0]).sort(), ['broken/manifest.json', 'moved-folder/manifest.json', 'no-items/manifest.json', 'old-version/manifest.json']);
  assert.ok(reports.filter((r) => !r.startsWith('broken')).every((r) => r.endsWith('not a trash manifest this version understands')), reports.join('\n'));
  assert.equal(new Trash(join(p.home, 'nowhere')).list().length, 0, 'no trash folder: an empty trash');
});

test('a trash entry is found by its id or a unique prefix; an unknown or ambiguous one is a clear error', (t) => {
  const p = place(t);
  for (const id of ['20260101-a', '20260101-ab', '20260102-x']) writeManifest(p, id, bare(id, '2026-01-01T00:00:00.000Z'));
  assert.equal(p.trash.get('20260101-a').id, '20260101-a', 'an exact id wins over the longer one it prefixes');
  assert.equal(p.trash.get('20260101-ab').id, '20260101-ab');
  assert.equal(p.trash.get('20260102').id, '20260102-x');
  assert.throws(() => p.trash.get('2027'), /^UserError: no trash entry '2027' \(see `sessions trash`\)$/);
  assert.throws(() => p.trash.get('20260101'), /'20260101' matches 2 trash entries: 20260101-ab?, 20260101-ab?$/);
  assert.throws(() => p.trash.get('-x'), /no trash entry '-x'/, 'a prefix, not any part');
});

test('put moves every planned path, records it before the first move, and restore puts back the same bytes, metadata last', (t) => {
  const p = place(t);
  const plan = p.files('s1');
  const missing = join(p.home, 'store', 's1.lock');
  const states: string[] = [];
  setFaultHook((point) => {
    if (point === 'trash.described') states.push(manifest(p, readdirSync(p.trash.dir)[0]!).state);
  });
  let entry: TrashEntry;
  try {
    // A planned path that does not exist (no lock file) is left out, not an error.
    entry = p.trash.put([{ info: info('s1'), plan: { paths: [...plan.paths, missing] } }], 'rm');
  } finally {
    setFaultHook(null);
  }
  assert.deepEqual(states, ['moving'], 'the manifest says moving until every item is in');
  assert.equal(manifest(p, entry.id).state, 'done');
  assert.deepEqual(entry.items[0]!.paths.map((x) => x.original), plan.paths);
  for (const path of plan.paths) assert.ok(!existsSync(path), `${path} moved`);
  // Every folder the trash makes is private, the ones holding rows too.
  for (const d of [entry.id, `${entry.id}/items`, `${entry.id}/items/0`]) assert.equal(statSync(join(p.trash.dir, d)).mode & 0o777, 0o700, d);
  assert.ok(p.trash.bytes(entry) >= 'line of s1\n'.length + '{"id":"s1"}'.length);

  const backFirst: string[] = [];
  setFaultHook((point) => {
    if (point === 'restore.path-moved') backFirst.push(plan.paths.filter((x) => existsSync(x)).join());
  });
  try {
    assert.equal(p.trash.restore(entry), null);
  } finally {
    setFaultHook(null);
  }
  assert.deepEqual(backFirst, [plan.paths[1], plan.paths.join()], 'the log comes back before the metadata that lists the session');
  assert.equal(readFileSync(plan.paths[1]!, 'utf8'), 'line of s1\n');
  assert.equal(existsSync(join(p.trash.dir, entry.id)), false);
  assert.equal(p.trash.list().length, 0);
});

test('a Kimi Code index line is written when a session leaves and when it comes back, never for a copy, and only when something came back', (t) => {
  const p = place(t);
  const index = join(p.home, 'index.jsonl');
  const withIndex = (id: string): TrashPlan => ({ ...p.files(id), extra: { file: index, removed: { gone: id }, restored: { back: id } } });
  const lines = (): string[] => (existsSync(index) ? readFileSync(index, 'utf8').trim().split('\n') : []);

  const entry = p.trash.put([{ info: info('s1', 'kimi-code'), plan: withIndex('s1') }], 'rm');
  assert.deepEqual(lines(), ['{"gone":"s1"}']);
  p.trash.restore(entry);
  assert.deepEqual(lines(), ['{"gone":"s1"}', '{"back":"s1"}']);

  const backup = p.trash.put([{ info: info('s2', 'kimi-code'), plan: withIndex('s2') }], 'compact', true);
  assert.equal(lines().length, 2, 'a backup copy leaves the index alone');
  p.trash.restore(backup);
  assert.equal(lines().length, 2, 'restoring a backup puts files back, the session never left the index');

  // An entry a crash left before anything moved: nothing comes back, so no line says it did.
  const empty = p.trash.put([{ info: info('s3', 'kimi-code'), plan: withIndex('s3') }], 'rm');
  rmSync(join(p.trash.dir, empty.id, 'items'), { recursive: true });
  const before = lines().length;
  p.trash.restore(empty);
  assert.equal(lines().length, before);
});

test('a Kiro row: the row is kept by hash, a gone row is an error, and a row back in the database is a clash', (t) => {
  const p = place(t);
  const db = join(p.home, 'data.sqlite3');
  const d = openKiroDb(db);
  const conv = (id: string) => ({ id, workDir: '/w/k', startMs: Date.now() - 1000, turns: [{ prompt: `hi ${id}`, answer: 'ok' }] });
  insertKiroConversation(d, conv('k1'));
  insertKiroConversation(d, conv('k2'));
  d.close();
  const count = (): number => {
    const c = new Database(db, { readonly: true });
    const n = c.prepare('SELECT count(*) FROM conversations_v2').pluck().get() as number;
    c.close();
    return n;
  };
  const row = (id: string): TrashPlan => ({ paths: [], extra: { db, table: 'conversations_v2', key: '/w/k', conversationId: id } });
  const kiro = (id: string): TrashedSession => info(id, 'kiro-sqlite');

  assert.throws(() => p.trash.put([{ info: kiro('k9'), plan: row('k9') }], 'rm'), /kiro-sqlite:k9: the row is gone from .*data\.sqlite3/);
  assert.equal(p.trash.list().length, 0, 'nothing is left of a batch that could not be described');

  const entry = p.trash.put([{ info: kiro('k1'), plan: row('k1') }], 'rm');
  assert.equal(count(), 1);
  p.trash.restore(entry);
  assert.equal(count(), 2);

  const again = p.trash.put([{ info: kiro('k1'), plan: row('k1') }], 'rm');
  const w = openKiroDb(db);
  insertKiroConversation(w, conv('k1'));
  w.close();
  assert.throws(() => p.trash.restore(again), /^UserError: not restoring \S+: kiro-sqlite:k1 is in .*data\.sqlite3 again$/);
  assert.equal(p.trash.list().length, 1, 'the entry stays');
});

test('restore refuses to overwrite: every clash is named, and nothing moves', (t) => {
  const p = place(t);
  const plan = p.files('s1');
  const entry = p.trash.put([{ info: info('s1'), plan }], 'rm');
  for (const path of plan.paths) writeFileSync(path, 'a new session with the same name');
  assert.throws(() => p.trash.restore(entry), (e: Error) => e.message === `not restoring ${entry.id}: ${plan.paths.map((x) => `${x} exists again`).join('; ')}`);
  for (const path of plan.paths) assert.equal(readFileSync(path, 'utf8'), 'a new session with the same name');
  assert.equal(p.trash.list().length, 1);
});

test('a restore that fails half-way leaves each session whole, back or in the entry, and the entry lists only what is left', (t) => {
  const p = place(t);
  const a = p.files('a');
  const b = p.files('b');
  const entry = p.trash.put([{ info: info('a'), plan: a }, { info: info('b'), plan: b }], 'rm');
  // The second session's log was changed in the trash: its bytes no longer match.
  writeFileSync(join(p.trash.dir, entry.id, 'items', '1', 'b.jsonl'), 'tampered\n');
  assert.throws(() => p.trash.restore(entry), /b\.jsonl was restored but its bytes differ from when it was deleted/);
  for (const path of a.paths) assert.ok(existsSync(path), `${path} is back`);
  for (const path of b.paths) assert.ok(!existsSync(path), `${path} went back into the trash`);
  assert.deepEqual(manifest(p, entry.id).items.map((i) => i.id), ['b']);
  assert.ok(existsSync(join(p.trash.dir, entry.id, 'items', '1', 'b.json')));
});

test('restoring a compact backup moves the current version to the trash first, and back if the restore fails', (t) => {
  const p = place(t);
  const plan = p.files('s1');
  const backup = p.trash.put([{ info: info('s1'), plan }], 'compact', true);
  for (const path of plan.paths) assert.ok(existsSync(path), 'a backup leaves the session in place');
  writeFileSync(plan.paths[1]!, 'compacted\n');

  withFault('restore.path-moved', () => assert.throws(() => p.trash.restore(backup), /fault at restore\.path-moved/));
  assert.equal(readFileSync(plan.paths[1]!, 'utf8'), 'compacted\n', 'the compacted version is back in place');
  assert.deepEqual(p.trash.list().map((e) => e.action), ['compact'], 'and not left in a replaced entry');

  const replaced = p.trash.restore(p.trash.get(backup.id));
  assert.equal(readFileSync(plan.paths[1]!, 'utf8'), 'line of s1\n');
  assert.ok(replaced);
  assert.deepEqual([replaced.action, replaced.items.map((i) => i.id)], ['replaced', ['s1']]);
  const kept = join(p.trash.dir, replaced.id, replaced.items[0]!.paths.find((x) => x.original === plan.paths[1])!.stored);
  assert.equal(readFileSync(kept, 'utf8'), 'compacted\n');

  // A backup whose session is gone, or partly gone, replaces only what is there.
  const again = p.trash.put([{ info: info('s1'), plan }], 'compact', true);
  rmSync(plan.paths[0]!);
  const second = p.trash.restore(again)!;
  assert.deepEqual(second.items[0]!.paths.map((x) => x.original), [plan.paths[1]]);
  const third = p.trash.put([{ info: info('s1'), plan }], 'compact', true);
  for (const path of plan.paths) rmSync(path);
  assert.equal(p.trash.restore(third), null, 'nothing to replace: no empty entry');
  assert.equal(readFileSync(plan.paths[1]!, 'utf8'), 'line of s1\n');
});

test('a put that fails half-way moves back what it moved, and a failed backup copy leaves the sessions untouched', (t) => {
  const p = place(t);
  const a = p.files('a');
  const b = p.files('b');
  withFault('trash.item-moved', () => assert.throws(() => p.trash.put([{ info: info('a'), plan: a }, { info: info('b'), plan: b }], 'rm'), /fault/), 2);
  for (const path of [...a.paths, ...b.paths]) assert.ok(existsSync(path), path);
  assert.deepEqual(readdirSync(p.trash.dir), []);

  withFault('trash.item-moved', () => assert.throws(() => p.trash.put([{ info: info('a'), plan: a }], 'compact', true), /fault/));
  assert.equal(readFileSync(a.paths[1]!, 'utf8'), 'line of a\n');
  assert.deepEqual(readdirSync(p.trash.dir), []);

  withFault('trash.described', () => assert.throws(() => p.trash.put([{ info: info('a'), plan: a }], 'rm'), /fault/));
  assert.deepEqual(readdirSync(p.trash.dir), []);
  for (const path of a.paths) assert.ok(existsSync(path), path);

  const e = p.trash.put([{ info: info('a'), plan: a }], 'rm');
  p.trash.purge([e]);
  assert.deepEqual(readdirSync(p.trash.dir), []);
});

test('rm and restore say what they did: the sessions, their bytes, the entry, and on a dry run nothing moved', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const sessions = (await h.list()).filter((s) => !s.inUse && s.source !== 'kiro-sqlite').slice(0, 2);
  const refs = sessions.map((s) => `${s.source}:${s.id}`);
  const want = sessions.map((s) => ({ source: s.source, id: s.id, title: s.title, workDir: s.workDir, bytes: s.bytes }));
  const bytes = sessions.reduce((n, s) => n + s.bytes, 0);
  assert.ok(sessions.every((s) => s.bytes > 0));

  const dry = await h.json<Record<string, unknown>>(['rm', ...refs, '--dry-run', '--json']);
  assert.deepEqual(dry, { action: 'rm', trashId: null, sessions: want, bytes, dryRun: true });
  const rm = await h.json<Record<string, unknown>>(['rm', ...refs, '--json']);
  assert.deepEqual(rm, { action: 'rm', trashId: rm['trashId'], sessions: want, bytes, dryRun: false });
  assert.match(String(rm['trashId']), /^\d{8}-\d{6}-[0-9a-f]{6}$/);

  const dryBack = await h.json<Record<string, unknown>>(['restore', String(rm['trashId']), '--dry-run', '--json']);
  assert.deepEqual(dryBack, { action: 'restore', trashId: rm['trashId'], sessions: want, replacedBy: null, dryRun: true });
  assert.equal((await h.json<unknown[]>(['trash'])).length, 1, 'a dry run restores nothing');
  const back = await h.json<Record<string, unknown>>(['restore', '--last', '--json']);
  assert.deepEqual(back, { action: 'restore', trashId: rm['trashId'], sessions: want, replacedBy: null, dryRun: false });
  const empty = await h.run(['restore', '--last']);
  assert.deepEqual([empty.code, empty.stderr.trim()], [1, 'sessions: the trash is empty']);

  // A compact backup restored: the compacted version is named.
  const kimi = sessions.find((s) => s.source === 'kimi-code') ?? (await h.list()).find((s) => s.source === 'kimi-code' && s.turns > 1)!;
  const compacted = await h.json<{ backup: string }>(['compact', `kimi-code:${kimi.id}`, '--force', '--json']);
  const undone = await h.json<{ replacedBy: string | null }>(['restore', compacted.backup, '--json']);
  assert.match(String(undone.replacedBy), /^\d{8}-\d{6}-[0-9a-f]{6}$/);
  assert.deepEqual((await h.json<Array<{ id: string }>>(['trash'])).map((e) => e.id), [undone.replacedBy]);
});

test('rm --force moves a session the agent has open; an empty batch makes no trash entry', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const locked = (await h.list()).find((s) => s.inUse && s.source === 'kiro-files')!;
  assert.equal((await h.run(['rm', `${locked.source}:${locked.id}`])).code, 1);
  const r = await h.json<{ trashId: string }>(['rm', `${locked.source}:${locked.id}`, '--force']);
  assert.ok(r.trashId);
  const data = join(tempDir(t), 'data');
  const none = removeSessions(new ActionEnv({ data } as Homes), []);
  assert.deepEqual(none, { action: 'rm', trashId: null, sessions: [], bytes: 0, dryRun: false });
  assert.equal(existsSync(join(data, 'trash')), false);
});

test('an entry written before layouts owned their parts (`row` and `index` in the manifest) restores as it did', (t) => {
  const p = place(t);
  const db = join(p.home, 'data.sqlite3');
  const d = openKiroDb(db);
  insertKiroConversation(d, { id: 'k1', workDir: '/w/k', startMs: Date.now() - 1000, turns: [{ prompt: 'hi', answer: 'ok' }] });
  d.close();
  const index = join(p.home, 'index.jsonl');
  const rowEntry = p.trash.put([{ info: info('k1', 'kiro-sqlite'), plan: { paths: [], extra: { db, table: 'conversations_v2', key: '/w/k', conversationId: 'k1' } } }], 'rm');
  const fileEntry = p.trash.put([{ info: info('s1', 'kimi-code'), plan: { ...p.files('s1'), extra: { file: index, removed: { gone: 's1' }, restored: { back: 's1' } } } }], 'rm');
  // Rewrite both manifests in the older shape.
  for (const [entry, field] of [[rowEntry, 'row'], [fileEntry, 'index']] as const) {
    const path = join(p.trash.dir, entry.id, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { items: Array<Record<string, unknown>> };
    for (const item of m.items) {
      item[field] = item['part'];
      delete item['part'];
    }
    writeFileSync(path, JSON.stringify(m));
  }
  const count = (): number => {
    const c = new Database(db, { readonly: true });
    const n = c.prepare('SELECT count(*) FROM conversations_v2').pluck().get() as number;
    c.close();
    return n;
  };
  assert.equal(count(), 0);
  p.trash.restore(p.trash.get(rowEntry.id));
  assert.equal(count(), 1, 'the row is back');
  p.trash.restore(p.trash.get(fileEntry.id));
  assert.deepEqual(readFileSync(index, 'utf8').trim().split('\n'), ['{"gone":"s1"}', '{"back":"s1"}'], 'the index line of the older entry is written on restore');
  assert.ok(p.files('s1').paths.every((f) => existsSync(f)));
});

test('an entry holding parts of a layout this version does not know is refused in one plain line, and kept', (t) => {
  const p = place(t);
  const entry = p.trash.put([{ info: info('s1'), plan: p.files('s1') }], 'rm');
  const path = join(p.trash.dir, entry.id, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as { items: Array<Record<string, unknown>> };
  m.items[0]!['source'] = 'future-agent';
  m.items[0]!['part'] = { row: 1 };
  writeFileSync(path, JSON.stringify(m));
  assert.throws(() => p.trash.restore(p.trash.get(entry.id)), /^UserError: future-agent:s1: this version of sessions does not know how to put back its future-agent parts$/);
  assert.equal(p.trash.list().length, 1, 'the entry stays for a version that knows it');
});
