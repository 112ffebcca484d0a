// The shell integration end to end (issue 16): `eval "$(sessions init SHELL)"`
// in a real interactive bash, zsh and fish in tmux, with stand-in agents
// (kimi, kiro-cli, codex, claude) that record their arguments and working
// directory. Needs tmux, zsh and fish (.ci/run installs them); without them
// these tests fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from './harness.js';
import { tmuxServer } from './tmux-helpers.js';
import { BIN, tempDir } from './helpers.js';
import { writeCodexSession, writeKimiCliSession, writeKimiCodeSession, writeKiroSessionFiles, type Conversation } from '../fixtures/layouts.js';

const tmux = tmuxServer('shell');
const screen = tmux.waitFor;

const HOUR = 3_600_000;
const conv = (id: string, workDir: string, title: string, hoursAgo: number): Conversation => ({
  id,
  workDir,
  title,
  titleKind: 'custom',
  startMs: Date.now() - hoursAgo * HOUR,
  turns: [{ prompt: `${title} please`, answer: 'done' }],
});

interface World {
  root: string;
  home: string;
  /** Work dirs: app (Kimi Code and Kiro sessions), api (Kimi Code), and a name a shell would expand. */
  app: string;
  api: string;
  odd: string;
  log: string;
  path: string;
}

