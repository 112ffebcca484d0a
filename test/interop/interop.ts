// The interop suite: the real Kimi Code CLI (../shared/kimi-real, installed
// offline from the npm registry with a scripted model) judges what the
// manager writes. Kiro cannot run here, so its rows and files are checked
// against the shapes of the agent's own files in ../shared/samples.
// Prints a table of every check; exits 1 if any failed. Never skips: a
// harness that cannot be installed or run is a failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import AdmZip from 'adm-zip';
import Database from 'better-sqlite3';

const REPO = resolve(import.meta.dirname, '..', '..');
const SHARED = resolve(process.env['SESSIONS_SHARED'] ?? join(REPO, '..', 'shared'));
const SAMPLES = join(SHARED, 'samples');
const R = '/tmp/kimireal';
const NODE22 = join(R, 'node_modules', 'node', 'bin', 'node');
const KIMI = join(R, 'node_modules', '@moonshot-ai', 'kimi-code', 'dist', 'main.mjs');

type Row = { check: string; ok: boolean; detail: string };
const rows: Row[] = [];

async function check(name: string, fn: () => unknown | Promise<unknown>): Promise<void> {
  try {
    const detail = await fn();
    rows.push({ check: name, ok: true, detail: typeof detail === 'string' ? detail : '' });
  } catch (error) {
    rows.push({ check: name, ok: false, detail: (error as Error).message.split('\n')[0]!.slice(0, 160) });
  }
}

function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

// ---------------------------------------------------------------- the harness

function harness(): void {
  // Installs Node 22 and the CLI once (kept in /tmp/kimireal between runs), then makes the sessions afresh (~30 s).
  const r = spawnSync('bash', [join(SHARED, 'kimi-real', 'make-sessions.sh')], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 15 * 60_000 });
  if (r.status !== 0) throw new Error(`kimi-real/make-sessions.sh failed (${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
}

const home = mkdtempSync(join(tmpdir(), 'sessions-interop-'));
const work = join(R, 'work');

function kimiEnv(): NodeJS.ProcessEnv {
  const proxy = 'http://127.0.0.1:18999';
  return {
    PATH: `${join(R, 'node_modules', 'node', 'bin')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    HOME: home,
    KIMI_CODE_HOME: join(home, '.kimi-code'),
    KIMI_DISABLE_TELEMETRY: '1',
    KIMI_CODE_NO_AUTO_UPDATE: '1',
    KIMI_CODE_BASE_URL: `${proxy}/kimi-code-base`,
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    ALL_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    TMPDIR: join(R, 'tmp'),
    TERM: 'xterm',
  };
}

function kimi(args: string[], cwd = work): string {
  const r = spawnSync(NODE22, [KIMI, ...args], { env: kimiEnv(), cwd, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`kimi ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  return r.stdout;
}

function sessions(args: string[], cwd = home): string {
  const env = { PATH: process.env['PATH'] ?? '', HOME: home, XDG_CACHE_HOME: join(home, '.cache'), TZ: 'UTC' };
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'sessions.js'), ...args], { env, cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`sessions ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

function sessionsJson<T>(args: string[]): T {
  return JSON.parse(sessions([...args, '--json'])) as T;
}

interface AgentSession {
  id: string;
  workDir: string;
  sessionDir: string;
  archived: boolean;
  title?: string;
}

function agentList(): AgentSession[] {
  return JSON.parse(kimi(['session', 'list', '--all', '--archived', '--json'])) as AgentSession[];
}

function agentIds(): Set<string> {
  return new Set(agentList().map((s) => s.id));
}

let servers: ChildProcess[] = [];
function startServers(): void {
  for (const script of ['mock-llm.mjs', 'sink-proxy.mjs']) {
    servers.push(spawn(NODE22, [join(R, 'bin', script)], { stdio: 'ignore', env: { ...process.env } }));
  }
  spawnSync('sleep', ['1']);
}
function stopServers(): void {
  for (const s of servers) s.kill();
  servers = [];
}

const REQUESTS = join(R, 'logs', 'mock-llm-requests.jsonl');

/** Resumes a session with the mock model and returns the messages the model was sent. */
function resume(id: string, workDir: string, prompt: string): Array<{ role: string; content: unknown }> {
  const before = existsSync(REQUESTS) ? readFileSync(REQUESTS, 'utf8').trim().split('\n').length : 0;
  kimi(['-r', id, '-m', 'mock/mock-model', '-p', prompt], workDir);
  const lines = readFileSync(REQUESTS, 'utf8').trim().split('\n').slice(before);
  const first = lines.map((l) => JSON.parse(l) as { body?: { messages?: Array<{ role: string; content: unknown }> } }).find((r) => r.body?.messages?.some((m) => text(m.content).includes(prompt)));
  expect(first?.body?.messages, `the model got no request carrying "${prompt}"`);
  return first.body.messages;
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && 'text' in p ? String((p as { text: unknown }).text) : '')).join('');
  return '';
}

function treeHash(root: string): string {
  const h = createHash('sha256');
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const n of readdirSync(p).sort()) walk(join(p, n));
    else h.update(relative(root, p)).update(readFileSync(p));
  };
  walk(root);
  return h.digest('hex');
}

