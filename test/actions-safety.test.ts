// Never lose data: a failure at any step of an action leaves every session
// as it was and nothing half-made behind; sessions in use are refused; bad
// input is a one-line error with exit code 2 and changes nothing.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from './harness.js';
import AdmZip from 'adm-zip';
import { setFaultHook } from '../src/actions/faults.js';
import { agentFiles, demoHome, HomeRunner, kiroRows, ref } from './action-suite.js';
import { hashTree } from './helpers.js';

interface Case {
  name: string;
  point: string;
  /** Ids by a unique prefix from the demo home (see fixtures/generate.ts). */
  args: string[];
  /** Runs first, to set the stage (not failing). */
  setup?: (h: HomeRunner) => Promise<string[] | void>;
}

const KIMI_CODE = 'session_ab9e';
const KIMI_CLI = '8b51d1eb';
const KIRO_FILES = '7a5b60e3';
const KIRO_ROW = 'e01dd09c';

const CASES: Case[] = [
  { name: 'rm, after the manifest is written', point: 'trash.described', args: ['rm', KIMI_CODE, KIRO_FILES, KIRO_ROW, KIMI_CLI] },
  { name: 'rm, after the first of four sessions moved', point: 'trash.item-moved', args: ['rm', KIMI_CODE, KIRO_FILES, KIRO_ROW, KIMI_CLI] },
  { name: 'fork of Kimi Code, staged but not in place', point: 'fork.staged', args: ['fork', KIMI_CODE, '--at-turn', '2'] },
  { name: 'fork of Kimi CLI, staged but not in place', point: 'fork.staged', args: ['fork', KIMI_CLI] },
  { name: 'fork of Kiro files, log written but no metadata', point: 'fork.staged', args: ['fork', KIRO_FILES] },
  { name: 'compact, after the backup', point: 'compact.backed-up', args: ['compact', KIMI_CODE] },
  { name: 'compact of Kimi CLI, context rotated but not replaced', point: 'compact.rotated', args: ['compact', KIMI_CLI] },
  {
    name: 'restore, after the first path of a Kiro files session moved back',
    point: 'restore.path-moved',
    setup: async (h) => {
      const r = await h.json<{ trashId: string }>(['rm', KIRO_FILES]);
      return ['restore', r.trashId];
    },
    args: [],
  },
  {
    name: 'import of a ZIP, after the first file',
    point: 'import.file-written',
    setup: async (h) => {
      const file = join(h.home, 'x.zip');
      await h.ok(['export', KIMI_CODE, '--format', 'zip', '-o', file]);
      return ['import', file];
    },
    args: [],
  },
];

for (const c of CASES) {
  test(`a failure during ${c.name} changes nothing`, async (t) => {
    const h = new HomeRunner(demoHome(t));
    const args = (await c.setup?.(h)) ?? c.args;
    const files = agentFiles(h.home);
    const rows = kiroRows(h.home);
    const trash = await h.json<unknown[]>(['trash']);
    const listed = (await h.list()).map(ref).sort();
    let hits = 0;
    setFaultHook((point) => {
      if (point === c.point && hits++ === 0) throw new Error(`injected failure at ${point}`);
    });
    let r;
    try {
      r = await h.run(args);
    } finally {
      setFaultHook(null);
    }
    assert.equal(hits > 0, true, `the action never reached ${c.point}`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^sessions: injected failure at /);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line of error');
    assert.deepEqual(agentFiles(h.home), files, 'the agents\' files changed');
    assert.deepEqual(kiroRows(h.home), rows, 'a Kiro row changed');
    assert.deepEqual(await h.json<unknown[]>(['trash']), trash, 'the trash changed');
    assert.deepEqual((await h.list()).map(ref).sort(), listed);
    assert.deepEqual(stagingLeftovers(h.home), [], 'a staging folder was left behind');
  });
}

function stagingLeftovers(root: string): string[] {
  return [...hashTree(root).keys()].filter((k) => k.includes('.sessions-staging-') || /\.tmp$/.test(k));
}

