// Writing an export, the same from the CLI and the manager: the format is
// the one asked for, else the file name's extension, else Markdown.
import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { EXPORT_FORMATS, type ExportFormat } from '../actions/export.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export function exportFormatFor(path: string | undefined, asked: string | undefined): ExportFormat {
  if (asked !== undefined) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(asked)) throw new UserError(`--format takes ${EXPORT_FORMATS.join(', ')}; got '${asked}'`, 'bad-input');
    return asked as ExportFormat;
  }
  const ext = path === undefined || path === '-' ? '' : extname(path).slice(1).toLowerCase();
  return (EXPORT_FORMATS as readonly string[]).includes(ext) ? (ext as ExportFormat) : 'md';
}

/** The file a person typed: `~` is their home (a shell expands it, a dialog or `--output=~/x` does not), the rest is from `cwd`. */
export function typedPath(typed: string, cwd: string, home: string): string {
  const t = typed.trim();
  if (t === '~') return home;
  if (t.startsWith('~/')) return join(home, t.slice(2));
  return resolve(cwd, t);
}

/** Those of `paths` that exist already: an export there would replace a person's file. */
export function taken(paths: readonly string[]): string[] {
  return paths.filter((p) => existsSync(p));
}

/** Refuses to replace a file that exists, unless told to (`--force`; the manager asks instead). */
export function assertFree(paths: readonly string[], force: boolean): void {
  const there = force ? [] : taken(paths);
  if (there.length === 0) return;
  const more = there.length > 1 ? ` and ${there.length - 1} more` : '';
  throw new UserError(`${there[0]}${more} exists already; nothing written (--force replaces it)`, 'failed');
}

/** A person's own file: their umask decides who may read it, and missing folders are made. */
export function writeExportFile(path: string, data: Buffer): void {
  writeFileAtomic(path, data, { mode: 0o666, mkdirMode: 0o777 });
}
