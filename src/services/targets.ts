// A session an action works on, found the same way from the CLI and the
// manager: by id, unique prefix or `source:id`. Deleting needs only where it
// is and what to call it (a summary read); the others read the transcript.
import type { ActionTarget } from '../actions/target.js';
import type { Catalog } from '../catalog/catalog.js';
import { layoutOf } from '../layouts/registry.js';
import { sessionKey, type Session } from '../model.js';

export function targetOf(catalog: Catalog, id: string, depth: 'summary' | 'transcript' = 'transcript'): ActionTarget {
  const found = catalog.resolve(id);
  return { ...found, transcript: catalog.read(found, depth) };
}

/**
 * The session's twin, where one exists: a Kimi CLI session and the Kimi Code
 * copy `kimi migrate` made of it (`sameAs`, either way round). Rename,
 * delete and compact of one leave the other as it was unless asked: `kimi -S`
 * shows the copy, so a rename of the original alone does not show there.
 */
export function twinOf(catalog: Catalog, s: Session, depth: 'summary' | 'transcript' = 'transcript'): ActionTarget | null {
  if (!s.sameAs) return null;
  try {
    return targetOf(catalog, sessionKey(s.sameAs), depth);
  } catch {
    // The link names a session that is gone (deleted, or never migrated whole): no twin to act on.
    return null;
  }
}

/** "its Kimi Code copy kimi-code:ses_… (made by kimi migrate)", or "its Kimi CLI original …". */
export function twinWords(twin: Session): string {
  const copy = twin.source === 'kimi-code';
  return `its ${layoutOf(twin.source).label} ${copy ? 'copy' : 'original'} ${sessionKey(twin)} (${copy ? 'made by' : 'brought over by'} kimi migrate)`;
}
