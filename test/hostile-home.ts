// Hostile files, written next to good sessions in a temp home: what real
// homes hold after crashes, bugs and curious users. Each case names the
// path that must be reported, so a test can check that it was.
import { appendFileSync, chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { kimiCodeWorkDirKey } from '../src/layouts/kimi-code/paths.js';

export interface HostileCase {
  name: string;
  /** A path (or part of one) the stderr report must name. */
  reported: string | null;
}

function write(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

const KEY = kimiCodeWorkDirKey('/work/hostile');

export function addHostileFiles(home: string, o: { big?: boolean } = {}): HostileCase[] {
  const kc = join(home, '.kimi-code', 'sessions', KEY);
  const cases: HostileCase[] = [];
  const session = (id: string, files: Record<string, string | Buffer>): string => {
    const dir = join(kc, id);
    for (const [rel, data] of Object.entries(files)) write(join(dir, rel), data);
    return dir;
  };
  const meta = '{"type":"metadata","protocol_version":"1.5","created_at":1767225600000}\n';
  const prompt = (text: string) => JSON.stringify({ type: 'context.append_message', message: { role: 'user', content: [{ type: 'text', text }] }, time: 1767225600000 }) + '\n';

  session('session_truncated', { 'state.json': '{"id":"session_truncated","version":2}', 'agents/main/wire.jsonl': meta + prompt('hello truncated') + '{"type":"context.append_mess' });
  cases.push({ name: 'a truncated last line', reported: null });
  session('session_badutf8', { 'state.json': '{"version":2}', 'agents/main/wire.jsonl': Buffer.concat([Buffer.from(meta + prompt('valid line')), Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d, 0x0a])]) });
  // Not reported: the bad bytes decode to U+FFFD inside a key, so the line is still a JSON object (of no known type) and the valid line before it is shown.
  cases.push({ name: 'invalid UTF-8', reported: null });
  if (o.big) {
    session('session_bigline', { 'state.json': '{"version":2}', 'agents/main/wire.jsonl': meta + prompt('x'.repeat(50 * 1024 * 1024)) });
    cases.push({ name: 'a 50 MB single line', reported: null });
  }
  session('session_binary', { 'state.json': '{"version":2}', 'agents/main/wire.jsonl': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) });
  cases.push({ name: 'binary garbage named wire.jsonl', reported: 'session_binary' });
  session('session_emptystate', { 'state.json': '', 'agents/main/wire.jsonl': meta + prompt('empty state') });
  cases.push({ name: 'an empty state.json', reported: 'session_emptystate' });
  session('session_wrongstate', { 'state.json': '[1,2,3]', 'agents/main/wire.jsonl': meta + prompt('wrong state') });
  session('session_wrongfields', { 'state.json': '{"title":5,"createdAt":"soon","agents":"none","archived":"yes"}', 'agents/main/wire.jsonl': meta + prompt('wrong fields') });
  cases.push({ name: 'a wrong-typed state.json', reported: 'session_wrongstate' });
  // Index lines pointing outside sessions/, with ids that climb out.
  appendFileSync(join(home, '.kimi-code', 'session_index.jsonl'), [
    JSON.stringify({ sessionId: '../../../etc', sessionDir: '/etc', workDir: '/etc' }),
    JSON.stringify({ sessionId: 'session_truncated', sessionDir: '/tmp/elsewhere/session_truncated', workDir: '/tmp/elsewhere' }),
    '{"sessionId": 42}',
    'not json at all',
  ].join('\n') + '\n');
  cases.push({ name: 'session_index.jsonl lines pointing outside sessions/', reported: null });
  // A folder whose name is not a valid id, links that go nowhere and in circles.
  mkdirSync(join(kc, 'bad id;rm -rf'), { recursive: true });
  cases.push({ name: 'an id with characters the agent never writes', reported: 'bad id;rm -rf' });
  symlinkSync(join(home, 'nowhere'), join(kc, 'session_dangling'));
  cases.push({ name: 'a dangling symlink', reported: 'session_dangling' });
  mkdirSync(join(home, 'loop'), { recursive: true });
  symlinkSync(join(home, 'loop', 'b'), join(home, 'loop', 'a'));
  symlinkSync(join(home, 'loop', 'a'), join(home, 'loop', 'b'));
  symlinkSync(join(home, 'loop', 'a'), join(kc, 'session_loop'));
  cases.push({ name: 'a symlink loop', reported: 'session_loop' });
  const locked = session('session_noread', { 'state.json': '{"version":2}', 'agents/main/wire.jsonl': meta + prompt('unreadable') });
  chmodSync(join(locked, 'agents', 'main'), 0o000);
  cases.push({ name: 'a folder without read permission', reported: null });
  // Kiro: a corrupt database and a file that is not SQLite at all, where the agent's other paths are.
  const good = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
  const corrupt = join(home, '.local', 'share', 'amazon-q', 'data.sqlite3');
  mkdirSync(dirname(corrupt), { recursive: true });
  const broken = readFileSync(good);
  for (let i = 100; i < broken.length; i += 97) broken[i] = 0xa5;
  writeFileSync(corrupt, broken);
  cases.push({ name: 'a corrupt SQLite file', reported: 'amazon-q' });
  write(join(home, 'Library', 'Application Support', 'kiro-cli', 'data.sqlite3'), 'this is not a database\n');
  cases.push({ name: 'a file that is not SQLite', reported: 'Application Support' });
  // Values that are not JSON and ids that climb out, in the good database.
  const db = new Database(good);
  db.prepare('INSERT INTO conversations_v2 (key, conversation_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('/work/hostile', 'not-json-row', '{"conversation_id": "not-json-row", "history": [', 1767225600000, 1767225600000);
  db.prepare('INSERT INTO conversations_v2 (key, conversation_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('/work/hostile', '../../../tmp/pwn', '{"conversation_id": "../../../tmp/pwn", "history": []}', 1767225600000, 1767225600000);
  db.close();
  cases.push({ name: 'a value that is not JSON', reported: 'not-json-row' });
  // Kiro files: garbage metadata, a log of another shape.
  const cli = join(home, '.kiro', 'sessions', 'cli');
  write(join(cli, 'garbage.json'), '\x00\x01\x02');
  write(join(cli, 'garbage.jsonl'), '{"version":"v1","kind":"Prompt","data":5}\n[]\n');
  cases.push({ name: 'Kiro session files that are garbage', reported: 'garbage' });
  // Codex: a rollout of binary garbage, one that is a dangling link, a file named like no rollout, a broken index.
  const day = join(home, '.codex', 'sessions', '2026', '01', '02');
  write(join(day, 'rollout-2026-01-02T03-04-05-0badc0de-0000-4000-8000-000000000001.jsonl'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  cases.push({ name: 'a Codex rollout of binary garbage', reported: '0badc0de-0000-4000-8000-000000000001' });
  mkdirSync(day, { recursive: true });
  symlinkSync(join(home, 'nowhere.jsonl'), join(day, 'rollout-2026-01-02T03-04-06-0badc0de-0000-4000-8000-000000000002.jsonl'));
  cases.push({ name: 'a Codex rollout that is a dangling link', reported: '0badc0de-0000-4000-8000-000000000002' });
  write(join(day, 'rollout-no-uuid-here.jsonl'), '{"type":"session_meta","payload":{}}\n');
  cases.push({ name: 'a Codex file named like no rollout (ignored, as Codex does)', reported: null });
  appendFileSync(join(home, '.codex', 'session_index.jsonl'), 'not json\n{"id":5,"thread_name":["x"]}\n');
  cases.push({ name: 'a Codex session_index.jsonl with lines that are not entries', reported: 'session_index.jsonl' });
  // Claude Code: a transcript of garbage, a dangling link, a subagent file of the older kind beside the sessions.
  const proj = join(home, '.claude', 'projects', '-work-hostile');
  write(join(proj, '0badc1a0-0000-4000-8000-000000000001.jsonl'), '\x00\x01\x02 not json\n{"type":"user","message":{"role":"user","content":[{"type":"text","text":5}]}}\n');
  cases.push({ name: 'a Claude Code transcript that is garbage', reported: '0badc1a0-0000-4000-8000-000000000001' });
  symlinkSync(join(home, 'nowhere-claude.jsonl'), join(proj, '0badc1a0-0000-4000-8000-000000000002.jsonl'));
  cases.push({ name: 'a Claude Code transcript that is a dangling link', reported: '0badc1a0-0000-4000-8000-000000000002' });
  write(join(proj, 'agent-0badc1a0.jsonl'), '{"type":"user","isSidechain":true,"message":{"role":"user","content":"sub"}}\n');
  cases.push({ name: 'an older Claude Code subagent file beside the sessions (not a session)', reported: null });
  return cases;
}
