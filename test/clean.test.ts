// `sessions clean`: every filter, the plan, the question, one trash batch
// that restore brings back whole, and sessions in use never included.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from './harness.js';
import { insertKiroConversation, openKiroDb, writeKimiCliSession, writeKimiCodeSession, writeKiroSessionFiles, type Conversation } from '../fixtures/layouts.js';
import { agentFiles, HomeRunner, kiroRows } from './action-suite.js';
import { hashTree, liveKiroPid, runAnswering, runInProcess, tempDir } from './helpers.js';

const DAY = 86_400_000;

function conv(id: string, workDir: string, daysAgo: number, turns: number, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    workDir,
    startMs: Date.now() - daysAgo * DAY,
    turns: Array.from({ length: turns }, (_, i) => ({ prompt: `${id} prompt ${i + 1}`, answer: `${id} answer ${i + 1}` })),
    ...extra,
  };
}

/** Ids are short words so a test reads like the plan it expects. */
function cleanHome(t: TestContext): HomeRunner {
  const home = tempDir(t);
  const kc = join(home, '.kimi-code');
  writeKimiCodeSession(kc, conv('kc-old', '/w/a', 200, 2));
  writeKimiCodeSession(kc, conv('kc-renamed', '/w/a', 150, 1, { title: 'Keep me', titleKind: 'custom' }));
  writeKimiCodeSession(kc, conv('kc-new', '/w/a', 2, 1));
  writeKimiCodeSession(kc, conv('kc-big', '/w/d', 95, 1, { noiseBytes: 300_000 }));
  const kimi = join(home, '.kimi');
  writeKimiCliSession(kimi, conv('11111111-0000-4000-8000-000000000001', '/w/b', 120, 1, { turns: [{ prompt: 'zanzibar ledger question', answer: 'ok' }] }));
  writeKimiCliSession(kimi, conv('11111111-0000-4000-8000-000000000002', '/w/b', 10, 0));
  const db = openKiroDb(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  insertKiroConversation(db, conv('22222222-0000-4000-8000-000000000001', '/w/c', 300, 1));
  db.close();
  writeKiroSessionFiles(join(home, '.kiro'), conv('33333333-0000-4000-8000-000000000001', '/w/c', 100, 1), { locked: true, lockPid: liveKiroPid() });
  return new HomeRunner(home);
}

const CLI_OLD = '11111111-0000-4000-8000-000000000001';
const CLI_EMPTY = '11111111-0000-4000-8000-000000000002';
const KIRO_OLD = '22222222-0000-4000-8000-000000000001';

interface Plan {
  dryRun: boolean;
  sessions: Array<{ id: string; bytes: number }>;
  bytes: number;
  kept: { inUse: number; locked: number; keptLast: number; renamed: number };
  trashId?: string | null;
}

async function plan(h: HomeRunner, args: string[]): Promise<Plan> {
  return h.json<Plan>(['clean', ...args, '--dry-run']);
}

const ids = (p: Plan): string[] => p.sessions.map((s) => s.id).sort();

test('each filter picks what it says; the plan changes nothing', async (t) => {
  const h = cleanHome(t);
  const before = hashTree(h.home);
  const old = await plan(h, ['--older-than', '90d']);
  assert.deepEqual(ids(old), [CLI_OLD, KIRO_OLD, 'kc-big', 'kc-old', 'kc-renamed'].sort());
  assert.deepEqual(old.kept, { inUse: 0, locked: 1, keptLast: 0, renamed: 0 }, 'the locked Kiro session is never included');
  assert.equal(old.bytes, old.sessions.reduce((n, s) => n + s.bytes, 0));
  assert.deepEqual(ids(await plan(h, ['--older-than', '90d', '--except-renamed'])), [CLI_OLD, KIRO_OLD, 'kc-big', 'kc-old'].sort());
  assert.deepEqual((await plan(h, ['--older-than', '90d', '--except-renamed'])).kept.renamed, 1);
  const keep = await plan(h, ['--older-than', '90d', '--keep-last', '1']);
  // Newest per dir: kc-new (/w/a), the empty one (/w/b), the locked one (/w/c), kc-big (/w/d).
  assert.deepEqual(ids(keep), [CLI_OLD, KIRO_OLD, 'kc-old', 'kc-renamed'].sort());
  assert.deepEqual(keep.kept, { inUse: 0, locked: 0, keptLast: 2, renamed: 0 });
  // /w/a has three sessions; every other dir two or fewer.
  assert.deepEqual(ids(await plan(h, ['--keep-last', '2'])), ['kc-old']);
  assert.deepEqual(ids(await plan(h, ['--empty'])), [CLI_EMPTY]);
  assert.deepEqual(ids(await plan(h, ['--larger-than', '100kb'])), ['kc-big']);
  const small = await plan(h, ['--smaller-than', '2kb']);
  assert.ok(small.sessions.length > 0);
  for (const s of small.sessions) assert.ok(s.bytes < 2048);
  const listed = await h.list();
  for (const s of listed) if (!s.inUse && s.bytes < 2048) assert.ok(ids(small).includes(s.id), `${s.id} (${s.bytes} B) is smaller than 2kb`);
  assert.deepEqual(ids(await plan(h, ['--older-than', '90d', '--source', 'kiro'])), [KIRO_OLD]);
  assert.deepEqual(ids(await plan(h, ['--older-than', '90d', '--dir', '/w/a'])), ['kc-old', 'kc-renamed'].sort());
  assert.deepEqual(ids(await plan(h, ['--query', 'zanzibar ledgr'])), [CLI_OLD]);
  assert.deepEqual(ids(await plan(h, ['--query', 'prompt', '--older-than', '250d'])), [KIRO_OLD]);
  assert.deepEqual(ids(await plan(h, ['--older-than', '5y'])), []);
  assert.deepEqual(hashTree(h.home), before, 'a plan wrote something');
});

test('the plan as text: a table, the total, and what was kept and why', async (t) => {
  const h = cleanHome(t);
  const out = await h.ok(['clean', '--older-than', '90d', '--dry-run']);
  assert.match(out, /^Would move 5 sessions \([\d.]+ KB\) to the trash:\nAGENT +ID +TITLE +DIR +UPDATED/);
  assert.match(out, /kc-old/);
  assert.match(out, /Kept, though they match: 1 open in their agent \(a lock file\)\.\n$/);
  assert.equal(await h.ok(['clean', '--older-than', '5y', '--dry-run']), 'Nothing to clean.\n');
});

test('clean --yes moves the batch to the trash; restore --last brings every session back, byte for byte', async (t) => {
  const h = cleanHome(t);
  const files = agentFiles(h.home);
  const rows = kiroRows(h.home);
  const done = await h.json<Plan>(['clean', '--older-than', '90d', '--yes']);
  assert.equal(done.dryRun, false);
  assert.ok(done.trashId);
  const left = (await h.list()).map((s) => s.id);
  for (const s of done.sessions) assert.ok(!left.includes(s.id), `${s.id} still listed`);
  assert.ok(left.includes('33333333-0000-4000-8000-000000000001'), 'the locked session stays');
  const trash = await h.json<Array<{ id: string; action: string; items: unknown[] }>>(['trash']);
  assert.deepEqual([trash[0]!.id, trash[0]!.action, trash[0]!.items.length], [done.trashId, 'clean', 5]);
  await h.ok(['restore', '--last']);
  assert.deepEqual(agentFiles(h.home), files);
  assert.deepEqual(kiroRows(h.home), rows);
});

test('without --yes: asks on a terminal (no keeps everything), refuses without one', async (t) => {
  const h = cleanHome(t);
  const before = hashTree(h.home);
  const noTty = await h.run(['clean', '--older-than', '90d']);
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /^sessions: add --yes to move 5 sessions \(.*\) \(or --dry-run for the plan alone\)\n$/);
  assert.deepEqual(hashTree(h.home), before);
  const asked: string[] = [];
  const run = async (answers: boolean[], extra: string[] = []): Promise<number> => (await runAnswering(['clean', '--older-than', '90d', ...extra], h.home, answers, asked)).code;
  assert.equal(await run([false]), 1);
  assert.match(asked[0]!, /^Move 5 sessions \(.*\) to the trash\?$/);
  assert.deepEqual(hashTree(h.home), before);
  // --purge asks twice; a no to the second keeps everything.
  assert.equal(await run([true, false], ['--purge']), 1);
  assert.match(asked.at(-1)!, /cannot be restored after this/);
  assert.deepEqual(hashTree(h.home), before);
  assert.equal(await run([true]), 0);
  assert.equal((await h.list()).length, 3);
});

