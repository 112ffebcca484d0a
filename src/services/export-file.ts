// Writing an export, the same from the CLI and the manager: the format is
// the one asked for, else the file name's extension, else Markdown.
import { extname } from 'node:path';
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

/** A person's own file: their umask decides who may read it, and missing folders are made. */
export function writeExportFile(path: string, data: Buffer): void {
  writeFileAtomic(path, data, { mode: 0o666, mkdirMode: 0o777 });
}
