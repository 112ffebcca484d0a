// Fuzzing the readers: the real sample files of ../shared/samples and the
// demo fixtures, cut, spliced, byte-flipped and with values of the wrong
// type, fed to every layout's reader. No exception may escape, no read may
// hang, every session read is well-formed, and damage the reader has to
// read through (a document or a line that is not JSON) ends up in
// `problems` or a report. The runs are seeded; the seed is printed.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from './harness.js';
import fc from 'fast-check';
import { Catalog } from '../src/catalog/catalog.js';
import { resolveHomes } from '../src/sources/homes.js';
import { kimiCliBucket, kimiCodeWorkDirKey, openKiroDb, registerKimiWorkDir } from '../fixtures/layouts.js';
import { REPO, SAMPLES, tempDir, testSeed } from './helpers.js';
import type { Transcript } from '../src/model.js';

const RUNS = Number(process.env['SESSIONS_FUZZ_RUNS'] ?? 60);

/** A place in the file, spread evenly (fast-check otherwise favours the ends). */
const at = fc.noBias(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }));

/** Mutations of a file's bytes: what a crash, a bad disk or a bad writer leaves. */
const byteMutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at }),
  fc.record({ kind: fc.constant('flip' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('splice' as const), at, bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at }),
);

/** A value of the wrong type somewhere in a record, the JSON still valid: what a buggy writer leaves. */
const typeMutation = fc.record({ kind: fc.constant('retype' as const), line: at, path: at, value: fc.jsonValue({ maxDepth: 2 }) });

type Mutation = (typeof byteMutation extends fc.Arbitrary<infer T> ? T : never) | (typeof typeMutation extends fc.Arbitrary<infer T> ? T : never);

/** Either valid JSON with wrong types, or damaged bytes. */
const mutations: fc.Arbitrary<Mutation[]> = fc.oneof(fc.array(typeMutation, { minLength: 1, maxLength: 3 }), fc.array(byteMutation, { minLength: 1, maxLength: 4 }));

function apply(data: Buffer, ms: readonly Mutation[]): Buffer {
  let b = data;
  for (const m of ms) {
    if (m.kind === 'retype') {
      b = retype(b, m);
      continue;
    }
    const i = Math.floor(m.at * b.length);
    switch (m.kind) {
      case 'cut':
        b = b.subarray(0, i);
        break;
      case 'flip':
        b = Buffer.from(b);
        if (b.length > 0) b[Math.min(i, b.length - 1)] = m.byte;
        break;
      case 'splice':
        b = Buffer.concat([b.subarray(0, i), Buffer.from(m.bytes), b.subarray(i)]);
        break;
      case 'repeat': {
        // A line written twice, as a retried append does.
        const lines = b.toString('utf8').split('\n');
        const k = Math.floor(m.at * lines.length);
        lines.splice(k, 0, lines[k] ?? '');
        b = Buffer.from(lines.join('\n'));
        break;
      }
    }
  }
  return b;
}

/** Replaces one value (at any depth) of a JSON document, or of one JSONL line, with `value`. */
function retype(b: Buffer, m: { line: number; path: number; value: unknown }): Buffer {
  const text = b.toString('utf8');
  const whole = tryParse(text);
  const lines = whole === undefined ? text.split('\n') : [text];
  const k = Math.floor(m.line * lines.length);
  const doc = tryParse(lines[k] ?? '');
  if (doc === undefined || doc === null || typeof doc !== 'object') return b;
  const slots: Array<[Record<string | number, unknown>, string | number]> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        slots.push([v as unknown as Record<number, unknown>, i]);
        walk(x);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [key, x] of Object.entries(v)) {
        slots.push([v as Record<string, unknown>, key]);
        walk(x);
      }
    }
  };
  walk(doc);
  const slot = slots[Math.floor(m.path * slots.length)];
  if (!slot) return b;
  slot[0][slot[1]] = m.value;
  lines[k] = whole === undefined ? JSON.stringify(doc) : JSON.stringify(doc, null, 2);
  return Buffer.from(lines.join('\n'));
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface Target {
  name: string;
  /** Places the pristine files into a home; returns the file the mutations go to. */
  place(home: string): string;
  /**
   * Whether every damaged line (or a damaged document) must be reported.
   * Not for Kimi Code's wire, whose bookkeeping records are skipped from
   * their raw bytes unparsed (that is what keeps a 100 MB wire fast), nor
   * for Kimi CLI's context.jsonl, read only when the wire has no turn.
   */
  damageReported: boolean;
}