test('sessions in use are not renamed, compacted or deleted without --force; forks are allowed', async (t) => {
  const h = new HomeRunner(demoHome(t));
  // The demo's locked Kiro session (its .lock file exists).
  const locked = (await h.list()).find((s) => s.source === 'kiro-files' && s.inUse);
  assert.ok(locked, 'the demo home has a locked Kiro session');
  const before = agentFiles(h.home);
  for (const args of [['rename', ref(locked), 'x'], ['compact', ref(locked)], ['rm', ref(locked)]]) {
    const r = await h.run(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /is in use \(its agent has it locked\); not \w+ it \(--force/);
  }
  assert.deepEqual(agentFiles(h.home), before);
  // A Kimi session written seconds ago counts as in use too.
  const kimi = (await h.list()).find((s) => s.source === 'kimi-code' && s.turns > 0)!;
  writeFileSync(join(kimi.path, 'agents', 'main', 'wire.jsonl'), '{"type":"metadata"}\n', { flag: 'a' });
  const r = await h.run(['rename', ref(kimi), 'y']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /is in use \(another program wrote it \d+ s ago\)/);
  await h.ok(['fork', ref(locked)]);
  await h.ok(['rename', ref(locked), 'forced', '--force']);
  assert.equal((await h.show(ref(locked))).title, 'forced');
});

test('--dry-run changes nothing and says what would happen', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const before = hashTree(h.home);
  const out = [
    await h.ok(['rename', KIMI_CODE, 'dry', '--dry-run']),
    await h.ok(['fork', KIMI_CODE, '--dry-run']),
    await h.ok(['rm', KIMI_CODE, KIRO_ROW, '--dry-run']),
    await h.ok(['compact', KIMI_CLI, '--dry-run']),
    await h.ok(['export', KIMI_CODE, '--format', 'zip', '-o', join(h.home, 'x.zip'), '--dry-run']),
  ].join('\n');
  assert.match(out, /^Would rename kimi-code:/m);
  assert.match(out, /^Would fork kimi-code:/m);
  assert.match(out, /^Would move 2 sessions/m);
  assert.match(out, /^Would compact kimi-cli:.*\n\n## Summary of the conversation so far/m);
  assert.match(out, /^Would export 1 as zip/m);
  assert.deepEqual(hashTree(h.home), before);
});

test('bad input: one-line errors, exit code 2, nothing written', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const before = hashTree(h.home);
  const evil = new AdmZip();
  evil.addFile('manifest.json', Buffer.from(JSON.stringify({ sessionId: 'session_x', workspaceDir: '/w', source: 'kimi-code' })));
  evil.addFile('state.json', Buffer.from('{}'));
  evil.addFile('agents/main/wire.jsonl', Buffer.from('{}\n'));
  const zip = evil.toBuffer();
  // adm-zip normalizes names it is given, so the traversal is written into the archive's bytes.
  const planted = Buffer.from(zip.toString('latin1').replaceAll('agents/main/wire.jsonl', '../../../../../etc/x.j'), 'latin1');
  const zipPath = join(h.home, '..', `${statSync(h.home).ino}-evil.zip`);
  writeFileSync(zipPath, planted);
  t.after(() => writeFileSync(zipPath, ''));
  const cases: Array<[string[], RegExp]> = [
    [['rename', 'no-such-id', 'x'], /no session with id 'no-such-id'/],
    [['rename', KIMI_CODE], /rename needs a title/],
    [['fork', KIMI_CODE, '--at-turn', 'two'], /--at-turn takes a whole number/],
    [['fork', KIMI_CODE, '--at-turn', '0'], /--at-turn takes a whole number of at least 1/],
    [['rm'], /rm needs one or more session ids/],
    [['rm', KIMI_CODE, 'no-such-id'], /no session with id 'no-such-id'/],
    [['restore'], /restore needs a trash entry id or --last/],
    [['restore', 'nope'], /no trash entry 'nope'/],
    [['export', KIMI_CODE, '--format', 'pdf'], /--format takes md, json, zip, html/],
    [['import', join(h.home, 'missing.zip')], /cannot read .*missing\.zip: no such file or folder/],
    [['import', join(h.home, '.kimi', 'kimi.json')], /not a session export/],
    [['import', zipPath], /unsafe path in archive: "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/x\.j"; nothing imported/],
    [['trash', 'purge'], /this deletes 0 trash entries|Would delete for good 0/],
  ];
  const nothingLanded = (): void => {
    for (const p of landingPlaces(h.home)) assert.ok(!existsSync(p), `zip-slip: a file was written at ${p}`);
  };
  for (const [args, re] of cases) {
    const r = await h.run(args);
    // Where the planted file would land is checked first: the exit code alone does not prove nothing was written.
    if (args[1] === zipPath) nothingLanded();
    if (args[0] === 'trash') {
      assert.equal(r.code, 0, r.stderr);
      continue;
    }
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
  }
  assert.deepEqual(hashTree(h.home), before);
  nothingLanded();
});

/**
 * The zip-slip name climbs five folders from wherever the import writes (a
 * staging folder inside the home): it would land in `etc/x.j` under the home
 * or one of its parents, up to the root.
 */
function landingPlaces(home: string): string[] {
  const out: string[] = [];
  for (let d = home; ; d = dirname(d)) {
    out.push(join(d, 'etc', 'x.j'));
    if (d === dirname(d)) return out;
  }
}

