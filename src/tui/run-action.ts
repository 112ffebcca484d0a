// A dialog's action, through the same action layer as the CLI: loaded by
// the manager with its first action, so none of it (adm-zip, the writers'
// helpers) is read before the first frame.
import { compactSession } from '../actions/compact.js';
import { exportSession } from '../actions/export.js';
import { forkSession, parseTurn } from '../actions/fork.js';
import { removeSessions } from '../actions/remove.js';
import { renameSession } from '../actions/rename.js';
import type { ActionEnv, ActionTarget } from '../actions/target.js';
import type { Catalog } from '../catalog/catalog.js';
import { formatSize } from '../format/session-table.js';
import { sessionKey, type Session } from '../model.js';
import { exportFormatFor, taken, typedPath, writeExportFile } from '../services/export-file.js';
import { targetOf } from '../services/targets.js';
import type { Msg } from './reducer.js';
import type { Dialog } from './state.js';

export interface RunContext {
  env: ActionEnv;
  catalog: Catalog;
  cwd: string;
  /** The person's home, for `~` in a typed file name. */
  home: string;
}

function target(o: RunContext, s: Session, depth: 'summary' | 'transcript' = 'transcript'): ActionTarget {
  return targetOf(o.catalog, sessionKey(s), depth);
}

export function runDialog(d: Dialog, o: RunContext): Msg {
  const first = d.targets[0]!;
  switch (d.kind) {
    case 'rename': {
      const title = d.input.trim() === '' ? null : d.input;
      const r = renameSession(o.env, target(o, first), title, { force: d.force });
      if (d.both && d.twin) renameSession(o.env, target(o, d.twin), title, { force: d.force });
      const also = d.both && d.twin ? ' (its twin too)' : '';
      return { type: 'action-done', message: r.to === null ? `back to the default title${also}` : `renamed to "${r.to}"${also}` };
    }
    case 'fork': {
      const turn = d.input.trim();
      const r = forkSession(o.env, target(o, first), turn === '' ? {} : { atTurn: parseTurn(turn, 'the turn') });
      return { type: 'action-done', message: `forked as ${r.id}${r.atTurn ? ` (turns 1–${r.atTurn})` : ''}` };
    }
    case 'clean':
    case 'delete': {
      // Where each session is and what to call it is all a delete needs: no transcript is read.
      const all = d.both && d.twin ? [...d.targets, d.twin] : d.targets;
      const r = removeSessions(o.env, all.map((s) => target(o, s, 'summary')), { reason: d.kind === 'clean' ? 'clean' : 'rm', force: d.force });
      return { type: 'action-done', message: `${r.sessions.length} moved to the trash (${formatSize(r.bytes)}); u undoes`, trashId: r.trashId };
    }
    case 'compact': {
      const r = compactSession(o.env, target(o, first), { cwd: o.cwd, force: d.force });
      if (d.both && d.twin) compactSession(o.env, target(o, d.twin), { cwd: o.cwd, force: d.force });
      return { type: 'action-done', message: `compacted: ${formatSize(r.bytesBefore)} before, ${formatSize(r.bytesAfter)} after; the original is in the trash as ${r.backup}` };
    }
    case 'resume':
      // Never run as an action: the reducer leaves the manager for it.
      return { type: 'action-failed', message: 'nothing to run' };
    case 'export': {
      const path = typedPath(d.input, o.cwd, o.home);
      if (!d.force && taken([path]).length > 0) return { type: 'ask-replace', path };
      const data = exportSession(target(o, first), exportFormatFor(path, undefined), o.env);
      writeExportFile(path, data);
      return { type: 'action-done', message: `exported ${formatSize(data.length)} to ${path}` };
    }
  }
}
