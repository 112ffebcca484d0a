// npm run bench [-- --sessions N] [--json] [--corpus DIR]
// Times the real `sessions list` on a generated home: cold (no summary cache)
// and warm (cache valid), with peak RSS. Goals are printed, never asserted:
// speed belongs here, not in timed tests.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureCorpus, vocabulary } from './corpus.js';
import { ensureHugeSession, HUGE_ID, HUGE_NEEDLE } from './huge.js';
import { timeFzf, timeQueries } from './search-bench.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
    corpus: { type: 'string' },
    runs: { type: 'string', default: '5' },
    'cold-runs': { type: 'string', default: '3' },
  },
});
const sessions = Number(values.sessions);
if (!Number.isInteger(sessions) || sessions < 4) throw new Error(`--sessions takes a whole number >= 4, got ${values.sessions}`);
const runs = Math.max(1, Number(values.runs));
const coldRuns = Math.max(1, Number(values['cold-runs']));
const corpus = resolve(values.corpus ?? join(REPO, '.bench', `home-${sessions}`));
const cache = join(corpus, '..', `cache-${sessions}`);
const log = (s: string): void => void process.stderr.write(s + '\n');

log(`corpus: ${corpus}`);
const t0 = performance.now();
const generated = ensureCorpus(corpus, sessions, log);
// One 100 MB Kimi Code session beside them, for the huge-session rows (figures before 2026-12-02 had none).
const huge = ensureHugeSession(corpus);
const info = { sessions: generated.sessions + 1, messages: generated.messages + huge.messages, bytes: generated.bytes + huge.bytes };
log(`corpus ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

interface Run {
  ms: number;
  rssMB: number;
  count: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function listOnce(): Run {
  return runOnce(['list', '--json']);
}

function runOnce(args: string[]): Run {
  const { ms, rssMB, stdout } = runRaw(args);
  const out = JSON.parse(stdout) as unknown[] | { sessions: unknown[] };
  return { ms, rssMB, count: Array.isArray(out) ? out.length : out.sessions.length };
}

/** The built command on a home (the corpus by default), its time and peak RSS. */
function runRaw(args: string[], home = corpus, cacheDir = cache): { ms: number; rssMB: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(REPO, 'bench', 'rss-on-exit.mjs'), join(REPO, 'bin', 'sessions.js'), ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: home, XDG_CACHE_HOME: cacheDir, TZ: 'UTC' },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`sessions ${args[0]} failed: ${r.stderr}`);
  const rss = /BENCH_MAX_RSS_KB (\d+)/.exec(r.stderr);
  return { ms, rssMB: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
}

// This machine's timings vary by a third from run to run: medians of several runs.
const colds = Array.from({ length: coldRuns }, () => {
  rmSync(cache, { recursive: true, force: true });
  const run = listOnce();
  if (run.count !== info.sessions) throw new Error(`listed ${run.count} of ${info.sessions} sessions`);
  return run;
});
const cold = { ms: median(colds.map((c) => c.ms)), rssMB: Math.max(...colds.map((c) => c.rssMB)) };
const warm = Array.from({ length: runs }, listOnce);
const warmMs = median(warm.map((w) => w.ms));
const mb = info.bytes / 1e6;
const figures = {
  sessions: info.sessions,
  messages: info.messages,
  bytes: info.bytes,
  coldListMs: Math.round(cold.ms),
  coldListMBps: Math.round(mb / (cold.ms / 1000)),
  warmListMs: Math.round(warmMs),
  peakRssMB: Math.round(Math.max(cold.rssMB, ...warm.map((w) => w.rssMB))),
  coldRssMB: Math.round(cold.rssMB),
  warmRssMB: Math.round(median(warm.map((w) => w.rssMB))),
};

// Search: a cold index build (no index at all), warm starts, then every bench query in one process.
const words = vocabulary();
const probe = words[150]!;
log('search: building the index from nothing');
rmSync(join(cache, 'sessions'), { recursive: true, force: true });
const coldIndex = runOnce(['search', probe, '--json']);
const warmStarts = Array.from({ length: runs }, () => runOnce(['search', probe, '--json']));
log('search: one-shot runs against node -e 0, alternating');
const oneShot = timeOneShot(probe);
log('search: timing the bench queries');
const searchFigures = await timeQueries(cache, corpus);
log('search: fzf --filter over the same text');
const fzfP50 = await timeFzf(cache, join(corpus, '..', `fzf-lines-${sessions}.txt`), words.slice(150, 155));

// Clean: the plan over the whole home with a warm summary cache and index, by age alone and with a query.
log('clean: planning');
const cleanAge = Array.from({ length: runs }, () => runOnce(['clean', '--older-than', '1d', '--keep-last', '3', '--dry-run', '--json']));
const cleanQuery = Array.from({ length: runs }, () => runOnce(['clean', '--query', probe, '--older-than', '1d', '--dry-run', '--json']));

// The manager: first frame and keystroke-to-screen, in its own process with fake terminal streams.
log('manager: first frame and keystrokes');
const tuiRun = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'tui-bench.ts'), corpus, cache], { encoding: 'utf8', cwd: REPO });
if (tuiRun.status !== 0) throw new Error(`tui bench failed: ${tuiRun.stderr}`);
const tui = JSON.parse(tuiRun.stdout.trim().split('\n').at(-1)!) as { firstFrameMs: number; listedMs: number; keyP50Ms: number; keyP95Ms: number; queryMedianMs: number };

// The huge session: the manager's preview at the match, a search after a new message, and the memory of each command on it.
log('huge session: preview at the match');
const hugeRun = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'huge-bench.ts'), corpus, cache], { encoding: 'utf8', cwd: REPO });
if (hugeRun.status !== 0) throw new Error(`huge-session bench failed: ${hugeRun.stderr}`);
const hugePreview = JSON.parse(hugeRun.stdout.trim().split('\n').at(-1)!) as { previewAtMatchMs: number; windowMessages: number; wholeMs: number };
log('huge session: search after a new message, against node -e 0');
const hugeAppend = timeHugeAppend();
log('huge session: peak RSS of each command');
const hugeRss = hugeCommandsRss();

// How fast the picker opens in a real terminal, and a one-shot list, against node -e 0 timed the same way.
log('picker: first rows in tmux, demo home and this corpus, against node -e 0');
const demoCopy = join(REPO, '.bench', 'startup-demo-home');
rmSync(demoCopy, { recursive: true, force: true });
// A fresh copy each run: the demo home in the repo is never written to (its cache would go there).
cpSync(join(REPO, 'fixtures', 'demo-home'), demoCopy, { recursive: true, filter: (src) => !src.endsWith(join('demo-home', '.cache')) });
const startRun = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'startup-bench.ts'), demoCopy, corpus, cache, String(Math.max(runs, 7))], { encoding: 'utf8', cwd: REPO });
if (startRun.status !== 0) throw new Error(`startup bench failed: ${startRun.stderr}`);
type Startup = { nodeMs: number; firstRowsMs: number; listMs: number | null };
const startup = JSON.parse(startRun.stdout.trim().split('\n').at(-1)!) as { demo: Startup; big: Startup };

Object.assign(figures, {
  pickerDemoNodeMs: Math.round(startup.demo.nodeMs),
  pickerDemoFirstRowsMs: Math.round(startup.demo.firstRowsMs),
  listDemoMs: Math.round(startup.demo.listMs ?? NaN),
  pickerBigNodeMs: Math.round(startup.big.nodeMs),
  pickerBigFirstRowsMs: Math.round(startup.big.firstRowsMs),
  tuiFirstFrameMs: tui.firstFrameMs,
  tuiListedMs: tui.listedMs,
  tuiKeyP50Ms: tui.keyP50Ms,
  tuiKeyP95Ms: tui.keyP95Ms,
  tuiQueryMs: tui.queryMedianMs,
  cleanPlanMs: Math.round(median(cleanAge.map((r) => r.ms))),
  cleanPlanned: cleanAge[0]!.count,
  cleanQueryPlanMs: Math.round(median(cleanQuery.map((r) => r.ms))),
  cleanQueryPlanned: cleanQuery[0]!.count,
  searchP50Ms: round1(searchFigures.p50),
  searchP95Ms: round1(searchFigures.p95),
  searchQueries: searchFigures.timings.length,
  warmStartMs: Math.round(median(warmStarts.map((w) => w.ms))),
  coldIndexMs: Math.round(coldIndex.ms),
  coldIndexMBps: Math.round(mb / (coldIndex.ms / 1000)),
  reindexOneMs: round1(searchFigures.reindexOneMs),
  scanMs: Math.round(searchFigures.scanMs),
  fzfP50Ms: fzfP50 === null ? null : Math.round(fzfP50),
  nodeStartMs: Math.round(oneShot.nodeMs),
  oneShotUnchangedMs: Math.round(oneShot.unchangedMs),
  oneShotChangedMs: Math.round(oneShot.changedMs),
  peakRssMB: Math.round(Math.max(figures.peakRssMB, coldIndex.rssMB, ...warmStarts.map((w) => w.rssMB))),
  searchRssMB: Math.round(Math.max(coldIndex.rssMB, ...warmStarts.map((w) => w.rssMB))),
  hugeMB: Math.round(huge.bytes / 1e6),
  hugeMessages: huge.messages,
  hugeNodeMs: Math.round(hugeAppend.nodeMs),
  hugeAppendSearchMs: Math.round(hugeAppend.searchMs),
  hugePreviewMs: hugePreview.previewAtMatchMs,
  hugeWindowMessages: hugePreview.windowMessages,
  hugeWholeMs: hugePreview.wholeMs,
  ...Object.fromEntries(Object.entries(hugeRss).map(([k, v]) => [`hugeRss_${k}`, Math.round(v)])),
});

const f = figures as typeof figures & Record<string, number | null>;
const rows: Array<[string, string, string]> = [
  ['sessions / messages / on disk', `${info.sessions} / ${info.messages} / ${mb.toFixed(0)} MB`, ''],
  [`list, cold (no summary cache, median of ${coldRuns})`, `${figures.coldListMs} ms = ${figures.coldListMBps} MB/s`, '>= 100 MB/s'],
  [`list, warm (cache valid, median of ${runs})`, `${figures.warmListMs} ms`, '< 300 ms'],
  ['list, peak RSS (cold / warm)', `${figures.coldRssMB} MB / ${figures.warmRssMB} MB`, '< 400 MB'],
  [`search per query, p50 / p95 (${f['searchQueries']} queries)`, `${f['searchP50Ms']} ms / ${f['searchP95Ms']} ms`, '10 / 30 ms'],
  [`search, warm start to results (median of ${runs})`, `${f['warmStartMs']} ms`, '150 ms'],
  [`one-shot search, nothing changed (median of ${runs}; node -e 0: ${f['nodeStartMs']} ms)`, `${f['oneShotUnchangedMs']} ms = ${(Number(f['oneShotUnchangedMs']) / Number(f['nodeStartMs'])).toFixed(1)}x node -e 0`, '<= 4x'],
  [`one-shot search, one session changed (median of ${runs})`, `${f['oneShotChangedMs']} ms = ${(Number(f['oneShotChangedMs']) / Number(f['nodeStartMs'])).toFixed(1)}x node -e 0`, '<= 6x'],
  ['search, cold index build', `${f['coldIndexMs']} ms = ${f['coldIndexMBps']} MB/s`, '>= 50 MB/s'],
  ['search, one session changed: re-index', `${f['reindexOneMs']} ms (+ ${f['scanMs']} ms scan)`, '100 ms'],
  ['search, peak RSS', `${f['searchRssMB']} MB`, '< 500 MB'],
  ['manager, first frame with the sessions listed', `${f['tuiListedMs']} ms`, '< 200 ms'],
  [`picker in tmux, launch to first rows, demo home (median of ${Math.max(runs, 7)}; node -e 0: ${f['pickerDemoNodeMs']} ms)`, `${f['pickerDemoFirstRowsMs']} ms = ${(Number(f['pickerDemoFirstRowsMs']) / Number(f['pickerDemoNodeMs'])).toFixed(1)}x node -e 0`, '<= 3x'],
  [`picker in tmux, launch to first rows, ${info.sessions} sessions (node -e 0: ${f['pickerBigNodeMs']} ms)`, `${f['pickerBigFirstRowsMs']} ms = ${(Number(f['pickerBigFirstRowsMs']) / Number(f['pickerBigNodeMs'])).toFixed(1)}x node -e 0`, '<= 4x'],
  ['list --limit 20 in tmux, to its exit, demo home', `${f['listDemoMs']} ms = ${(Number(f['listDemoMs']) / Number(f['pickerDemoNodeMs'])).toFixed(1)}x node -e 0`, '<= 2.5x'],
  ['manager, keystroke to screen, p50 / p95 (30 keys)', `${f['tuiKeyP50Ms']} ms / ${f['tuiKeyP95Ms']} ms`, '< 50 ms'],
  ['manager, typed query to results on screen (median of 5)', `${f['tuiQueryMs']} ms`, ''],
  [`clean, plan (--older-than --keep-last; median of ${runs})`, `${f['cleanPlanMs']} ms (${f['cleanPlanned']} sessions planned)`, '< 1000 ms'],
  [`clean, plan with --query (median of ${runs})`, `${f['cleanQueryPlanMs']} ms (${f['cleanQueryPlanned']} sessions planned)`, '< 1000 ms'],
  [`huge session (${f['hugeMB']} MB, ${f['hugeMessages']} messages): search after a new message (median of ${runs})`, `${f['hugeAppendSearchMs']} ms = ${(Number(f['hugeAppendSearchMs']) / Number(f['hugeNodeMs'])).toFixed(1)}x node -e 0`, '<= 6x'],
  [`huge session: manager preview at the match (median of 5; ${f['hugeWindowMessages']} messages read)`, `${f['hugePreviewMs']} ms (all of it: ${f['hugeWholeMs']} ms)`, '<= 300 ms'],
  ['huge session: peak RSS of list / show / search / export / compact / fork', Object.keys(hugeRss).map((k) => `${f[`hugeRss_${k}`]}`).join(' / ') + ' MB', '<= 500 MB'],
  ['fzf --filter, p50 (same text)', f['fzfP50Ms'] === null ? 'fzf not installed (apt-get install fzf)' : `${f['fzfP50Ms']} ms = ${(Number(f['fzfP50Ms']) / Number(f['searchP50Ms'])).toFixed(0)}x our p50`, ''],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`| ${'figure'.padEnd(w0)} | ${'result'.padEnd(w1)} | goal        |`);
console.log(`| ${'-'.repeat(w0)} | ${'-'.repeat(w1)} | ----------- |`);
for (const [a, b, c] of rows) console.log(`| ${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c.padEnd(11)} |`);
if (values.json) console.log(JSON.stringify(figures));

/**
 * `sessions search` as a person runs it, each run beside a `node -e 0` (the
 * floor no Node command beats), alternating so that the machine's noise
 * falls on both alike: with nothing changed, and after a new message in one
 * Kimi Code session (a different line each run; the file is put back after).
 */
function timeOneShot(query: string): { nodeMs: number; unchangedMs: number; changedMs: number } {
  const node: number[] = [];
  const unchanged: number[] = [];
  const changed: number[] = [];
  const nodeOnce = (): number => {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - t0;
  };
  const wire = firstKimiCodeWire(corpus);
  const before = readFileSync(wire);
  const { mtime } = statSync(wire);
  try {
    for (let i = 0; i < runs; i++) {
      node.push(nodeOnce());
      unchanged.push(runOnce(['search', query, '--json']).ms);
      node.push(nodeOnce());
      appendFileSync(wire, JSON.stringify({ type: 'turn.prompt', input: [{ type: 'text', text: `bench change ${i}` }], origin: { kind: 'user' }, time: Date.now() }) + '\n');
      changed.push(runOnce(['search', query, '--json']).ms);
    }
  } finally {
    writeFileSync(wire, before);
    utimesSync(wire, mtime, mtime);
  }
  return { nodeMs: median(node), unchangedMs: median(unchanged), changedMs: median(changed) };
}

/**
 * A search for the huge session's needle after a new turn is appended to
 * it (a different one each run), beside a `node -e 0`, alternating; the
 * file is put back after (the next run then reads it whole once).
 */
function timeHugeAppend(): { nodeMs: number; searchMs: number } {
  const node: number[] = [];
  const search: number[] = [];
  const before = readFileSync(huge.wire);
  const { mtime } = statSync(huge.wire);
  try {
    runOnce(['search', HUGE_NEEDLE, '--json']);
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      node.push(performance.now() - t0);
      const time = Date.now();
      const text = `bench turn ${i} about the quokka`;
      appendFileSync(huge.wire, [
        { type: 'turn.prompt', agentId: 'main', input: [{ type: 'text', text }], origin: { kind: 'user' }, promptId: `bench_${i}`, time },
        { type: 'context.append_message', agentId: 'main', message: { role: 'user', content: [{ type: 'text', text }], id: `bench_${i}`, toolCalls: [], origin: { kind: 'user' } }, time },
        { type: 'turn.ended', agentId: 'main', reason: 'completed', time },
      ].map((r) => JSON.stringify(r)).join('\n') + '\n');
      const run = runOnce(['search', HUGE_NEEDLE, '--json']);
      if (run.count < 1) throw new Error('the huge session is not found after a new message');
      search.push(run.ms);
    }
  } finally {
    writeFileSync(huge.wire, before);
    utimesSync(huge.wire, mtime, mtime);
  }
  return { nodeMs: median(node), searchMs: median(search) };
}

/** Peak RSS of each command on the huge session; the writing ones on a copy of it in a scratch home. */
function hugeCommandsRss(): Record<string, number> {
  const id = `kimi-code:${HUGE_ID}`;
  const scratch = join(corpus, '..', 'huge-scratch');
  rmSync(scratch, { recursive: true, force: true });
  const sessionDir = dirname(dirname(dirname(huge.wire)));
  const copy = join(scratch, '.kimi-code', 'sessions', 'wd_huge', HUGE_ID);
  mkdirSync(dirname(copy), { recursive: true });
  cpSync(sessionDir, copy, { recursive: true });
  const out = join(scratch, 'export.md');
  const inScratch = (args: string[]): number => runRaw(args, scratch, join(scratch, '.cache')).rssMB;
  try {
    return {
      list: runRaw(['list', '--json']).rssMB,
      show: runRaw(['show', id, '--json']).rssMB,
      search: runRaw(['search', HUGE_NEEDLE, '--json']).rssMB,
      export: runRaw(['export', id, '-o', out]).rssMB,
      compact: inScratch(['compact', id, '--force']),
      fork: inScratch(['fork', id, '--force']),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function firstKimiCodeWire(home: string): string {
  const root = join(home, '.kimi-code', 'sessions');
  // Not the huge session's bucket: this row is about an ordinary one.
  const bucket = readdirSync(root).filter((b) => !b.includes('huge')).sort()[0]!;
  const id = readdirSync(join(root, bucket)).sort()[0]!;
  return join(root, bucket, id, 'agents', 'main', 'wire.jsonl');
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
