// All layouts together: one reader per layout in the registry.
import type { Session } from '../model.js';
import { LAYOUTS } from '../layouts/registry.js';
import type { Homes } from './homes.js';
import type { SessionRef, Source } from './source.js';

export function createSources(homes: Homes): Source[] {
  return LAYOUTS.map((l) => l.source(homes.roots[l.kind], homes.data));
}

/** Each layout that knows of a copy of its sessions in another layout links them (`sameAs`). */
export function linkSameConversations(sessions: Session[], refs: readonly SessionRef[]): void {
  for (const l of LAYOUTS) l.linkTwins?.(sessions, refs);
}
