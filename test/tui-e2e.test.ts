// End to end: the built command in a real pseudo-terminal (tmux), as a
// person runs it. Needs tmux (CI installs it); without it these tests fail.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from './harness.js';
import { tmuxServer } from './tmux-helpers.js';
import { demoHome } from './action-suite.js';
import { BIN, listJson } from './helpers.js';

const tmux = tmuxServer('e2e');
const waitFor = tmux.waitFor;

function start(t: TestContext, home: string, command: string, width = 110, height = 30, extra: Record<string, string> = {}): string {
  const name = `t${Math.random().toString(36).slice(2, 8)}`;
  const more = Object.entries(extra).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`).join(' ');
  const env = `HOME=${home} XDG_CACHE_HOME=${home}/.cache TERM=xterm-256color LANG=C.UTF-8 ${more}`;
  tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), `cd ${home} && env ${env} ${process.execPath} ${BIN} ${command}; echo "EXIT=$?"; sleep 60`);
  t.after(() => tmux('kill-session', '-t', name));
  return name;
}


test('e2e: type a query and see the right session first, with its transcript in the preview', async (t) => {
  const home = demoHome(t);
  const s = start(t, home, '');
  await waitFor(s, /1\/28 of 28/, 'the list');
  tmux('send-keys', '-t', s, '/');
  tmux('send-keys', '-t', s, '-l', 'parquet');
  const screen = await waitFor(s, /1\/1 of 28/, 'one result');
  assert.match(screen.split('\n')[2]!, /› kimi-cli +Parquet schema for events/);
  assert.match(screen, /│ .*[Pp]arquet/);
  tmux('send-keys', '-t', s, 'Enter');
  tmux('send-keys', '-t', s, 'q');
  await waitFor(s, /EXIT=0/, 'the exit');
});

test('e2e: the picker draws on the terminal while stdout is a pipe; Enter prints the chosen id, Esc prints nothing', async (t) => {
  const home = demoHome(t);
  const first = (await listJson(home)).sessions[0]!;
  const s = start(t, home, `pick > ${join(home, 'chosen.txt')}`);
  // No session was started in the home folder itself: the picker starts with every directory's,
  // archived ones left out (2 of the demo's 28), as Kimi's own picker does.
  await waitFor(s, /\[all\].*1\/26 of 26/, 'the picker, every directory');
  tmux('send-keys', '-t', s, 'Enter');
  await waitFor(s, /EXIT=0/, 'exit code 0');
  assert.equal(readFileSync(join(home, 'chosen.txt'), 'utf8'), `${first.id}\n`);
  const esc = start(t, home, `--resume-picker > ${join(home, 'none.txt')}`);
  await waitFor(esc, /\[all\]/, 'the picker');
  tmux('send-keys', '-t', esc, 'Escape');
  await waitFor(esc, /EXIT=1/, 'exit code 1');
  assert.equal(readFileSync(join(home, 'none.txt'), 'utf8'), '');
});

test('e2e: delete a session from the list and undo it', async (t) => {
  const home = demoHome(t);
  const before = (await listJson(home)).sessions;
  const s = start(t, home, '');
  await waitFor(s, /1\/28 of 28/, 'the list');
  tmux('send-keys', '-t', s, 'j');
  await waitFor(s, /2\/28 of 28/, 'the second row');
  tmux('send-keys', '-t', s, 'd');
  await waitFor(s, /Delete \(to the trash; u undoes\)/, 'the dialog');
  tmux('send-keys', '-t', s, 'y');
  await waitFor(s, /1 moved to the trash/, 'the delete');
  assert.equal((await listJson(home)).sessions.length, before.length - 1);
  tmux('send-keys', '-t', s, 'x');
  tmux('send-keys', '-t', s, 'u');
  await waitFor(s, /restored 1 session/, 'the undo');
  assert.deepEqual((await listJson(home)).sessions.map((x) => x.id).sort(), before.map((x) => x.id).sort());
  tmux('send-keys', '-t', s, 'q');
  await waitFor(s, /EXIT=0/, 'the exit');
});

test('--session ID prints the id without a UI; --exec runs the agent\'s resume command in the work dir, without a shell', async (t) => {
  const home = demoHome(t);
  const { runBin, testEnv } = await import('./helpers.js');
  const { mkdirSync, writeFileSync, chmodSync } = await import('node:fs');
  const s = (await listJson(home)).sessions.find((x) => x.source === 'kimi-cli' && x.title.startsWith('Parquet'))!;
  const r = runBin(['--session', s.id.slice(0, 8)], testEnv(home));
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${s.id}\n`, '']);
  const bad = runBin(['--session', 'nope'], testEnv(home));
  assert.equal(bad.code, 2);
  // Sessions whose work dir exists, with a name a shell would expand: it must reach the agent as is.
  const { writeKimiCliSession, writeKiroSessionFiles } = await import('../fixtures/layouts.js');
  const wd = join(home, 'proj $(touch pwned) x');
  mkdirSync(wd);
  const conv = (id: string) => ({ id, workDir: wd, startMs: Date.parse('2026-01-01T00:00:00Z'), turns: [{ prompt: 'resume me', answer: 'ok' }] });
  writeKimiCliSession(join(home, '.kimi'), conv('33333333-3333-4333-8333-000000000001'));
  writeKiroSessionFiles(join(home, '.kiro'), conv('44444444-4444-4444-8444-000000000001'));
  // Fake agents record their work dir and arguments, one per line.
  const bin = join(home, 'bin');
  mkdirSync(bin);
  for (const agent of ['kimi', 'kiro-cli']) {
    writeFileSync(join(bin, agent), `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > ${join(home, `${agent}-args.txt`)}\n`);
    chmodSync(join(bin, agent), 0o755);
  }
  const env = testEnv(home, { PATH: `${bin}:${process.env['PATH']}` });
  // --session is Kimi's flag: another agent's session is named with --agent.
  const refused = runBin(['--session', '44444444-4444-4444-8444-000000000001', '--exec'], env);
  assert.deepEqual([refused.code, refused.stderr], [2, 'sessions: kiro-files:44444444-4444-4444-8444-000000000001 is a kiro session, not a kimi one\n']);
  for (const [id, agent, expected, flags] of [
    ['33333333-3333-4333-8333-000000000001', 'kimi', ['--session', '33333333-3333-4333-8333-000000000001'], []],
    ['44444444-4444-4444-8444-000000000001', 'kiro-cli', ['chat', '--resume-id', '44444444-4444-4444-8444-000000000001'], ['--agent', 'kiro']],
  ] as const) {
    const ran = runBin([...flags, '--session', id, '--exec'], env);
    assert.equal(ran.code, 0, ran.stderr);
    const [cwd, ...args] = readFileSync(join(home, `${agent}-args.txt`), 'utf8').trim().split('\n');
    assert.equal(cwd, wd, `${agent} runs in the session's work dir`);
    assert.deepEqual(args, expected);
  }
  const { existsSync } = await import('node:fs');
  assert.ok(!existsSync(join(wd, 'pwned')) && !existsSync(join(home, 'pwned')), 'no shell expanded the work dir');
});