test('compact --summarizer: the script gets the transcript JSON and its output becomes the summary; a failing script changes nothing', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const script = join(h.home, 'summarize.mjs');
  writeFileSync(
    script,
    `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const t=JSON.parse(s);process.stdout.write('SCRIPTED: '+t.session.id+' had '+t.messages.length+' messages');});`,
  );
  const r = await h.json<{ summary: string }>(['compact', KIMI_CODE, '--summarizer', `node ${script}`]);
  assert.match(r.summary, /^SCRIPTED: session_ab9e\S+ had \d+ messages$/);
  const shown = await h.show(KIMI_CODE);
  assert.equal(shown.messages.at(-1)?.text, r.summary);
  const before = agentFiles(h.home);
  const trash = await h.json<unknown[]>(['trash']);
  const bad = await h.run(['compact', KIMI_CLI, '--summarizer', 'echo broken >&2; exit 3']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /summarizer 'echo broken >&2; exit 3' failed: broken/);
  assert.deepEqual(agentFiles(h.home), before);
  assert.deepEqual(await h.json<unknown[]>(['trash']), trash);
  // A script that never reads its input still works (the pipe closes under the writer).
  const deaf = await h.json<{ summary: string }>(['compact', KIRO_FILES, '--summarizer', 'echo fixed summary', '--force']);
  assert.equal(deaf.summary, 'fixed summary');
});

test('compact --shrink cuts long tool outputs, prints sizes before and after, and the original is restorable', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const big = (await h.list()).find((s) => s.source === 'kimi-code' && s.title.startsWith('Review the payment'))!;
  const wire = join(big.path, 'agents', 'main', 'wire.jsonl');
  const long = 'x'.repeat(20_000);
  writeFileSync(wire, JSON.stringify({ type: 'context.append_loop_event', agentId: 'main', event: { type: 'tool.result', toolCallId: 'big', result: { output: long, isError: false } }, time: 1 }) + '\n', { flag: 'a' });
  const { ageTree } = await import('./action-suite.js');
  ageTree(h.home);
  const original = hashTree(big.path);
  const r = await h.json<{ bytesBefore: number; bytesAfter: number; backup: string }>(['compact', ref(big), '--shrink']);
  assert.ok(r.bytesAfter < r.bytesBefore - 10_000, `${r.bytesBefore} -> ${r.bytesAfter}`);
  assert.ok(!(await h.ok(['show', ref(big), '--full'])).includes(long), 'the long output is still there');
  await h.ok(['restore', r.backup]);
  assert.deepEqual(hashTree(big.path), original, 'the backup restores the session byte for byte');
  const text = await h.ok(['compact', ref(big), '--shrink', '--force']);
  assert.match(text, /Size: [\d.]+ KB before, [\d.]+ KB after\./);
});

test('the trash: list, purge --older-than, and files the manager makes are private', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const first = await h.json<{ trashId: string }>(['rm', KIMI_CODE]);
  await h.json<{ trashId: string }>(['rm', KIRO_ROW]);
  const listing = await h.ok(['trash']);
  assert.match(listing, new RegExp(`^${first.trashId}  rm .* 1 session `, 'm'));
  const entryDir = join(h.home, '.local', 'share', 'sessions', 'trash', first.trashId);
  assert.equal(statSync(entryDir).mode & 0o777, 0o700);
  assert.equal(statSync(join(entryDir, 'manifest.json')).mode & 0o777, 0o600);
  const kept = await h.json<{ entries: string[] }>(['trash', 'purge', '--older-than', '1d', '--yes']);
  assert.deepEqual(kept.entries, []);
  const refused = await h.run(['trash', 'purge']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /deletes 2 trash entries .* for good; add --yes/);
  await h.ok(['trash', 'purge', '--yes']);
  assert.deepEqual(readdirSync(join(h.home, '.local', 'share', 'sessions', 'trash')), []);
  const r = await h.run(['restore', '--last']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /the trash is empty/);
});

test('restore refuses to overwrite a session that exists again', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const s = (await h.list()).find((x) => x.source === 'kiro-files' && !x.inUse)!;
  const files = agentFiles(h.home);
  const r = await h.json<{ trashId: string }>(['rm', ref(s)]);
  mkdirSync(join(h.home, '.kiro', 'sessions', 'cli'), { recursive: true });
  writeFileSync(s.path, '{"session_id":"someone else"}');
  const again = await h.run(['restore', r.trashId]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not restoring .*exists again/);
  chmodSync(s.path, 0o600);
  assert.equal(agentFiles(h.home).get(s.path.slice(h.home.length + 1)) !== files.get(s.path.slice(h.home.length + 1)), true);
  assert.equal((await h.json<unknown[]>(['trash'])).length, 1, 'the entry stays in the trash');
});
