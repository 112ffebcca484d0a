// Rewriting a JSON file the agent owns: every field we do not know is kept,
// and the file keeps its indentation style.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isRecord } from '../util/text.js';

export interface JsonDoc {
  value: Record<string, unknown>;
  indent: number;
}

/** Reads a JSON object; throws a one-line error for anything else (never rewrite what we cannot read). */
export function readJsonDoc(path: string, label: string): JsonDoc {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${label}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${label} is not valid JSON; not rewriting it`);
  }
  if (!isRecord(value)) throw new Error(`${label} is not a JSON object; not rewriting it`);
  const m = /^\{\s*\n( +)"/.exec(text);
  return { value, indent: m ? m[1]!.length : 0 };
}

export function writeJsonDoc(path: string, doc: JsonDoc): void {
  writeFileAtomic(path, JSON.stringify(doc.value, null, doc.indent || undefined) + (doc.indent ? '\n' : ''));
}