/** A home with sessions whose work dirs exist, stand-in agents and a `sessions` on PATH. */
function world(t: TestContext): World {
  const root = tempDir(t);
  const home = join(root, 'home');
  const app = join(root, 'work', 'app');
  const api = join(root, 'work', 'api');
  const odd = join(root, 'work', "it's $HOME & `x`");
  for (const d of [home, app, api, odd]) mkdirSync(d, { recursive: true });
  writeKimiCodeSession(join(home, '.kimi-code'), conv('session_app1', app, 'Tune the app cache', 1));
  writeKimiCodeSession(join(home, '.kimi-code'), conv('session_api1', api, 'Rate limit the API', 2));
  writeKimiCodeSession(join(home, '.kimi-code'), conv('session_odd1', odd, 'A folder with quotes', 3));
  writeKiroSessionFiles(join(home, '.kiro'), conv('4a4a4a4a-0000-4000-8000-000000000001', app, 'Kiro in the app', 4));
  writeCodexSession(join(home, '.codex'), conv('019a0000-0000-7000-8000-000000000001', api, 'Codex on the API', 5));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const log = join(root, 'agents.log');
  for (const agent of ['kimi', 'kiro-cli', 'codex', 'claude']) {
    // Each call: the agent, its working directory, then its arguments, one line.
    writeFileSync(
      join(bin, agent),
      `#!/bin/sh\nif [ "$1" = --version ]; then echo 2.1.0; exit 0; fi\nprintf '%s|%s' ${agent} "$PWD" >> '${log}'\nfor a in "$@"; do printf '|%s' "$a" >> '${log}'; done\necho >> '${log}'\n`,
    );
    chmodSync(join(bin, agent), 0o755);
  }
  writeFileSync(join(bin, 'sessions'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(bin, 'sessions'), 0o755);
  return { root, home, app, api, odd, log, path: `${bin}:/usr/bin:/bin` };
}

/** An interactive shell in tmux with the integration eval'd, in `cwd`. */
async function shell(t: TestContext, w: World, kind: 'bash' | 'zsh' | 'fish', cwd: string, before?: string): Promise<string> {
  const name = `${kind}${Math.random().toString(36).slice(2, 8)}`;
  const env = `HOME=${w.home} XDG_CACHE_HOME=${w.home}/.cache PATH=${w.path} TERM=xterm-256color LANG=C.UTF-8 PS1='READY> ' PROMPT='READY> '`;
  const start = {
    bash: 'bash --norc --noprofile -i',
    zsh: 'zsh -f -i',
    fish: `fish --no-config -i -C "function fish_prompt; echo -n 'READY> '; end; function fish_greeting; end"`,
  }[kind];
  tmux('new-session', '-d', '-s', name, '-x', '110', '-y', '30', `cd '${cwd}' && env -i ${env} ${start}`);
  t.after(() => tmux('kill-session', '-t', name));
  await screen(name, /READY>/, 'the prompt');
  if (before) type(name, before);
  type(name, kind === 'fish' ? 'sessions init fish | source' : `eval "$(sessions init ${kind})"`);
  type(name, 'clear');
  await screen(name, /^READY> *$/m, 'the integration loaded');
  return name;
}

function type(name: string, line: string): void {
  tmux('send-keys', '-t', name, '-l', line);
  tmux('send-keys', '-t', name, 'Enter');
}

/** Types `query` into the search box of the picker or manager on screen, one result of `total` awaited (`widen`: every directory first). */
async function searchFor(name: string, query: string, total: number, widen = false): Promise<void> {
  tmux('send-keys', '-t', name, ...(widen ? ['a'] : []), '/');
  tmux('send-keys', '-t', name, '-l', query);
  await screen(name, new RegExp(`sort:relevance {2}1/1 of ${total}`), `one result for ${query}`);
}

function calls(w: World): string[][] {
  return existsSync(w.log) ? readFileSync(w.log, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split('|')) : [];
}

async function called(w: World, n: number): Promise<string[][]> {
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    const c = calls(w);
    if (c.length >= n) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the stand-in agents were called ${calls(w).length} times, not ${n}`);
}

for (const kind of ['bash', 'zsh', 'fish'] as const) {
  test(`${kind}: kimi -S opens the picker on this directory's Kimi sessions; Enter resumes in the session's work dir; Esc runs nothing`, async (t) => {
    const w = world(t);
    const s = await shell(t, w, kind, w.app);
    type(s, 'kimi -S');
    const shown = await screen(s, /\[here\].*1\/1 of 3/, 'the picker, this directory first');
    assert.match(shown, /Tune the app cache/);
    assert.doesNotMatch(shown, /Kiro in the app/, 'Kimi sessions only');
    // Esc chooses nothing and runs nothing.
    tmux('send-keys', '-t', s, 'Escape');
    await screen(s, /READY> kimi -S\nREADY>/, 'the prompt again');
    assert.deepEqual(calls(w), []);
    // a widens it to every directory; a query narrows it; Enter resumes there.
    type(s, 'kimi --session');
    await screen(s, /1\/1 of 3/, 'the picker');
    await searchFor(s, 'rate limt', 3, true);
    tmux('send-keys', '-t', s, 'Enter', 'Enter');
    const [first] = await called(w, 1);
    assert.deepEqual(first, ['kimi', w.api, '--session', 'session_api1'], 'the agent, in the session\'s work dir, with its own resume command');
    // The shell did not move.
    type(s, 'pwd');
    await screen(s, new RegExp(`^${w.app.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), 'pwd unchanged');
    // A work dir a shell would expand reaches the agent as it is.
    type(s, 'kimi -S');
    await screen(s, /1\/1 of 3/, 'the picker');
    await searchFor(s, 'quotes', 3, true);
    tmux('send-keys', '-t', s, 'Enter', 'Enter');
    const c = await called(w, 2);
    assert.deepEqual(c[1], ['kimi', w.odd, '--session', 'session_odd1']);
  });

  test(`${kind}: every other use of the agents passes through untouched; kiro-cli chat --resume-picker and codex resume open the picker on their own sessions`, async (t) => {
    const w = world(t);
    const s = await shell(t, w, kind, w.api);
    type(s, "kimi --session abc -y 'two words'");
    type(s, 'kiro-cli chat --resume');
    type(s, 'codex resume 019a');
    const c = await called(w, 3);
    assert.deepEqual(c.slice(0, 3), [
      ['kimi', w.api, '--session', 'abc', '-y', 'two words'],
      ['kiro-cli', w.api, 'chat', '--resume'],
      ['codex', w.api, 'resume', '019a'],
    ]);
    type(s, 'kiro-cli chat --resume-picker');
    // No Kiro session in this directory: the picker starts with every directory's.
    const kiro = await screen(s, /\[all\].*1\/1 of 1/, 'the Kiro picker');
    assert.match(kiro, /Kiro in the app/);
    tmux('send-keys', '-t', s, 'Enter');
    const k = await called(w, 4);
    assert.deepEqual(k[3], ['kiro-cli', w.app, 'chat', '--resume-id', '4a4a4a4a-0000-4000-8000-000000000001']);
    type(s, 'codex resume');
    await screen(s, /Codex on the API/, 'the Codex picker');
    tmux('send-keys', '-t', s, 'Enter');
    const x = await called(w, 5);
    assert.deepEqual(x[4], ['codex', w.api, 'resume', '019a0000-0000-7000-8000-000000000001']);
  });
}

