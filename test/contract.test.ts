// One contract every layout's reader keeps, run against each source over the
// generated demo home and over damaged copies of it.
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, test, type TestContext } from './harness.js';
import { generateDemoHome } from '../fixtures/generate.js';
import { countMessages, SOURCE_KINDS, type SourceKind } from '../src/model.js';
import { createSources } from '../src/sources/discover.js';
import { resolveHomes } from '../src/sources/homes.js';
import type { SessionRef, Source } from '../src/sources/source.js';
import { hashTree, tempDir } from './helpers.js';

function demo(t: TestContext): { home: string; source: (k: SourceKind) => Source } {
  const home = tempDir(t);
  generateDemoHome(home);
  const sources = createSources(resolveHomes({}, { home }));
  t.after(() => sources.forEach((s) => s.close()));
  return { home, source: (k) => sources.find((s) => s.kind === k)! };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

for (const kind of SOURCE_KINDS) {
  describe(`${kind} reader contract`, () => {
    test('scan finds sessions with unique keys; read gives a consistent session and transcript', (t) => {
      const { source } = demo(t);
      const reports: string[] = [];
      const refs = source(kind).scan((p, r) => reports.push(`${p}: ${r}`));
      assert.ok(refs.length >= 3, `${kind}: expected several demo sessions, got ${refs.length}`);
      assert.deepEqual(reports, []);
      assert.equal(new Set(refs.map((r) => r.key)).size, refs.length);
      for (const ref of refs) {
        assert.equal(ref.source, kind);
        const { session: s, messages } = source(kind).read(ref);
        assert.equal(s.source, kind);
        assert.equal(s.id, ref.id);
        assert.ok(s.id.length > 0);
        assert.match(s.createdAt, ISO);
        assert.match(s.updatedAt, ISO);
        assert.ok(s.createdAt <= s.updatedAt, `${s.id}: created ${s.createdAt} after updated ${s.updatedAt}`);
        assert.ok(s.workDir === null || s.workDir.startsWith('/'), `${s.id}: work dir ${s.workDir}`);
        assert.equal(s.messages, countMessages(messages));
        assert.equal(s.turns, messages.filter((m) => m.role === 'user').length, `${s.id}: a demo turn is one user message`);
        assert.ok(s.bytes > 0);
        assert.deepEqual(s.problems, [], `${s.id}: ${s.problems.join('; ')}`);
        if (s.turns > 0) assert.ok(s.title.length > 0 && s.titleSource !== 'none', `${s.id} has turns but no title`);
        for (const m of messages) {
          assert.ok(['user', 'assistant', 'tool', 'summary'].includes(m.role));
          assert.equal(typeof m.text, 'string');
          assert.ok(m.time === null || ISO.test(m.time));
          if (m.role === 'tool') assert.ok(m.tool?.name, 'a tool result names its tool');
        }
      }
    });

    test('a summary read gives the same session as a full read, without the messages', (t) => {
      const { source } = demo(t);
      for (const ref of source(kind).scan(() => {})) {
        const full = source(kind).read(ref, 'transcript');
        const summary = source(kind).read(ref, 'summary');
        assert.deepEqual(summary.session, full.session);
        assert.deepEqual(summary.messages, []);
        assert.ok(full.messages.length > 0 || full.session.turns === 0);
      }
    });

    test('scan and read never write to the agent folders', (t) => {
      const { home, source } = demo(t);
      const before = hashTree(home);
      for (const ref of source(kind).scan(() => {})) source(kind).read(ref);
      source(kind).close();
      assert.deepEqual(hashTree(home), before);
    });

    test('a damaged session is still read: problems are reported, nothing throws', (t) => {
      const { home, source } = demo(t);
      // Break every file of the first session the way real homes break them.
      const ref = source(kind).scan(() => {}).find((r) => r.hint['flat'] !== 'yes')!;
      source(kind).close();
      damage(home, ref);
      const refs = source(kind).scan(() => {});
      for (const r of refs) {
        const { session } = source(kind).read(r);
        assert.equal(typeof session.title, 'string');
      }
      const hurt = refs.find((r) => r.key === ref.key);
      assert.ok(hurt, 'the damaged session is still listed');
      assert.ok(source(kind).read(hurt).session.problems.length > 0, 'damage is reported as a problem');
    });
  });
}

/** Breaks one session the way real homes break: a log torn mid-line, corrupt JSON, a value that is not JSON. */
function damage(home: string, ref: SessionRef): void {
  if (ref.source === 'kiro-sqlite') {
    const db = new Database(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
    db.prepare("UPDATE conversations_v2 SET value = 'not json' WHERE conversation_id = ?").run(ref.id);
    db.close();
    return;
  }
  const files =
    ref.source === 'kiro-files' ? [ref.path, `${ref.path}l`] : statSync(ref.path).isDirectory() ? listFiles(ref.path) : [ref.path];
  for (const f of files) {
    if (f.endsWith('.jsonl')) appendFileSync(f, '\n{"type":"turn.prompt","input":[{"type":"te');
    if (f.endsWith('.json')) writeFileSync(f, '{');
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}
