// The writer of each layout.
import type { SourceKind } from '../../model.js';
import { kimiCliWriter } from './kimi-cli.js';
import { kimiCodeWriter } from './kimi-code.js';
import { kiroFilesWriter } from './kiro-files.js';
import { kiroSqliteWriter } from './kiro-sqlite.js';
import type { LayoutWriter } from './layout.js';

const WRITERS: Record<SourceKind, LayoutWriter> = {
  'kimi-code': kimiCodeWriter,
  'kimi-cli': kimiCliWriter,
  'kiro-sqlite': kiroSqliteWriter,
  'kiro-files': kiroFilesWriter,
};

export function writerFor(kind: SourceKind): LayoutWriter {
  return WRITERS[kind];
}
