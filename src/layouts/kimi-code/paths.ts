// Where Kimi Code keeps things: the folder of a work dir, and a session's
// state and main wire (FORMATS.md §1 and §5).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MAX_SLUG = 40;

/**
 * `wd_<slug>_<first 12 hex of sha256(normalized path)>`, as the v2 engine's
 * encodeWorkDirKey (packages/agent-core-v2/src/_base/utils/workdir-slug.ts)
 * makes it: a basename of `.` or `..` gives `workspace`, and `-` is trimmed
 * again after the 40-character cut.
 */
export function kimiCodeWorkDirKey(workDir: string): string {
  const normalized = workDir.replace(/\\/g, '/').replace(/\/+$/, '');
  const base = normalized.split('/').pop() ?? normalized;
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/^-+|-+$/g, '');
  const name = slug === '' || slug === '.' || slug === '..' ? 'workspace' : slug;
  return `wd_${name}_${createHash('sha256').update(normalized).digest('hex').slice(0, 12)}`;
}

/**
 * A session's state.json. The agent reads `<session>/state.json` first, then
 * the older `<session>/session-meta/state.json`
 * (agent-core-v2 app/sessionIndex/sessionIndexSource.ts readSessionSummary);
 * a write goes to the one it reads.
 */
export function kimiCodeStatePath(sessionDir: string): string {
  const root = join(sessionDir, 'state.json');
  if (existsSync(root)) return root;
  const meta = join(sessionDir, 'session-meta', 'state.json');
  return existsSync(meta) ? meta : root;
}

/** The main agent's wire: agents/main/wire.jsonl, or a wire.jsonl at the session root (kap-server search/indexCore.ts reads both). */
export function kimiCodeMainWire(sessionDir: string): string {
  const main = join(sessionDir, 'agents', 'main', 'wire.jsonl');
  if (existsSync(main)) return main;
  const root = join(sessionDir, 'wire.jsonl');
  return existsSync(root) ? root : main;
}

/**
 * A user message a person put in: no origin or `user`, a skill or plugin
 * command they typed (`trigger: "user-slash"`), or the input of a shell
 * command (`phase: "input"`). Everything else (`injection`, reminders,
 * system triggers) the agent added itself. The agent counts turns this way
 * when it forks (sessionLifecycleService sliceMainRecordsAtTurn); the reader
 * counts them the same.
 */
export function isPersonOrigin(origin: unknown): boolean {
  if (origin === undefined || origin === null) return true;
  if (typeof origin !== 'object' || Array.isArray(origin)) return false;
  const o = origin as Record<string, unknown>;
  const kind = o['kind'];
  return (
    kind === undefined ||
    kind === 'user' ||
    ((kind === 'skill_activation' || kind === 'plugin_command') && o['trigger'] === 'user-slash') ||
    (kind === 'shell_command' && o['phase'] === 'input')
  );
}
