// One huge Kimi Code session (about 100 MB, 64,000 messages: what weeks in
// one session make), added beside a bench home for the huge-session rows. A
// needle phrase sits in one message near two thirds of the way through, so a
// search for it has one right message to land on.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Turn, writeKimiCodeSession } from '../fixtures/layouts.js';
import { rng, vocabulary } from './corpus.js';

const HUGE_VERSION = 1;
export const HUGE_ID = 'session_huge0000-0000-4000-8000-000000000000';
export const HUGE_NEEDLE = 'quokka marmalade sextant';
/** The turn whose answer holds the needle (four messages a turn: prompt, call, output, answer). */
export const HUGE_NEEDLE_TURN = 10_700;
const TURNS = 16_000;

export interface HugeInfo {
  id: string;
  bytes: number;
  messages: number;
  wire: string;
}

/** Writes the huge session into `home`'s ~/.kimi-code unless the same version is there already. */
export function ensureHugeSession(home: string): HugeInfo {
  const marker = join(home, '.huge.json');
  if (existsSync(marker)) {
    const info = JSON.parse(readFileSync(marker, 'utf8')) as HugeInfo & { version: number };
    if (info.version === HUGE_VERSION && existsSync(info.wire)) return info;
  }
  const r = rng(64_000);
  const words = vocabulary().slice(0, 3000);
  const sentence = (n: number): string => Array.from({ length: n }, () => words[Math.floor(r() * words.length)]!).join(' ');
  const turns: Turn[] = Array.from({ length: TURNS }, (_, i) => ({
    prompt: `${sentence(12 + Math.floor(r() * 20))}?`,
    tools: [{ name: 'Bash', args: { command: sentence(4) }, output: sentence(60 + Math.floor(r() * 80)) }],
    answer: i === HUGE_NEEDLE_TURN ? `${sentence(20)} ${HUGE_NEEDLE} ${sentence(20)}.` : `${sentence(50 + Math.floor(r() * 80))}.`,
  }));
  const startMs = Date.now() - TURNS * 60_000 - 3_600_000;
  const dir = writeKimiCodeSession(join(home, '.kimi-code'), { id: HUGE_ID, workDir: '/home/bench/projects/huge', startMs, turns, title: 'weeks of work in one session', noiseBytes: 0 });
  const wire = join(dir, 'agents', 'main', 'wire.jsonl');
  const info = { version: HUGE_VERSION, id: HUGE_ID, bytes: readFileSync(wire).length, messages: TURNS * 4, wire };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}

// Run directly: `tsx bench/huge.ts <home>` adds it to that home.
if (process.argv[1]?.endsWith('huge.ts') && process.argv[2]) console.log(ensureHugeSession(process.argv[2]));