function copy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

const KC = (home: string, rel: string): string => join(home, '.kimi-code', 'sessions', kimiCodeWorkDirKey('/w'), 'session_fuzz', rel);
const CLI = (home: string, rel: string): string => join(home, '.kimi', 'sessions', kimiCliBucket('/w'), '11111111-1111-4111-8111-000000000009', rel);
const DEMO_KC = join(REPO, 'fixtures', 'demo-home', '.kimi-code', 'sessions', 'wd_webshop_791703ba11ff');

const TARGETS: Target[] = [
  { name: 'Kimi Code wire (sample)', place: (h) => (copy(join(SAMPLES, 'kimi-code/sample-main/state.json'), KC(h, 'state.json')), copy(join(SAMPLES, 'kimi-code/sample-main/agents/main/wire.jsonl'), KC(h, 'agents/main/wire.jsonl')), KC(h, 'agents/main/wire.jsonl')), damageReported: false },
  { name: 'Kimi Code state.json (sample)', place: (h) => (copy(join(SAMPLES, 'kimi-code/sample-main/agents/main/wire.jsonl'), KC(h, 'agents/main/wire.jsonl')), copy(join(SAMPLES, 'kimi-code/sample-main/state.json'), KC(h, 'state.json')), KC(h, 'state.json')), damageReported: true },
  {
    name: 'Kimi Code wire (demo fixture, with tools and a compaction)',
    place: (h) => {
      const src = join(DEMO_KC, 'session_ab9ee2b3-60f7-41f5-8ab4-c308051a6039');
      copy(join(src, 'state.json'), KC(h, 'state.json'));
      copy(join(src, 'agents/main/wire.jsonl'), KC(h, 'agents/main/wire.jsonl'));
      return KC(h, 'agents/main/wire.jsonl');
    },
    damageReported: false,
  },
  ...['wire.jsonl', 'context.jsonl', 'state.json'].map((f) => ({
    name: `Kimi CLI ${f} (sample with tool calls)`,
    place: (h: string) => {
      registerKimiWorkDir(join(h, '.kimi'), '/w');
      for (const g of ['wire.jsonl', 'context.jsonl', 'state.json']) copy(join(SAMPLES, 'kimi-cli/with-tool-calls', g), CLI(h, g));
      return CLI(h, f);
    },
    damageReported: f !== 'context.jsonl',
  })),
  ...['json', 'jsonl'].map((ext) => ({
    name: `Kiro session .${ext} (sample)`,
    place: (h: string) => {
      const dir = join(h, '.kiro', 'sessions', 'cli');
      copy(join(SAMPLES, 'kiro-files/session_v1_pre_metering.json'), join(dir, 'fz.json'));
      copy(join(SAMPLES, 'kiro-files/session_v1_pre_metering.jsonl'), join(dir, 'fz.jsonl'));
      return join(dir, `fz.${ext}`);
    },
    damageReported: true,
  })),
  {
    name: 'Codex rollout (demo fixture, with tools, reasoning and a compaction)',
    place: (h: string) => {
      const [rel] = demoFiles('.codex', /a63c59ae[^/]*\.jsonl$/);
      copy(join(DEMO, rel!), join(h, rel!));
      return join(h, rel!);
    },
    damageReported: true,
  },
  {
    name: 'Codex session_index.jsonl (thread names)',
    place: (h: string) => {
      for (const rel of demoFiles('.codex', /\.jsonl$/)) copy(join(DEMO, rel), join(h, rel));
      return join(h, '.codex', 'session_index.jsonl');
    },
    damageReported: true,
  },
  {
    name: 'Claude Code transcript (demo fixture, with tools, thinking and a subagent)',
    place: (h: string) => {
      const files = demoFiles('.claude', /2bc5833b/);
      for (const rel of files) copy(join(DEMO, rel), join(h, rel));
      const main = files.find((f) => /2bc5833b[^/]*\.jsonl$/.test(f))!;
      return join(h, main);
    },
    damageReported: true,
  },
];

const DEMO = join(REPO, 'fixtures', 'demo-home');

/** Files of the demo home under `top` whose path matches, relative to the demo home. */
function demoFiles(top: string, match: RegExp): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(DEMO, rel), { withFileTypes: true })) {
      const r = join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (match.test(r)) out.push(r);
    }
  };
  walk(top);
  return out;
}

const KIRO_VALUES = ['basic_tool_use.json', 'with_compaction_summary.json'];

interface Reading {
  transcripts: Transcript[];
  reports: string[];
}

