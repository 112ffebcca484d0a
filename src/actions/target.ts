// What every action works on and with: the session found by the catalog,
// and the homes, the clock and the manager's own notes.
import { UserError } from '../errors.js';
import { sessionKey, type Session, type Transcript } from '../model.js';
import { Annotations } from '../sources/annotations.js';
import { recordOwnWrites } from '../catalog/in-use.js';
import type { Homes } from '../sources/homes.js';
import type { SessionRef, Source } from '../sources/source.js';

export interface ActionTarget {
  ref: SessionRef;
  source: Source;
  /** The session with its transcript, as the reader gives it. */
  transcript: Transcript;
}

export class ActionEnv {
  private notes: Annotations | null = null;

  constructor(
    readonly homes: Homes,
    readonly now: () => number = Date.now,
  ) {}

  get annotations(): Annotations {
    return (this.notes ??= Annotations.load(this.homes.data));
  }

  /** These sessions were just written by us: a write of ours never makes a session "in use". */
  wrote(source: string, ids: readonly string[]): void {
    recordOwnWrites(this.homes.data, ids.map((id) => sessionKey({ source, id })), this.now());
  }
}

export function sessionOf(t: ActionTarget): Session {
  return t.transcript.session;
}

/**
 * The agent may be writing a session that is in use: rewriting or moving it
 * then could lose what the agent writes next. `--force` is the way past.
 */
export function assertNotInUse(t: ActionTarget, force: boolean, verb: string): void {
  const s = sessionOf(t);
  if (!s.inUse || force) return;
  const why = s.inUseReason ?? (t.ref.locked ? 'its agent has it locked' : 'its agent may be writing it');
  throw new UserError(`${s.source}:${s.id} is in use (${why}); not ${verb} it (--force to do it anyway)`, 'failed');
}
