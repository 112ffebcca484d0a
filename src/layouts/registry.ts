// The writer of each layout.
import type { SourceKind } from '../model.js';
import { kimiCliWriter } from './kimi-cli/write.js';
import { kimiCodeWriter } from './kimi-code/write.js';
import { kiroFilesWriter } from './kiro-files/write.js';
import { kiroSqliteWriter } from './kiro-sqlite/write.js';
import type { LayoutWriter } from './write-kit.js';

const WRITERS: Record<SourceKind, LayoutWriter> = {
  'kimi-code': kimiCodeWriter,
  'kimi-cli': kimiCliWriter,
  'kiro-sqlite': kiroSqliteWriter,
  'kiro-files': kiroFilesWriter,
};

export function writerFor(kind: SourceKind): LayoutWriter {
  return WRITERS[kind];
}