function readAll(home: string): Reading {
  const homes = resolveHomes({ HOME: home }, {});
  const reports: string[] = [];
  const catalog = new Catalog({ homes, report: (path, reason) => reports.push(`${path}: ${reason}`) });
  try {
    const transcripts = catalog.scanned().map((f) => catalog.read(f));
    catalog.list();
    return { transcripts, reports };
  } finally {
    catalog.close();
  }
}

const ROLES = new Set(['user', 'assistant', 'tool', 'summary']);
const isTime = (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;

/** What a damaged file may never give: a session of the wrong shape. */
function assertWellFormed({ session: s, messages }: Transcript): void {
  const where = `${s.source} ${s.id}`;
  assert.equal(typeof s.id, 'string', where);
  assert.equal(typeof s.title, 'string', `${where}: title`);
  assert.ok(s.workDir === null || typeof s.workDir === 'string', `${where}: workDir`);
  assert.ok(isTime(s.createdAt) && isTime(s.updatedAt), `${where}: times ${s.createdAt} ${s.updatedAt}`);
  assert.ok(isCount(s.turns) && isCount(s.messages) && isCount(s.bytes), `${where}: counts`);
  assert.ok(s.forkedFrom === null || typeof s.forkedFrom === 'string', `${where}: forkedFrom`);
  assert.ok(Array.isArray(s.problems) && s.problems.every((p) => typeof p === 'string' && p !== ''), `${where}: problems`);
  for (const m of messages) {
    assert.ok(ROLES.has(m.role), `${where}: role ${String(m.role)}`);
    assert.equal(typeof m.text, 'string', `${where}: message text`);
    assert.ok(m.time === null || isTime(m.time), `${where}: message time ${String(m.time)}`);
  }
}

/** A JSON document that does not parse, or a JSON-lines file with a line that is not a JSON object. */
function isDamaged(file: string, data: Buffer): boolean {
  const text = data.toString('utf8');
  const isObject = (t: string): boolean => {
    const v = tryParse(t);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  };
  if (!file.endsWith('.jsonl')) return !isObject(text);
  return text.split('\n').some((line) => line.trim() !== '' && !isObject(line));
}

const told = (r: Reading): boolean => r.reports.length > 0 || r.transcripts.some((tr) => tr.session.problems.length > 0);

for (const target of TARGETS) {
  test(`fuzz: ${target.name}: ${RUNS} mutated files, every reader survives and tells what it skipped`, (t) => {
    const home = tempDir(t);
    const file = target.place(home);
    const pristine = readFileSync(file);
    assert.equal(told(readAll(home)), false, 'the pristine files already report a problem');
    let slowest = 0;
    let damaged = 0;
    fc.assert(
      fc.property(mutations, (ms) => {
        const data = apply(pristine, ms);
        writeFileSync(file, data);
        const start = Date.now();
        const reading = readAll(home);
        slowest = Math.max(slowest, Date.now() - start);
        reading.transcripts.forEach(assertWellFormed);
        if (target.damageReported && isDamaged(file, data)) {
          damaged++;
          assert.ok(told(reading), 'damage that was read through is in no problem and no report');
        }
      }),
      { numRuns: RUNS, seed: testSeed(t), includeErrorInReport: true },
    );
    t.diagnostic(`slowest read ${slowest} ms; ${target.damageReported ? `${damaged} damaged files, each reported` : 'damage here need not be reported'}`);
  });
}

test(`fuzz: Kiro database values (samples): ${RUNS} mutated values in a row, every reader survives and tells what it skipped`, (t) => {
  const home = tempDir(t);
  const dbPath = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  const db = openKiroDb(dbPath);
  t.after(() => db.close());
  const values = KIRO_VALUES.map((f) => readFileSync(join(SAMPLES, 'kiro-sqlite', f)));
  let damaged = 0;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: values.length - 1 }), mutations, (which, ms) => {
      const value = apply(values[which]!, ms);
      db.exec('DELETE FROM conversations_v2');
      db.prepare('INSERT INTO conversations_v2 (key, conversation_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('/w', 'fz', value.toString('utf8'), 1, 2);
      const reading = readAll(home);
      reading.transcripts.forEach(assertWellFormed);
      if (isDamaged('value.json', value)) {
        damaged++;
        assert.ok(told(reading), 'a value that is not a JSON object is in no problem and no report');
      }
    }),
    { numRuns: RUNS, seed: testSeed(t), includeErrorInReport: true },
  );
  t.diagnostic(`${damaged} damaged values, each reported`);
});
