// Crash safety: the built command is killed with SIGKILL at random moments
// during each action, many times. Afterwards every session is either as it
// was before or as a complete run leaves it, never half (a batch may stop
// between two sessions); the next commands work. The moments are seeded
// (the seed is printed) and spread evenly over the run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from './harness.js';
import { demoHome, HomeRunner } from './action-suite.js';
import { BIN, seededRandom, tempDir, testEnv, testSeed } from './helpers.js';

const RUNS = Number(process.env['SESSIONS_CRASH_RUNS'] ?? 8);

/** Everything a person sees of the sessions, without ids and times (a fork or import gets fresh ones). */
async function seen(h: HomeRunner): Promise<string> {
  const list = await h.list();
  const out: string[] = [];
  for (const s of list) {
    const shown = await h.show(`${s.source}:${s.id}`);
    // Summaries included: a compaction shows as one.
    out.push(JSON.stringify([s.source, s.title, s.workDir, s.turns, shown.messages.map((m) => `${m.role}:${m.text}`)]));
  }
  return out.sort().join('\n');
}

/** Runs the command and kills it after `ms` (it may finish first). */
function killedAfter(home: string, args: string[], ms: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: testEnv(home), cwd: home, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : 'finished');
    });
  });
}

interface Case {
  action: string;
  /** Prepares the home (not interrupted) and returns the command to interrupt. */
  setup(h: HomeRunner): Promise<string[]>;
}

const CASES: Case[] = [
  { action: 'rename', setup: async () => ['rename', 'session_ab9e', 'Renamed under fire'] },
  { action: 'fork --at-turn 2', setup: async () => ['fork', 'session_ab9e', '--at-turn', '2'] },
  { action: 'compact (Kimi CLI: context rotation)', setup: async () => ['compact', '8b51d1eb'] },
  { action: 'rm of a Kimi Code and a Kiro files session', setup: async () => ['rm', 'session_7f0d', '7a5b60e3'] },
  {
    action: 'restore of that batch',
    setup: async (h) => {
      const r = await h.json<{ trashId: string }>(['rm', 'session_7f0d', '7a5b60e3']);
      return ['restore', r.trashId];
    },
  },
  { action: 'rename of a Codex thread (a line in its index)', setup: async () => ['rename', '95e37f56', 'Renamed under fire'] },
  // A Claude Code session is its transcript and its own folder (subagents): both go, or neither.
  { action: 'rm of a Claude Code session with its folder and a Codex rollout', setup: async () => ['rm', '2bc5833b', 'a63c59ae'] },
  {
    action: 'restore of the Claude Code and Codex batch',
    setup: async (h) => {
      const r = await h.json<{ trashId: string }>(['rm', '2bc5833b', 'a63c59ae']);
      return ['restore', r.trashId];
    },
  },
  {
    action: 'import of a Kiro files ZIP',
    setup: async (h) => {
      await h.ok(['export', '7a5b60e3', '--format', 'zip', '-o', join(h.home, 'k.zip')]);
      return ['import', join(h.home, 'k.zip')];
    },
  },
];

async function prepared(t: TestContext, c: Case): Promise<{ h: HomeRunner; args: string[] }> {
  const h = new HomeRunner(demoHome(t));
  const args = await c.setup(h);
  return { h, args };
}

for (const c of CASES) {
  test(`SIGKILL at random moments during ${c.action}: every session as before or as after, ${RUNS} runs`, async (t) => {
    // Before and after, from one untouched and one complete run.
    const ref = await prepared(t, c);
    const before = await seen(ref.h);
    const start = Date.now();
    assert.equal(await killedAfter(ref.h.home, ref.args, 60_000), 'finished');
    const full = Date.now() - start;
    const after = await seen(ref.h);
    assert.notEqual(after, before, 'the action changes what is seen');
    let killed = 0;
    const random = seededRandom(testSeed(t));
    for (let i = 0; i < RUNS; i++) {
      const { h, args } = await prepared(t, c);
      // One moment in each of RUNS equal slices of the whole run, start-up
      // included: most kills land before any write, some inside, and the
      // first slice is always early enough to kill however fast the machine is.
      const outcome = await killedAfter(h.home, args, Math.floor(((i + random()) / RUNS) * full * 1.1));
      if (outcome === 'killed') killed++;
      // Each session on its own is as before or as after (a batch may stop between two sessions).
      const now = (await seen(h)).split('\n');
      const known = new Set([...before.split('\n'), ...after.split('\n')]);
      const half = now.filter((line) => !known.has(line));
      assert.deepEqual(half, [], `run ${i} (${outcome}) left sessions that are neither as before nor as after`);
      const sizes = [before.split('\n').length, after.split('\n').length];
      assert.ok(now.length >= Math.min(...sizes) && now.length <= Math.max(...sizes), `run ${i}: ${now.length} sessions listed`);
      // The trash, the listing and the next action still work.
      assert.equal((await h.run(['trash'])).code, 0);
    }
    assert.ok(killed > 0, 'no run was interrupted');
    t.diagnostic(`${killed} of ${RUNS} runs killed before they finished; full run ${full} ms`);
  });
}

test('two processes acting at once (rm and rename of different sessions, and searches) corrupt neither the index nor the trash', async (t) => {
  const home = demoHome(t);
  const h = new HomeRunner(home);
  const copy = tempDir(t);
  cpSync(home, copy, { recursive: true });
  const run = (args: string[]): Promise<number> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: testEnv(home), cwd: home, stdio: 'ignore' });
      child.on('exit', (code) => resolve(code ?? -1));
    });
  const codes = await Promise.all([
    run(['rm', 'session_7f0d']),
    run(['rm', '7a5b60e3']),
    run(['rename', 'session_ab9e', 'Concurrent']),
    run(['search', 'rounding']),
    run(['search', 'deploy']),
  ]);
  assert.deepEqual(codes, [0, 0, 0, 0, 0]);
  const trash = await h.json<Array<{ items: unknown[] }>>(['trash']);
  assert.equal(trash.length, 2, 'two batches, two entries');
  const found = await h.json<unknown[]>(['search', 'rounding']);
  assert.ok(found.length >= 1);
  await h.ok(['restore', '--last']);
  await h.ok(['restore', '--last']);
  assert.deepEqual((await h.json<unknown[]>(['trash'])), []);
});