test('e2e: emoji titles take the two cells tmux draws them in, at 80 and 120 columns: the divider stays put, nothing is cut', async (t) => {
  const { displayWidth } = await import('../src/format/width.js');
  for (const width of [80, 120]) {
    const home = demoHome(t);
    const s = start(t, home, '', width, 24);
    await waitFor(s, /1\/28 of 28/, 'the list');
    tmux('send-keys', '-t', s, '/');
    tmux('send-keys', '-t', s, '-l', 'emoji');
    const screen = await waitFor(s, /1\/2 of 28/, 'the emoji session');
    const rows = screen.split('\n').slice(1, 22).filter((l) => l.includes('│'));
    const at = (l: string): number => displayWidth(l.slice(0, l.indexOf('│')));
    const expected = Math.floor(width * 0.55) + 1;
    for (const row of rows) assert.equal(at(row), expected, `${width} columns: the divider of ${JSON.stringify(row)}`);
    // The list's side of the row (the preview on the right may show the same words).
    const emoji = rows.find((l) => l.slice(0, l.indexOf('│')).includes('🎉🚀✅'))!;
    assert.ok(emoji, `${width} columns: the emoji row is on screen`);
    // The title is cut with its ellipsis where our own layout cuts it, not a character short.
    assert.match(emoji, width === 80 ? /by code… │/ : /by co… …ts\/翻訳ツール 2mo ago {2}│/);
    tmux('send-keys', '-t', s, 'Enter', 'q');
    await waitFor(s, /EXIT=0/, 'the exit');
  }
});

test('e2e: v reads the whole transcript in $PAGER and comes back to the list; y puts the id on the clipboard (OSC 52, here tmux\'s buffer)', async (t) => {
  const home = demoHome(t);
  const paged = join(home, 'paged.txt');
  const s = start(t, home, '', 110, 30, { PAGER: `cat > ${paged}` });
  await waitFor(s, /1\/28 of 28/, 'the list');
  tmux('set', '-t', s, 'set-clipboard', 'on');
  const first = (await listJson(home)).sessions[0]!;
  tmux('send-keys', '-t', s, 'v');
  await waitFor(s, /1\/28 of 28/, 'the list again');
  const { existsSync } = await import('node:fs');
  for (let i = 0; i < 50 && !existsSync(paged); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(readFileSync(paged, 'utf8'), new RegExp(`^${first.source} +${first.id}\\n`));
  tmux('send-keys', '-t', s, 'y');
  await waitFor(s, /copied the id of/, 'the copy');
  assert.equal(tmux('show-buffer'), first.id);
  tmux('send-keys', '-t', s, 'q');
  await waitFor(s, /EXIT=0/, 'the exit');
});
