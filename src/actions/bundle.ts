// A session's own files, as export writes them and import reads them back:
// the files of its folder (or what its layout gives instead) with where they belong.
// ZIP and JSON exports are two ways of writing one bundle.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, posix, relative, sep } from 'node:path';
import type { Session, SourceKind } from '../model.js';
import { layoutOf } from '../layouts/registry.js';
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

export function bundleOf(t: ActionTarget, env: ActionEnv): Bundle {
  const s: Session = t.transcript.session;
  const layout = layoutOf(s.source);
  let files = layout.transfer.files?.(t, env) ?? null;
  if (!files) {
    files = [];
    for (const p of layout.writer.trashPlan(t, env).paths) {
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isFile()) files.push({ path: basename(p), data: readFileSync(p) });
      else if (st.isDirectory()) collect(p, p, files);
    }
  }
  const keep = layout.transfer.keep;
  return { source: s.source, id: s.id, title: s.title, workDir: s.workDir, files: keep ? files.filter((f) => keep(f.path)) : files };
}

function collect(root: string, dir: string, out: BundleFile[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) collect(root, p, out);
    else if (e.isFile()) out.push({ path: relative(root, p).split(sep).join('/'), data: readFileSync(p) });
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
