// The benchmark's synthetic home: N sessions spread over the four layouts,
// about 100 KB and 100 messages each on average (10,000 sessions ≈ 1 GB,
// 1,000,000 messages), written with the same layout writers as the demo home.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Conversation,
  type Turn,
  insertKiroConversation,
  openKiroDb,
  writeKimiCliSession,
  writeKimiCodeSession,
  writeKiroSessionFiles,
} from '../fixtures/layouts.js';
import { treeBytes } from '../src/util/fsx.js';

/** Bump when the corpus shape changes, so a stale corpus on disk is rebuilt. */
const CORPUS_VERSION = 3;

const WORDS = (
  'cache index parser token stream buffer socket thread mutex channel vector matrix tensor kernel shader pixel ' +
  'router handler session cookie header payload schema migration rollback deploy cluster replica shard quorum ' +
  'lambda closure iterator generator promise future actor mailbox timeout retry backoff circuit breaker queue ' +
  'webhook endpoint gateway proxy tunnel certificate keychain secret vault policy role permission audit logger ' +
  'metric tracing span exporter collector dashboard alert pager incident postmortem refactor rename extract inline ' +
  'compile linker bundler minify transpile polyfill hydration render layout reflow paint compositor animation ' +
  'checkout invoice payment refund ledger balance currency rounding decimal integer overflow underflow precision'
).split(' ');
const FILES = ['src/index.ts', 'src/server.rs', 'lib/parser.py', 'cmd/main.go', 'app/models/user.rb', 'include/buffer.h', 'test/cart.test.ts'];
const TOOLS = ['Bash', 'Read', 'Edit', 'Grep', 'Write'];

const SYLLABLES = 'ka ro mi ten sul vor pe lan dri qua zo fex bel tor nim sha gu pli der wan jo cri mos tev yul bra kin oth rez sam'.split(' ');
/** Generated words behind the common ones: real text's long tail, so that most words are rare. */
const TAIL_WORDS = 8000;

/** The corpus vocabulary, most frequent first: technical words, then generated ones. */
export function vocabulary(): string[] {
  const r = rng(7);
  const tail = new Set<string>();
  while (tail.size < TAIL_WORDS) {
    const parts = 2 + Math.floor(r() * 3);
    tail.add(Array.from({ length: parts }, () => SYLLABLES[Math.floor(r() * SYLLABLES.length)]).join(''));
  }
  return [...WORDS, ...[...tail].filter((w) => !WORDS.includes(w))];
}

/** Picks words with Zipf's law (the word of rank k is 1/k as frequent as the first). */
function zipf(words: readonly string[], r: () => number): () => string {
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= words.length; k++) cumulative.push((total += 1 / k));
  return () => {
    const x = r() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
}

/** mulberry32: a small seeded generator, so every run builds the same corpus. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CorpusInfo {
  sessions: number;
  messages: number;
  bytes: number;
}

export function uuidFrom(r: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
}

/** Builds (or reuses) the corpus home at `root`. */
export function ensureCorpus(root: string, sessions: number, log: (s: string) => void = () => {}): CorpusInfo {
  const marker = join(root, '.corpus.json');
  if (existsSync(marker)) {
    const info = JSON.parse(readFileSync(marker, 'utf8')) as CorpusInfo & { version: number };
    if (info.version === CORPUS_VERSION && info.sessions === sessions) return info;
  }
  rmSync(root, { recursive: true, force: true });
  const r = rng(20261121);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const word = zipf(vocabulary(), r);
  const sentence = (n: number): string => Array.from({ length: n }, word).join(' ');
  const workDirs = Array.from({ length: 200 }, (_, i) => `/home/bench/projects/${pick(WORDS)}-${i}`);
  const now = Date.now();
  const db = openKiroDb(join(root, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
  const insert = db.transaction((cs: Conversation[]) => cs.forEach((c) => insertKiroConversation(db, c)));
  const pendingRows: Conversation[] = [];
  let messages = 0;
  for (let i = 0; i < sessions; i++) {
    // Sessions from 5 to 60 turns; each turn is a prompt, a tool call, its output and an answer.
    const turnCount = 5 + Math.floor(r() * r() * 56) + Math.floor(r() * 10);
    const turns: Turn[] = Array.from({ length: turnCount }, () => ({
      prompt: `${sentence(8 + Math.floor(r() * 30))}?`,
      tools: [{ name: pick(TOOLS), args: { path: pick(FILES), command: sentence(4) }, output: sentence(90 + Math.floor(r() * 200)) }],
      answer: `${sentence(60 + Math.floor(r() * 120))}.`,
      ...(r() < 0.2 ? { thinking: sentence(30) } : {}),
    }));
    messages += turnCount * 4;
    const c: Conversation = {
      id: uuidFrom(r),
      workDir: pick(workDirs),
      startMs: now - Math.floor(r() * 365) * 86_400_000 - 3_600_000,
      turns,
      ...(r() < 0.3 ? { title: sentence(5) } : {}),
      noiseBytes: 400,
    };
    switch (i % 4) {
      case 0:
        writeKimiCodeSession(join(root, '.kimi-code'), { ...c, id: `session_${c.id}` });
        break;
      case 1:
        writeKimiCliSession(join(root, '.kimi'), c);
        break;
      case 2:
        pendingRows.push(c);
        if (pendingRows.length >= 200) insert(pendingRows.splice(0));
        break;
      default:
        writeKiroSessionFiles(join(root, '.kiro'), c);
    }
    if ((i + 1) % 1000 === 0) log(`  corpus: ${i + 1}/${sessions} sessions`);
  }
  insert(pendingRows.splice(0));
  db.close();
  const bytes = treeBytes(root);
  const info = { version: CORPUS_VERSION, sessions, messages, bytes };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}