// ---------------------------------------------------------------- the checks

interface Listed {
  source: string;
  id: string;
  title: string;
  titleSource: string;
  workDir: string | null;
  archived: boolean;
  path: string;
  turns: number;
  sameAs: { source: string; id: string } | null;
}

async function kimiChecks(): Promise<void> {
  const ids = readFileSync(join(R, 'logs', 'ids.txt'), 'utf8');
  const id = (name: string): string => new RegExp(`${name}=(\\S+)`).exec(ids)![1]!;
  const [S1, S2, S3] = [id('S1'), id('S2'), id('S3')];

  await check('list: every session the agent lists, same id, work dir, title, archived', () => {
    const agent = agentList();
    const ours = sessionsJson<Listed[]>(['list', '--source', 'kimi-code', '--no-cache']);
    const byId = new Map(ours.map((s) => [s.id, s]));
    for (const a of agent) {
      const o = byId.get(a.id);
      expect(o, `${a.id} is not listed`);
      expect(o.workDir === a.workDir, `${a.id}: work dir ${o.workDir} != ${a.workDir}`);
      expect(o.archived === a.archived, `${a.id}: archived ${o.archived} != ${a.archived}`);
      if (a.title) expect(o.title === a.title, `${a.id}: title "${o.title}" != "${a.title}"`);
    }
    expect(ours.length === agent.length, `we list ${ours.length}, the agent ${agent.length}`);
    return `${agent.length} sessions (${agent.filter((a) => a.archived).length} archived)`;
  });

  await check('rename: the agent lists the new title', () => {
    sessions(['rename', S1, 'Renamed by the manager', '--force']);
    const a = agentList().find((s) => s.id === S1);
    expect(a?.title === 'Renamed by the manager', `the agent shows "${a?.title}"`);
  });

  const s2 = sessionsJson<Listed[]>(['list', '--no-cache']).find((s) => s.id === S2)!;
  const s2Shown = sessionsJson<{ messages: Array<{ role: string; text: string }> }>(['show', S2, '--no-cache']);
  const prompts = s2Shown.messages.filter((m) => m.role === 'user').map((m) => m.text);
  for (const cut of [false, true]) {
    const label = cut ? 'fork --at-turn 1' : 'fork (whole)';
    await check(`${label}: listed, \`kimi export\` works, resumed with the forked history${cut ? ' and nothing after the cut' : ''}`, () => {
      const fork = sessionsJson<{ id: string }>(['fork', S2, ...(cut ? ['--at-turn', '1'] : [])]);
      expect(agentIds().has(fork.id), `the agent does not list ${fork.id}`);
      const zip = join(home, `${fork.id}.zip`);
      kimi(['export', fork.id, '-o', zip], s2.workDir!);
      const sent = resume(fork.id, s2.workDir!, `interop probe ${cut ? 'cut' : 'whole'}`).map((m) => text(m.content)).join('\n');
      expect(sent.includes(prompts[0]!.slice(0, 30)), 'the first turn did not reach the model');
      if (prompts.length > 1) {
        const second = prompts[1]!.slice(0, 30);
        expect(cut ? !sent.includes(second) : sent.includes(second), cut ? 'turn 2 reached the model after the cut' : 'turn 2 did not reach the model');
      }
      return `${fork.id.slice(0, 16)}…, ${prompts.length} turns in the source`;
    });
  }

  await check('a session whose state is in session-meta/ (the older place the v2 engine still reads): the agent and we both list it; our rename writes there and the agent shows it', () => {
    const fork = sessionsJson<{ id: string; path: string }>(['fork', S2, '--title', 'Meta shape']);
    mkdirSync(join(fork.path, 'session-meta'), { recursive: true });
    renameSync(join(fork.path, 'state.json'), join(fork.path, 'session-meta', 'state.json'));
    expect(agentIds().has(fork.id), 'the agent does not list a session-meta session');
    expect(sessionsJson<Listed[]>(['list', '--no-cache']).some((s) => s.id === fork.id), 'we do not list it');
    sessions(['rename', fork.id, 'Meta renamed', '--force']);
    expect(!existsSync(join(fork.path, 'state.json')), 'the rename made a second state.json');
    const a = agentList().find((x) => x.id === fork.id);
    expect(a?.title === 'Meta renamed', `the agent shows "${a?.title}"`);
    return fork.id.slice(0, 16) + '…';
  });

  await check('context.undo: after an undo of the last turn, we show the turns the agent sends the model on resume', () => {
    if (prompts.length < 2) return 'skipped: the source has one turn';
    const fork = sessionsJson<{ id: string; path: string }>(['fork', S2]);
    const wire = join(fork.path, 'agents', 'main', 'wire.jsonl');
    appendFileSync(wire, JSON.stringify({ type: 'context.undo', agentId: 'main', count: 1, time: Date.now() }) + '\n');
    const shown = sessionsJson<{ turns: number; messages: Array<{ role: string; text: string }> }>(['show', fork.id, '--no-cache']);
    expect(shown.turns === prompts.length - 1, `we count ${shown.turns} turns after the undo, not ${prompts.length - 1}`);
    const last = prompts[prompts.length - 1]!.slice(0, 30);
    expect(!shown.messages.some((m) => m.text.includes(last)), 'we still show the undone prompt');
    const sent = resume(fork.id, s2.workDir!, 'interop probe after undo').map((m) => text(m.content)).join('\n');
    expect(!sent.includes(last), 'the agent still sends the undone prompt: undo means something else to it');
    expect(sent.includes(prompts[0]!.slice(0, 30)), 'the first turn did not reach the model');
    return `${prompts.length} turns, 1 undone`;
  });

  await check('rm: the agent no longer lists it; restore: listed again, identical files', () => {
    const dir = s2.path;
    const before = treeHash(dir);
    sessions(['rm', S2, '--force']);
    expect(!agentIds().has(S2), 'the agent still lists it after rm');
    sessions(['restore', '--last']);
    expect(agentIds().has(S2), 'the agent does not list it after restore');
    expect(treeHash(dir) === before, 'the restored files differ');
  });

  await check('compact: resumed, the model gets the manager\'s summary instead of the history', () => {
    const s3 = sessionsJson<Listed[]>(['list', '--no-cache']).find((s) => s.id === S3)!;
    const r = sessionsJson<{ summary: string }>(['compact', S3, '--force']);
    const sent = resume(S3, s3.workDir!, 'interop probe after compaction');
    const all = sent.map((m) => text(m.content)).join('\n');
    expect(all.includes(r.summary.split('\n').slice(0, 3).join('\n')), 'the summary did not reach the model');
    const summaryAt = sent.findIndex((m) => text(m.content).includes('## Summary of the conversation so far'));
    expect(!sent.slice(0, summaryAt).some((m) => m.role === 'assistant' || m.role === 'tool'), 'compacted answers or tool results still reached the model');
    return `${sent.length} messages sent`;
  });

  await check('export --format zip: the entries of `kimi export`, less the global log', () => {
    const ours = join(home, 'ours.zip');
    const theirs = join(home, 'theirs.zip');
    sessions(['export', S2, '--format', 'zip', '-o', ours]);
    kimi(['export', S2, '-o', theirs], s2.workDir!);
    const names = (p: string): string[] => new AdmZip(p).getEntries().filter((e) => !e.isDirectory).map((e) => e.entryName).filter((n) => !n.startsWith('logs/global/')).sort();
    expect(JSON.stringify(names(ours)) === JSON.stringify(names(theirs)), `ours ${names(ours).join(',')} != theirs ${names(theirs).join(',')}`);
    return `${names(ours).length} entries`;
  });

  await check('import of a `kimi export` ZIP: the agent lists it and resumes it', () => {
    const zip = join(R, 'exports', `${S2}.zip`);
    const r = sessionsJson<{ id: string; workDir: string }>(['import', zip]);
    expect(r.id !== S2, 'an existing id must get a new one');
    expect(agentIds().has(r.id), `the agent does not list ${r.id}`);
    resume(r.id, r.workDir, 'interop probe after import');
  });

  await check('Kimi CLI sessions the agent imported (ses_…) and their originals: both listed, linked', () => {
    const all = sessionsJson<Listed[]>(['list', '--no-cache']);
    const originals = all.filter((s) => s.source === 'kimi-cli');
    const imported = all.filter((s) => s.source === 'kimi-code' && s.id.startsWith('ses_'));
    expect(imported.length > 0, 'the harness imported no Kimi CLI session');
    for (const s of imported) {
      const o = originals.find((x) => `ses_${x.id}` === s.id);
      expect(o, `${s.id}: its original is not listed`);
      expect(o.sameAs?.id === s.id && s.sameAs?.id === o.id, `${s.id}: not linked both ways`);
    }
    return `${imported.length} pairs`;
  });
}

