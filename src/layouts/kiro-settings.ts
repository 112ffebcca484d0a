// Kiro CLI's own retention, which both Kiro layouts answer to: with
// `cleanup.periodDays` set, every `kiro-cli chat` start deletes database rows
// and session files older than that many days (0: all of them; a negative
// value: none). crates/chat-cli/src/cleanup.rs; the setting is read from
// ~/.kiro/settings/cli.json, and from <cwd>/.kiro/settings/cli.json for an
// agent started in <cwd> (util/paths.rs, database/settings.rs).
import { join } from 'node:path';
import { readJsonObject } from '../util/fsx.js';

export const CLEANUP_KEY = 'cleanup.periodDays';

export interface KiroRetention {
  days: number;
  /** The settings file that sets it. */
  file: string;
  /** Epoch ms: what was last written before this goes at the next start. */
  cutoffMs: number;
}

/** The period the agent would apply if started in `cwd` (the workspace file wins over the global one), or null. */
export function kiroRetention(home: string, cwd: string | null, now: number): KiroRetention | null {
  const files = [join(home, '.kiro', 'settings', 'cli.json'), ...(cwd ? [join(cwd, '.kiro', 'settings', 'cli.json')] : [])];
  let found: { days: number; file: string } | null = null;
  for (const file of files) {
    const read = readJsonObject(file);
    const days = read.ok ? read.value[CLEANUP_KEY] : undefined;
    if (typeof days === 'number' && Number.isInteger(days)) found = { days, file };
  }
  if (!found || found.days < 0) return null;
  return { ...found, cutoffMs: now - found.days * 86_400_000 };
}

/** The words a session the agent will delete is marked with. */
export function retentionNote(r: KiroRetention): string {
  return `Kiro deletes sessions older than ${r.days} day${r.days === 1 ? '' : 's'} at its next start (${CLEANUP_KEY} in ${r.file})`;
}