for (const kind of ['bash', 'zsh', 'fish'] as const) {
  test(`${kind}: completion offers the commands, option values and session ids`, async (t) => {
    const w = world(t);
    // zsh completes through compinit, which most set-ups load (zsh -f does not).
    const s = await shell(t, w, kind, w.app, kind === 'zsh' ? 'autoload -U compinit && compinit -u' : undefined);
    tmux('send-keys', '-t', s, '-l', 'sessions --agent ');
    tmux('send-keys', '-t', s, 'Tab', 'Tab');
    await screen(s, /claude\s+codex\s+kimi\s+kiro/, 'the agent names');
    tmux('send-keys', '-t', s, 'C-c');
    tmux('send-keys', '-t', s, '-l', 'sessions show session_api');
    tmux('send-keys', '-t', s, 'Tab');
    await screen(s, /sessions show session_api1/, 'an id completed');
  });
}

test('init: an unknown shell is bad input; the snippets are valid bash, zsh and fish', async (t) => {
  const { runInProcess, testEnv } = await import('./helpers.js');
  const home = tempDir(t);
  const bad = await runInProcess(['init', 'tcsh'], testEnv(home));
  assert.deepEqual([bad.code, bad.stderr], [2, "sessions: unknown shell 'tcsh' (one of: bash, zsh, fish)\n"]);
  const none = await runInProcess(['init'], testEnv(home));
  assert.equal(none.code, 2);
  for (const sh of ['bash', 'zsh', 'fish']) {
    const r = await runInProcess(['init', sh], testEnv(home));
    assert.equal(r.code, 0);
    assert.match(r.stdout, /__sessions_resume/);
    const file = join(home, `init.${sh}`);
    writeFileSync(file, r.stdout);
    const check = spawnSync(sh, sh === 'fish' ? ['--no-execute', file] : ['-n', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${sh} -n: ${check.error?.message ?? check.stderr}`);
  }
});

test('manager: o leaves and runs the agent in the session\'s work dir; a work dir that is gone is said, and Enter resumes here', async (t) => {
  const w = world(t);
  const s = await shell(t, w, 'bash', w.api);
  type(s, 'sessions');
  await screen(s, /1\/5 of 5/, 'the manager');
  await searchFor(s, 'app cache', 5);
  tmux('send-keys', '-t', s, 'Enter', 'o');
  const [first] = await called(w, 1);
  assert.deepEqual(first, ['kimi', w.app, '--session', 'session_app1']);
  await screen(s, /READY> *$/m, 'the prompt again, after the agent');
  // The work dir of another session is removed: the manager says so and offers this directory.
  const { rmSync } = await import('node:fs');
  rmSync(w.odd, { recursive: true, force: true });
  type(s, 'sessions');
  await screen(s, /1\/5 of 5/, 'the manager');
  await searchFor(s, 'quotes', 5);
  tmux('send-keys', '-t', s, 'Enter', 'o');
  await screen(s, /no longer exists/, 'the question');
  tmux('send-keys', '-t', s, 'Enter');
  const c = await called(w, 2);
  assert.deepEqual(c[1], ['kimi', w.api, '--session', 'session_odd1'], 'resumed here, in the shell\'s directory');
});
