// When a session is in use: a live lock, a running agent that names it or
// holds it open (/proc), or another program's write in the last 10 s. Our own
// writes never count (issue 16: rename, then rm, was refused for a minute).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from './harness.js';
import { agentName, FOREIGN_WRITE_MS, inUseCheck, loadOwnWrites, recordOwnWrites } from '../src/catalog/in-use.js';
import type { SessionRef } from '../src/sources/source.js';
import { demoHome, HomeRunner, ref as refOf } from './action-suite.js';
import { hashTree, runAnswering, tempDir } from './helpers.js';

const NOW = Date.now();

function sessionRef(over: Partial<SessionRef> = {}): SessionRef {
  return { source: 'kimi-code', id: 'session_abc', path: '/nowhere/session_abc', key: 'k', stamp: 's', lastWriteMs: NOW - 60_000, locked: false, hint: {}, ...over };
}

/** A stand-in agent: a script named `name` that sleeps, with `args` on its command line and `hold` open. */
async function standIn(t: TestContext, name: string, args: string[], hold?: string): Promise<number> {
  const dir = tempDir(t);
  const bin = join(dir, name);
  writeFileSync(bin, `#!/bin/sh\n${hold ? `exec 3<"${hold}"\n` : ''}sleep 60\n`);
  chmodSync(bin, 0o755);
  const child = spawn(bin, args, { stdio: 'ignore' });
  t.after(() => child.kill());
  // Wait until the shell runs it (its command line names the script) and holds the file.
  for (let i = 0; i < 200; i++) {
    try {
      const cmd = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
      if (cmd.includes(bin) && (!hold || (await held(child.pid!, hold)))) break;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return child.pid!;
}

async function held(pid: number, path: string): Promise<boolean> {
  const { readdirSync, readlinkSync } = await import('node:fs');
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(path);
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

test("an agent program is known by its own name or by the script an interpreter runs, not by a word in its arguments", () => {
  const names = ['kimi', 'kimi-code'];
  assert.equal(agentName(['/usr/local/bin/kimi', '--session', 'x'], names), 'kimi');
  assert.equal(agentName(['python3', '/home/u/.local/bin/kimi'], names), 'kimi');
  assert.equal(agentName(['node', '/usr/lib/node_modules/kimi-code/dist/cli.js'], names), 'kimi-code');
  assert.equal(agentName(['vim', 'notes/kimi'], names), null, 'a file named kimi opened in an editor is no agent');
  assert.equal(agentName(['/bin/sh', '/tmp/x/kimi', '-C'], names), 'kimi', 'a shell script named kimi');
  assert.equal(agentName(['grep', 'kimi', 'x'], names), null);
  assert.equal(agentName([], names), null);
});

test('in use: a lock, a running agent naming the session or holding its file, another program\'s recent write; never our own', async (t) => {
  const data = tempDir(t);
  const check = (): ((r: SessionRef) => string | null) => inUseCheck({ now: Date.now(), dataDir: data, agents: (k) => (k === 'kimi-code' ? ['kimi', 'kimi-code'] : []) });
  assert.equal(check()(sessionRef({ locked: true })), 'its agent has it locked');
  assert.equal(check()(sessionRef()), null, 'nothing holds it, written a minute ago');

  const id = `session_${process.pid}_${Math.random().toString(36).slice(2)}`;
  const pid = await standIn(t, 'kimi', ['--session', id]);
  assert.equal(check()(sessionRef({ id })), `kimi (pid ${pid}) has it open`);
  assert.equal(check()(sessionRef({ id, source: 'kiro-files' })), null, 'only the layout\'s own agent counts');

  const dir = tempDir(t);
  const wire = join(dir, 'wire.jsonl');
  writeFileSync(wire, '{}\n');
  await standIn(t, 'kimi-code', [], undefined);
  const holding = await standIn(t, 'kimi-code', ['-C'], wire);
  assert.equal(check()(sessionRef({ id: 'session_other', path: dir })), `kimi-code (pid ${holding}) has it open`, 'a file of the session folder is open');

  // Another program's write seconds ago; then ours, after it; then another program's, after ours.
  const ourTime = Date.now() - 3000;
  const recent = sessionRef({ id: 'session_w', lastWriteMs: ourTime - 1000 });
  assert.match(check()(recent) ?? '', /^another program wrote it \d+ s ago$/);
  recordOwnWrites(data, ['kimi-code:session_w'], ourTime);
  assert.equal(check()(recent), null, 'our own write');
  assert.match(check()({ ...recent, lastWriteMs: ourTime + 1000 }) ?? '', /^another program wrote it 2 s ago$/, 'a write after ours is not ours');
  assert.equal(check()({ ...recent, lastWriteMs: Date.now() - FOREIGN_WRITE_MS - 1000 }), null, 'older than the window');
});

test('the record of our writes survives damage and keeps only recent entries', (t) => {
  const data = tempDir(t);
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'own-writes.json'), '{not json');
  assert.equal(loadOwnWrites(data).size, 0, 'damaged: nothing is ours (errs towards in use)');
  recordOwnWrites(data, ['a:1'], NOW - 20 * 60_000);
  recordOwnWrites(data, ['b:2'], NOW);
  assert.deepEqual([...loadOwnWrites(data).keys()], ['b:2'], 'twenty minutes old: dropped');
  // A data folder that cannot be written: the record is lost, the action is not.
  const file = join(tempDir(t), 'file');
  writeFileSync(file, 'x');
  assert.doesNotThrow(() => recordOwnWrites(join(file, 'sub'), ['c:3']));
});

test('issue 16 repro: rename, then rm, compact or another rename of the same session go through without --force', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const s = (await h.list()).find((x) => x.source === 'kimi-cli' && x.turns > 0 && !x.inUse)!;
  await h.ok(['rename', refOf(s), 'X']);
  await h.ok(['rename', refOf(s), 'Y']);
  await h.ok(['compact', refOf(s)]);
  const listed = (await h.list()).find((x) => x.id === s.id)!;
  assert.equal(listed.inUse, false, 'not in use after our own writes');
  await h.ok(['rm', refOf(s)]);
  await h.ok(['restore', '--last']);
  assert.equal((await h.list()).find((x) => x.id === s.id)?.inUse, false, 'restored by us: not in use');
});

test('rm of a batch with one session in use: refused whole without a terminal, naming it; on a terminal it asks to go on with the others', async (t) => {
  const h = new HomeRunner(demoHome(t));
  const all = await h.list();
  const locked = all.find((x) => x.inUse)!;
  const free = all.filter((x) => !x.inUse && x.source === 'kimi-code').slice(0, 2);
  const before = hashTree(h.home);
  const r = await h.run(['rm', refOf(locked), ...free.map(refOf)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^sessions: ${locked.source}:${locked.id} is in use \\(its agent has it locked\\); nothing moved \\(leave it out, or --force to move it too\\)\\n$`));
  assert.deepEqual(hashTree(h.home), before);
  const { code, asked } = await runAnswering(['rm', refOf(locked), ...free.map(refOf)], h.home, [true]);
  assert.equal(code, 0);
  assert.match(asked[0]!, /is in use \(its agent has it locked\)\. Move the other 2 to the trash\?$/);
  const left = await h.list();
  assert.ok(left.some((x) => x.id === locked.id), 'the one in use stays');
  assert.ok(free.every((f) => !left.some((x) => x.id === f.id)), 'the others went');
});
