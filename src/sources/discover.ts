// All layouts together. Adding a layout is one more line in createSources.
import type { Session } from '../model.js';
import type { Homes } from './homes.js';
import { KimiCliSource } from './kimi-cli.js';
import { KimiCodeSource } from './kimi-code.js';
import { KiroFilesSource } from './kiro-files.js';
import { KiroSqliteSource } from './kiro-sqlite.js';
import type { Source } from './source.js';

export function createSources(homes: Homes): Source[] {
  return [
    new KimiCodeSource(homes.kimiCode),
    new KimiCliSource(homes.kimiCli),
    new KiroSqliteSource(homes.kiroDbs),
    new KiroFilesSource(homes.kiroHome),
  ];
}

/**
 * Kimi Code imports Kimi CLI sessions as `ses_<uuid>` and records the
 * original id; both stay on disk. Link each pair both ways so either side
 * shows the other.
 */
export function linkSameConversations(sessions: Session[]): void {
  const cli = new Map<string, Session>();
  for (const s of sessions) if (s.source === 'kimi-cli') cli.set(s.id, s);
  for (const s of sessions) {
    if (s.source !== 'kimi-code' || s.sameAs?.source !== 'kimi-cli') continue;
    const original = cli.get(s.sameAs.id);
    if (original) original.sameAs = { source: 'kimi-code', id: s.id };
  }
}
