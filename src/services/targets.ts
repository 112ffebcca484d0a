// A session an action works on, found the same way from the CLI and the
// manager: by id, unique prefix or `source:id`. Deleting needs only where it
// is and what to call it (a summary read); the others read the transcript.
import type { ActionTarget } from '../actions/target.js';
import type { Catalog } from '../catalog/catalog.js';

export function targetOf(catalog: Catalog, id: string, depth: 'summary' | 'transcript' = 'transcript'): ActionTarget {
  const found = catalog.resolve(id);
  return { ...found, transcript: catalog.read(found, depth) };
}