test('clean --purge --yes deletes for good: nothing left in the trash', async (t) => {
  const h = cleanHome(t);
  const done = await h.json<Plan & { purged: boolean }>(['clean', '--empty', '--purge', '--yes']);
  assert.deepEqual([ids(done), done.purged], [[CLI_EMPTY], true]);
  assert.deepEqual(await h.json<unknown[]>(['trash']), []);
  assert.ok(!(await h.list()).some((s) => s.id === CLI_EMPTY));
});

test('clean: sessions another program just wrote are kept and counted, ours are not; bad input is exit 2', async (t) => {
  const h = cleanHome(t);
  const fresh = await h.json<Plan>(['clean', '--smaller-than', '1gb', '--dry-run']);
  // Our own rename does not make a session in use.
  await h.ok(['rename', 'kc-old', 'touched']);
  assert.equal((await plan(h, ['--smaller-than', '1gb'])).kept.inUse, 0);
  // A write by another program (an agent appending to the wire) does.
  const old = (await h.list()).find((s) => s.id === 'kc-old')!;
  appendFileSync(join(old.path, 'agents', 'main', 'wire.jsonl'), '{"type":"metadata"}\n');
  const after = await plan(h, ['--smaller-than', '1gb']);
  assert.equal(after.kept.inUse, 1);
  assert.equal(after.sessions.length, fresh.sessions.length - 1);
  for (const [args, re] of [
    [[], /clean needs a filter/],
    [['--source', 'kiro'], /clean needs a filter/],
    [['--older-than', 'soon'], /--older-than takes an age/],
    [['--larger-than', 'big'], /--larger-than takes a size/],
    [['--keep-last', '-1'], /--keep-last takes a whole number/],
    [['old'], /clean takes no arguments/],
  ] as Array<[string[], RegExp]>) {
    const r = await h.run(['clean', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
});

test("Kiro's own retention (cleanup.periodDays): list marks what the agent deletes at its next start, locked ones not; clean says so; a work dir's setting wins where the agent starts there; a negative one turns it off", async (t) => {
  const h = cleanHome(t);
  const kiro = join(h.home, '.kiro');
  // A file session 40 days old beside the locked one (100 days old) and the 300-day database row.
  writeKiroSessionFiles(kiro, conv('33333333-0000-4000-8000-000000000002', '/w/c', 40, 1));
  ageFile(join(kiro, 'sessions', 'cli', '33333333-0000-4000-8000-000000000002.json'), 40);
  ageFile(join(kiro, 'sessions', 'cli', '33333333-0000-4000-8000-000000000002.jsonl'), 40);
  const marked = async (cwd = h.home): Promise<string[]> => {
    const r = await runInProcess(['list', '--json', '--no-cache'], h.env, cwd);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as Array<{ id: string; agentDeletes?: string | null }>).filter((s) => s.agentDeletes).map((s) => s.id).sort();
  };
  assert.deepEqual(await marked(), [], 'nothing is marked where nothing is set');
  mkdirSync(join(kiro, 'settings'), { recursive: true });
  writeFileSync(join(kiro, 'settings', 'cli.json'), JSON.stringify({ 'chat.defaultModel': 'x', 'cleanup.periodDays': 30 }, null, 2));
  assert.deepEqual(await marked(), [KIRO_OLD, '33333333-0000-4000-8000-000000000002'], 'the row and the file session older than 30 days; the locked one is skipped, as the agent skips it');
  const table = await h.ok(['list', '--source', 'kiro']);
  assert.match(table, /\[expiring\]/);
  const shown = await h.ok(['show', KIRO_OLD]);
  assert.match(shown, /^expiring Kiro deletes sessions older than 30 days at its next start \(cleanup\.periodDays in .*\.kiro\/settings\/cli\.json\)$/m);
  const plan = await h.ok(['clean', '--older-than', '1y', '--dry-run']);
  assert.match(plan, /Kiro deletes sessions older than 30 days at its next start \(cleanup\.periodDays in [^)]+\): 2 sessions listed here/);

  // Started in a work dir with its own setting, the agent applies that one.
  const wd = tempDir(t);
  mkdirSync(join(wd, '.kiro', 'settings'), { recursive: true });
  writeFileSync(join(wd, '.kiro', 'settings', 'cli.json'), JSON.stringify({ 'cleanup.periodDays': 200 }));
  assert.deepEqual(await marked(wd), [KIRO_OLD]);
  writeFileSync(join(wd, '.kiro', 'settings', 'cli.json'), JSON.stringify({ 'cleanup.periodDays': -1 }));
  assert.deepEqual(await marked(wd), [], 'a negative period is never');
});

function ageFile(path: string, days: number): void {
  const d = new Date(Date.now() - days * 86_400_000);
  utimesSync(path, d, d);
}