// ---------------------------------------------------------------- Kiro shapes

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function sameShape(made: Record<string, unknown>, sample: Record<string, unknown>, what: string): void {
  const mk = Object.keys(made).sort().join(',');
  const sk = Object.keys(sample).sort().join(',');
  expect(mk === sk, `${what}: keys ${mk} != the sample's ${sk}`);
  for (const k of Object.keys(sample)) {
    // A title is null until set: a string where the manager set one.
    if (sample[k] === null) continue;
    expect(typeOf(made[k]) === typeOf(sample[k]), `${what}: ${k} is ${typeOf(made[k])}, the sample's is ${typeOf(sample[k])}`);
  }
}

async function kiroChecks(): Promise<void> {
  const kiroHome = mkdtempSync(join(tmpdir(), 'sessions-interop-kiro-'));
  const db = join(kiroHome, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  mkdirSync(join(kiroHome, '.local', 'share', 'kiro-cli'), { recursive: true });
  const d = new Database(db);
  d.exec(`CREATE TABLE conversations_v2 (key TEXT NOT NULL, conversation_id TEXT NOT NULL, value TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (key, conversation_id));`);
  const samples = ['basic_tool_use.json', 'with_compaction_summary.json'].map((f) => readFileSync(join(SAMPLES, 'kiro-sqlite', f), 'utf8'));
  const old = Date.parse('2026-01-01T00:00:00Z');
  for (const v of samples) d.prepare('INSERT INTO conversations_v2 VALUES (?, ?, ?, ?, ?)').run('/work/kiro', (JSON.parse(v) as { conversation_id: string }).conversation_id, v, old, old);
  d.close();
  const cli = join(kiroHome, '.kiro', 'sessions', 'cli');
  mkdirSync(cli, { recursive: true });
  cpSync(join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.json'), join(cli, 'compat-metering.json'));
  cpSync(join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.jsonl'), join(cli, 'compat-metering.jsonl'));
  const run = (args: string[]): string => {
    const env = { PATH: process.env['PATH'] ?? '', HOME: kiroHome, XDG_CACHE_HOME: join(kiroHome, '.cache'), TZ: 'UTC' };
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'sessions.js'), ...args, '--force'], { env, cwd: kiroHome, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sessions ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const rowsNow = (): Array<{ conversation_id: string; value: string }> => {
    const x = new Database(db, { readonly: true });
    try {
      return x.prepare('SELECT conversation_id, value FROM conversations_v2').all() as Array<{ conversation_id: string; value: string }>;
    } finally {
      x.close();
    }
  };
  const sampleValue = JSON.parse(samples[0]!) as Record<string, unknown>;
  const sourceId = sampleValue['conversation_id'] as string;

  await check('Kiro database: rows the manager writes (fork, cut fork, compact, import) have the sample\'s keys and types, and their own id inside', () => {
    run(['rename', sourceId, 'A title']);
    run(['fork', sourceId]);
    run(['fork', sourceId, '--at-turn', '1']);
    run(['compact', sourceId]);
    const exported = join(kiroHome, 'saved.json');
    run(['export', sourceId, '--format', 'json', '-o', exported]);
    // The row's JSON is what the legacy /chat save writes: it comes back as /chat load takes it, as files (checked below).
    run(['import', exported]);
    const rows = rowsNow();
    expect(rows.length === samples.length + 3, `expected ${samples.length + 3} rows, found ${rows.length}`);
    for (const r of rows) {
      const v = JSON.parse(r.value) as Record<string, unknown>;
      sameShape(v, sampleValue, r.conversation_id);
      expect(v['conversation_id'] === r.conversation_id, `${r.conversation_id}: the JSON says ${String(v['conversation_id'])}`);
    }
    return `${rows.length - samples.length} rows written`;
  });

  await check('Kiro database: export --format json equals the row\'s value (what /chat save writes)', () => {
    const out = run(['export', sourceId, '--format', 'json', '-o', '-']);
    const row = rowsNow().find((r) => r.conversation_id === sourceId)!;
    expect(out === JSON.stringify(JSON.parse(row.value), null, 2), 'the export is not the pretty-printed value');
  });

  await check('Kiro files: metadata and log entries the manager writes (rename, fork, compact, import) have the sample\'s shapes', () => {
    run(['rename', 'compat-metering', 'A title']);
    const fork = JSON.parse(run(['fork', 'compat-metering', '--json'])) as { id: string };
    run(['compact', 'compat-metering']);
    const zip = join(kiroHome, 'files.zip');
    run(['export', 'compat-metering', '--format', 'zip', '-o', zip]);
    run(['import', zip]);
    const sampleMeta = JSON.parse(readFileSync(join(SAMPLES, 'kiro-files', 'session_v1_pre_metering.json'), 'utf8')) as Record<string, unknown>;
    const metas = readdirSync(cli).filter((n) => n.endsWith('.json'));
    // The source, its fork, its import, and the database row imported from its /chat save JSON.
    expect(metas.length === 4, `expected 4 sessions, found ${metas.join(', ')}`);
    for (const name of metas) {
      const meta = JSON.parse(readFileSync(join(cli, name), 'utf8')) as Record<string, unknown>;
      // exported_from_v1 and imported_from are SessionData's optional fields (chat-cli-v2 session/mod.rs): an import has them.
      const { exported_from_v1: _v1, imported_from: _from, ...core } = meta;
      sameShape(core, sampleMeta, name);
      expect(`${String(meta['session_id'])}.json` === name, `${name}: session_id ${String(meta['session_id'])}`);
      for (const line of readFileSync(join(cli, name.replace(/\.json$/, '.jsonl')), 'utf8').trim().split('\n')) {
        const e = JSON.parse(line) as Record<string, unknown>;
        expect(e['version'] === 'v1' && typeof e['kind'] === 'string' && typeof e['data'] === 'object', `${name}: a log entry is not {version, kind, data}`);
      }
    }
    expect(metas.includes(`${fork.id}.json`), 'the fork is missing');
    return `${metas.length} sessions`;
  });
  rmSync(kiroHome, { recursive: true, force: true });
}

// ---------------------------------------------------------------- run

let failed = false;
try {
  await check('harness: the Kimi Code CLI 2.1.0 installed and real sessions made', () => {
    harness();
    return readFileSync(join(R, 'logs', 'ids.txt'), 'utf8').trim();
  });
  if (rows[0]!.ok) {
    cpSync(join(R, 'home'), home, { recursive: true, verbatimSymlinks: true });
    startServers();
    try {
      await kimiChecks();
    } finally {
      stopServers();
    }
  }
  await kiroChecks();
} finally {
  rmSync(home, { recursive: true, force: true });
}

const w0 = Math.max(...rows.map((r) => r.check.length));
console.log(`| ${'check'.padEnd(w0)} | result | detail`);
console.log(`| ${'-'.repeat(w0)} | ------ | ------`);
for (const r of rows) {
  console.log(`| ${r.check.padEnd(w0)} | ${r.ok ? 'pass  ' : 'FAIL  '} | ${r.detail}`);
  if (!r.ok) failed = true;
}
console.log(`${rows.filter((r) => r.ok).length} of ${rows.length} checks passed`);
process.exit(failed ? 1 : 0);
