// The picker without a screen (issue 16): one agent's sessions, fzf's
// habits (--filter, --select-1, --exit-0, --query) and --continue, the
// command a shell evals, a Kimi CLI session handed to Kimi Code as its twin.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from './harness.js';
import { runInProcess, tempDir, testEnv } from './helpers.js';
import { writeKimiCliSession, writeKimiCodeSession, writeKiroSessionFiles, type Conversation } from '../fixtures/layouts.js';
import { resumeOf, shellLine } from '../src/services/picker.js';
import type { Session } from '../src/model.js';

const HOUR = 3_600_000;
const conv = (id: string, workDir: string, title: string, hoursAgo: number, extra: Partial<Conversation> = {}): Conversation => ({
  id, workDir, title, titleKind: 'custom', startMs: Date.now() - hoursAgo * HOUR, turns: [{ prompt: `${title} please`, answer: 'done' }], ...extra,
});

function home(t: TestContext): { home: string; app: string; api: string; run: (args: string[], env?: Record<string, string>) => ReturnType<typeof runInProcess> } {
  const root = tempDir(t);
  const h = join(root, 'home');
  const app = join(root, 'app');
  const api = join(root, 'api');
  for (const d of [h, app, api]) mkdirSync(d, { recursive: true });
  writeKimiCodeSession(join(h, '.kimi-code'), conv('session_new', app, 'Newest in app', 1));
  writeKimiCodeSession(join(h, '.kimi-code'), conv('session_old', app, 'Older in app about parquet', 5));
  writeKimiCodeSession(join(h, '.kimi-code'), conv('session_api', api, 'The API one', 2));
  writeKimiCodeSession(join(h, '.kimi-code'), conv('session_arch', app, 'Archived in app', 3, { archived: true }));
  writeKiroSessionFiles(join(h, '.kiro'), conv('4a4a4a4a-0000-4000-8000-000000000001', app, 'Kiro parquet talk', 0.5));
  return { home: h, app, api, run: (args, env = {}) => runInProcess([...args, '--no-cache'], testEnv(h, env), app) };
}

test('--filter: one agent\'s sessions the query matches, best first; archived only when asked; exit 1 when none', async (t) => {
  const w = home(t);
  let r = await w.run(['--session', '--filter', 'parquet']);
  assert.deepEqual([r.code, r.stdout], [0, 'session_old\n'], 'Kimi only: not the Kiro session');
  r = await w.run(['--resume-picker', '--filter', 'parquet']);
  assert.equal(r.stdout, '4a4a4a4a-0000-4000-8000-000000000001\n');
  r = await w.run(['pick', '--agent', 'kimi', '--filter', '']);
  assert.deepEqual(r.stdout.trim().split('\n'), ['session_new', 'session_api', 'session_old'], 'newest first, archived left out');
  r = await w.run(['pick', '--agent', 'kimi', '--archived', '--filter', '']);
  assert.ok(r.stdout.includes('session_arch'));
  r = await w.run(['pick', '--filter', 'parquet', '--json']);
  assert.deepEqual((JSON.parse(r.stdout) as Session[]).map((s) => s.source).sort(), ['kimi-code', 'kiro-files']);
  r = await w.run(['--session', '--filter', 'zeppelin']);
  assert.deepEqual([r.code, r.stdout], [1, '']);
  r = await w.run(['pick', '--agent', 'vim', '--filter', '']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "sessions: unknown agent 'vim' (one of: kimi, kiro, codex, claude)\n");
});

test('--select-1 chooses alone, --exit-0 leaves at once; --continue takes the newest of this directory', async (t) => {
  const w = home(t);
  let r = await w.run(['--session', '--query', 'parquet', '--select-1']);
  assert.deepEqual([r.code, r.stdout], [0, 'session_old\n']);
  r = await w.run(['--session', '--query', 'zeppelin', '--exit-0']);
  assert.deepEqual([r.code, r.stdout], [1, '']);
  r = await w.run(['--session', '--continue']);
  assert.deepEqual([r.code, r.stdout], [0, 'session_new\n']);
  r = await w.run(['--resume-picker', '--continue']);
  assert.equal(r.stdout, '4a4a4a4a-0000-4000-8000-000000000001\n');
  r = await w.run(['--session', '--continue', '--shell-command', 'bash']);
  assert.equal(r.stdout, `cd -- ${w.app} && command kimi --session session_new\n`);
  // --session ID of another agent's session is refused, not handed over.
  r = await w.run(['--session', '4a4a4a4a']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^sessions: kiro-files:4a4a4a4a-0000-4000-8000-000000000001 is a kiro session, not a kimi one\n$/);
});

test('the command for a shell: quoted for bash, zsh and fish; the work dir that is gone is said and the current one used', () => {
  const s = { source: 'kimi-code', id: "session_x'y", workDir: '/nowhere/at all', sameAs: null } as unknown as Session;
  const r = resumeOf(s, { cwd: '/here' });
  assert.equal(r.dir, '/here');
  assert.equal(r.note, 'its work dir /nowhere/at all no longer exists; resuming in /here');
  assert.equal(shellLine(r.argv, r.dir, 'bash'), `cd -- /here && command kimi --session 'session_x'\\''y'`);
  assert.equal(shellLine(r.argv, "/a b/it's", 'fish'), `cd -- '/a b/it\\'s' && command kimi --session 'session_x\\'y'`);
  // A line for a person to paste has no `command`; with no work dir, no cd.
  assert.equal(shellLine(r.argv, null, 'zsh', false), `kimi --session 'session_x'\\''y'`);
});

test('a Kimi CLI session handed to Kimi Code goes over as its imported twin; without a twin, that is said', async (t) => {
  const w = home(t);
  // A Kimi CLI session, and its copy made by `kimi migrate` (ses_<id>).
  const id = '8b51d1eb-210b-4f64-8fef-135dafdefc06';
  writeKimiCliSession(join(w.home, '.kimi'), conv(id, w.api, 'Old CLI session', 6));
  writeKimiCodeSession(join(w.home, '.kimi-code'), conv(`ses_${id}`, w.api, 'Old CLI session', 6));
  const lone = '9c62e2fc-321c-4a75-9f0a-246ebfe0ed17';
  writeKimiCliSession(join(w.home, '.kimi'), conv(lone, w.api, 'Never migrated', 7));
  const bin = join(w.home, 'bin');
  mkdirSync(bin);
  const kimi = (version: string): Record<string, string> => {
    writeFileSync(join(bin, 'kimi'), `#!/bin/sh\n[ "$1" = --version ] && echo '${version}'\n`);
    chmodSync(join(bin, 'kimi'), 0o755);
    return { PATH: `${bin}:/usr/bin:/bin` };
  };
  let r = await w.run(['--session', `kimi-cli:${id}`, '--shell-command', 'zsh'], kimi('2.1.0'));
  assert.deepEqual([r.code, r.stdout], [0, `cd -- ${w.api} && command kimi --session ses_${id}\n`]);
  assert.match(r.stderr, /resuming its Kimi Code copy ses_/);
  r = await w.run(['--session', `kimi-cli:${lone}`, '--shell-command', 'zsh'], kimi('2.1.0'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /is a Kimi CLI session, and the installed kimi is Kimi Code, which opens only its own sessions; `kimi migrate` brings it over/);
  // The older Kimi CLI opens its own sessions as they are.
  r = await w.run(['--session', `kimi-cli:${lone}`, '--shell-command', 'zsh'], kimi('kimi, version 1.49.0'));
  assert.equal(r.stdout, `cd -- ${w.api} && command kimi --session ${lone}\n`);
  rmSync(bin, { recursive: true });
});
