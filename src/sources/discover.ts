// All layouts together. Adding a layout is one more line in createSources.
import type { Session } from '../model.js';
import { AnnotatedSource } from './annotations.js';
import type { Homes } from './homes.js';
import { KimiCliSource } from '../layouts/kimi-cli/read.js';
import { KimiCodeSource } from '../layouts/kimi-code/read.js';
import { KiroFilesSource } from '../layouts/kiro-files/read.js';
import { KiroSqliteSource } from '../layouts/kiro-sqlite/read.js';
import type { SessionRef, Source } from './source.js';

export function createSources(homes: Homes): Source[] {
  return [
    // Kimi Code has its own fields for titles and forks; the others get the manager's notes.
    new KimiCodeSource(homes.kimiCode),
    new AnnotatedSource(new KimiCliSource(homes.kimiCli), homes.data),
    new AnnotatedSource(new KiroSqliteSource(homes.kiroDbs), homes.data),
    new AnnotatedSource(new KiroFilesSource(homes.kiroHome), homes.data),
  ];
}

/**
 * Kimi Code imports a Kimi CLI session as `ses_<uuid>` and keeps both. The
 * import records its original (read into `sameAs`); the original learns of
 * its import here, from the scanned Kimi Code ids.
 */
export function linkSameConversations(sessions: Session[], refs: readonly SessionRef[]): void {
  const kimiCodeIds = new Set(refs.filter((r) => r.source === 'kimi-code').map((r) => r.id));
  for (const s of sessions) {
    if (s.source === 'kimi-cli' && kimiCodeIds.has(`ses_${s.id}`)) s.sameAs = { source: 'kimi-code', id: `ses_${s.id}` };
  }
}
