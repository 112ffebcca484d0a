// A temp home holding every sample of ../shared/samples in its agent's
// layout, shared by the sample suites. Samples are copied into temp homes,
// never into the project.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestContext } from '../harness.js';
import { insertKiroConversationValue } from './kiro-value.js';
import { kimiCliBucket, kimiCodeWorkDirKey, openKiroDb, registerKimiWorkDir } from '../../fixtures/layouts.js';
import { age, SAMPLES, tempDir } from '../helpers.js';

/** Every sample file a test has read. */
export const used = new Set<string>();
export const OLD = Date.parse('2026-01-01T00:00:00Z');

export function sample(rel: string): string {
  const p = join(SAMPLES, rel);
  assert.ok(existsSync(p), `sample ${p} is missing: CI expects ../shared/samples beside the project`);
  used.add(rel);
  return p;
}

function copySample(rel: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(sample(rel), dest);
  age(dest, OLD);
}

export const LEGACY_A = '/work/legacy-a';
export const LEGACY_B = '/work/legacy-b';
export const KIMI_CLI = [
  { name: 'tiny-hello-world', id: '11111111-1111-4111-8111-000000000001', wd: LEGACY_A },
  { name: 'with-tool-calls', id: '11111111-1111-4111-8111-000000000002', wd: LEGACY_A },
  { name: 'with-thinking', id: '11111111-1111-4111-8111-000000000003', wd: LEGACY_A },
  { name: 'archived', id: '11111111-1111-4111-8111-000000000004', wd: LEGACY_A },
  { name: 'broken-state-json', id: '22222222-2222-4222-8222-000000000006', wd: LEGACY_B },
];
export const KIRO_ROWS = [
  { file: 'basic_tool_use.json', key: '/work/kiro-basic', created: Date.parse('2026-03-28T00:14:59Z'), updated: Date.parse('2026-03-28T00:40:07Z') },
  { file: 'with_compaction_summary.json', key: '/work/kiro-compact', created: Date.parse('2026-03-28T00:36:00Z'), updated: Date.parse('2026-03-28T00:40:30Z') },
];

/** A temp home holding every sample in its agent's layout. */
export function buildHome(t: TestContext): string {
  const home = tempDir(t);
  const kimi = join(home, '.kimi');
  for (const s of KIMI_CLI) {
    registerKimiWorkDir(kimi, s.wd);
    const dir = join(kimi, 'sessions', kimiCliBucket(s.wd), s.id);
    for (const f of readdirSync(join(SAMPLES, 'kimi-cli', s.name))) copySample(`kimi-cli/${s.name}/${f}`, join(dir, f));
  }
  const kc = join(home, '.kimi-code', 'sessions', kimiCodeWorkDirKey('/tmp/work'), 'sample-main');
  for (const f of ['state.json', 'agents/main/wire.jsonl', 'agents/agent-0/wire.jsonl']) copySample(`kimi-code/sample-main/${f}`, join(kc, f));
  const db = openKiroDb(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  for (const r of KIRO_ROWS) insertKiroConversationValue(db, r.key, readFileSync(sample(`kiro-sqlite/${r.file}`), 'utf8'), r.created, r.updated);
  db.close();
  const kiro = join(home, '.kiro', 'sessions', 'cli');
  copySample('kiro-files/session_v1_pre_metering.json', join(kiro, 'compat-metering.json'));
  copySample('kiro-files/session_v1_pre_metering.jsonl', join(kiro, 'compat-metering.jsonl'));
  return home;
}

