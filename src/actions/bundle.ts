// A session's own files, as export writes them and import reads them back:
// the files of its folder (or its row's JSON) with where they belong.
// ZIP and JSON exports are two ways of writing one bundle.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, posix, relative, sep } from 'node:path';
import type { Session, SourceKind } from '../model.js';
import { getRow, withKiroDb } from '../layouts/kiro-sqlite/db.js';
import { writerFor } from '../layouts/registry.js';
import type { ActionEnv, ActionTarget } from './target.js';

export interface BundleFile {
  /** Relative, `/`-separated, checked by safeRelPath on the way in. */
  path: string;
  data: Buffer;
}

export interface Bundle {
  source: SourceKind;
  id: string;
  title: string;
  workDir: string | null;
  files: BundleFile[];
}

/** A Kiro row travels as the ConversationState JSON, pretty-printed as `/chat save` writes it. */
export const KIRO_CONVERSATION_FILE = 'conversation.json';

export function bundleOf(t: ActionTarget, env: ActionEnv): Bundle {
  const s: Session = t.transcript.session;
  const plan = writerFor(s.source).trashPlan(t, env);
  const files: BundleFile[] = [];
  if (plan.row) {
    const row = plan.row;
    const found = withKiroDb(row.db, (db) => getRow(db, row.table, row.key, row.conversationId));
    if (!found) throw new Error(`${s.id}: the row is gone`);
    files.push({ path: KIRO_CONVERSATION_FILE, data: Buffer.from(chatSaveText(found.value)) });
  } else if (s.source === 'kimi-cli' && t.ref.hint['flat']) {
    // The oldest one-file form is its context; it comes back as a folder session.
    files.push({ path: 'context.jsonl', data: readFileSync(t.ref.path) });
  } else {
    for (const p of plan.paths) {
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isFile()) files.push({ path: basename(p), data: readFileSync(p) });
      else if (st.isDirectory()) collect(p, p, files);
    }
  }
  // `kimi export` leaves out the agents' file-history snapshots (copies of the user's files, not the conversation).
  const kept = s.source === 'kimi-code' ? files.filter((f) => !f.path.split('/').includes('file-history')) : files;
  return { source: s.source, id: s.id, title: s.title, workDir: s.workDir, files: kept };
}

function collect(root: string, dir: string, out: BundleFile[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) collect(root, p, out);
    else if (e.isFile()) out.push({ path: relative(root, p).split(sep).join('/'), data: readFileSync(p) });
  }
}

/** What `/chat save` writes: the ConversationState, pretty-printed (serde_json's two spaces). */
export function chatSaveText(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/**
 * A path from an archive or a JSON export, made safe: relative, no `..`, no
 * drive letters or backslashes, nothing empty. Returns null for anything else.
 */
export function safeRelPath(path: string): string | null {
  if (path.includes('\0') || path.includes('\\') || /^[A-Za-z]:/.test(path)) return null;
  const norm = posix.normalize(path);
  // One test covers the rest: '' and 'a/..' normalize to '.'; '/x' starts with
  // an empty part, 'x/' ends with one (a folder, not a file); a `..` left after
  // normalizing climbs out.
  if (norm === '.' || norm.split('/').some((part) => part === '..' || part === '')) return null;
  return norm;
}
