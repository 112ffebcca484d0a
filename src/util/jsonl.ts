// Streaming JSONL reading. Session logs reach hundreds of megabytes and a
// single line can be 50 MB, so files are read in fixed chunks and lines are
// handed out as byte ranges: a caller can look at a line's record type and
// skip it without decoding it (most bytes of a Kimi Code wire are tool
// snapshots and system prompts nobody needs for a transcript).
import { closeSync, openSync, readSync } from 'node:fs';
import { writeAtomicWith } from './atomic-write.js';
import { errorText, isRecord } from './text.js';

const CHUNK = 1 << 20;
const NEWLINE = 10;
const CR = 13;

export interface LineInfo {
  /** 0-based index among non-empty lines. */
  index: number;
  /** True for a last line without a trailing newline (a writer may still be on it). */
  last: boolean;
  /** Where the line starts in the file, in bytes (a reader resumes there). */
  offset: number;
}

/** Returning false stops the reading (a caller that has what it needs). */
export type LineHandler = (buf: Buffer, start: number, end: number, info: LineInfo) => boolean | void;

/**
 * Calls `onLine` for every non-empty line of the file, from byte `from` on
 * (the start of a line: where an earlier read left off); returns the bytes read.
 */
export function forEachLine(path: string, onLine: LineHandler, from = 0): number {
  const fd = openSync(path, 'r');
  try {
    return forEachLineFd(fd, onLine, from);
  } finally {
    closeSync(fd);
  }
}

function forEachLineFd(fd: number, onLine: LineHandler, from: number): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  let pending: Buffer[] = [];
  /** File offset of the first pending byte, and of buf[0]. */
  let pendingAt = from;
  let pos = from;
  let total = 0;
  let index = 0;
  let stopped = false;
  const emit = (b: Buffer, start: number, end: number, last: boolean, offset: number): void => {
    if (end > start && b[end - 1] === CR) end--;
    if (end <= start) return;
    if (onLine(b, start, end, { index: index++, last, offset }) === false) stopped = true;
  };
  for (;;) {
    if (stopped) return total;
    const n = readSync(fd, buf, 0, CHUNK, pos);
    if (n === 0) break;
    total += n;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NEWLINE, start);
      if (nl === -1 || nl >= n || stopped) break;
      if (pending.length > 0) {
        pending.push(buf.subarray(start, nl));
        const joined = Buffer.concat(pending);
        pending = [];
        emit(joined, 0, joined.length, false, pendingAt);
      } else {
        emit(buf, start, nl, false, pos + start);
      }
      start = nl + 1;
    }
    // Keep the unfinished tail; it is copied because `buf` is reused.
    if (start < n) {
      if (pending.length === 0) pendingAt = pos + start;
      pending.push(Buffer.from(buf.subarray(start, n)));
    }
    pos += n;
  }
  if (pending.length > 0 && !stopped) {
    const joined = Buffer.concat(pending);
    emit(joined, 0, joined.length, true, pendingAt);
  }
  return total;
}

const TYPE_PREFIX = Buffer.from('{"type":"');
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * The record type of a compact JSON line that starts with `{"type":"…"`, read
 * from the raw bytes; null when the line has another shape.
 */
export function sniffType(buf: Buffer, start: number, end: number): string | null {
  const p = TYPE_PREFIX.length;
  if (end - start <= p) return null;
  // A byte loop: for nine bytes it beats a native Buffer.compare call per line.
  for (let i = 0; i < p; i++) if (buf[start + i] !== TYPE_PREFIX[i]) return null;
  const from = start + p;
  const limit = Math.min(end, from + 80);
  for (let i = from; i < limit; i++) {
    const c = buf[i];
    if (c === BACKSLASH) return null;
    if (c === QUOTE) return buf.toString('latin1', from, i);
  }
  return null;
}

const TAIL_KEY = '"type":"';

/**
 * The type named near the end of a line, for records that put `type` last
 * (Kimi Code's `agent.message.appended` events). Only used to skip lines, so a
 * wrong guess costs a parse, never a message.
 */
export function sniffTailType(buf: Buffer, start: number, end: number): string | null {
  const tail = buf.toString('latin1', Math.max(start, end - 160), end);
  const at = tail.lastIndexOf(TAIL_KEY);
  if (at === -1) return null;
  const from = at + TAIL_KEY.length;
  const close = tail.indexOf('"', from);
  return close === -1 ? null : tail.slice(from, close);
}

/** Decodes and parses one line; returns undefined for a line that is not JSON. */
export function parseLine(buf: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(buf.toString('utf8', start, end));
  } catch {
    return undefined;
  }
}

/**
 * Counts lines that did not parse, telling a torn last line (an agent still
 * writing, or killed mid-write) apart from damage in the middle.
 */
export class LineProblems {
  private bad = 0;
  private tornLast = false;

  note(info: LineInfo): void {
    if (info.last) this.tornLast = true;
    else this.bad++;
  }

  describe(file: string): string[] {
    const out: string[] = [];
    if (this.bad > 0) out.push(`${file}: ${this.bad} line${this.bad === 1 ? '' : 's'} not valid JSON (skipped)`);
    if (this.tornLast) out.push(`${file}: last line is incomplete (skipped)`);
    return out;
  }
}

export interface RecordOptions {
  /** Looks at a line's raw bytes; true skips it unparsed (bookkeeping nobody shows). */
  skip?: (buf: Buffer, start: number, end: number) => boolean;
  /** Byte offset to start at (the start of a line). */
  from?: number;
}

/**
 * Calls `onRecord` for every line that is a JSON object. Returns what was
 * wrong, labelled for the user: lines that are not JSON, a torn last line,
 * a file that could not be read. Never throws for bad content.
 */
export function forEachRecord(
  path: string,
  label: string,
  /** Returning false stops the reading. */
  onRecord: (rec: Record<string, unknown>, info: LineInfo) => boolean | void,
  options: RecordOptions = {},
): string[] {
  const lines = new LineProblems();
  const problems: string[] = [];
  try {
    forEachLine(path, (buf, start, end, info) => {
      if (options.skip?.(buf, start, end)) return;
      const rec = parseLine(buf, start, end);
      if (isRecord(rec)) return onRecord(rec, info);
      lines.note(info);
      return true;
    }, options.from ?? 0);
  } catch (error) {
    problems.push(`${label}: ${errorText(error)}`);
  }
  return [...problems, ...lines.describe(label)];
}

/**
 * Writes a log anew through a temp file (atomically), streaming its bytes so
 * that a 100 MB wire is never held in memory: `first` before it, the log as
 * it is, then `added`, one line each (a torn last line is ended first).
 */
export function rewriteLog(path: string, o: { first?: string; added: readonly string[]; mode?: number }): void {
  writeAtomicWith(
    path,
    (write) => {
      if (o.first !== undefined) write(o.first + '\n');
      let last = NEWLINE;
      const fd = openSync(path, 'r');
      try {
        const buf = Buffer.allocUnsafe(CHUNK);
        for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) {
          write(buf.subarray(0, n));
          last = buf[n - 1]!;
        }
      } finally {
        closeSync(fd);
      }
      if (last !== NEWLINE) write('\n');
      for (const line of o.added) write(line + '\n');
    },
    o.mode !== undefined ? { mode: o.mode } : {},
  );
}

/** The type of a log's first record (null: none, or not a JSON object with a type). */
export function firstRecordType(path: string): string | null {
  let type: string | null = null;
  forEachLine(path, (buf, start, end) => {
    const rec = parseLine(buf, start, end);
    type = isRecord(rec) && typeof rec['type'] === 'string' ? rec['type'] : null;
    return false;
  });
  return type;
}

/** The type of the first record of a log, and how many records it holds of each of `types`, without keeping any. */
export function surveyLog(path: string, types: ReadonlySet<string>): { firstType: string | null; lines: number; counted: number } {
  let firstType: string | null | undefined;
  let lines = 0;
  let counted = 0;
  forEachLine(path, (buf, start, end) => {
    lines++;
    // Most lines name their type first; the others are parsed.
    let type = sniffType(buf, start, end);
    if (type === null) {
      const rec = parseLine(buf, start, end);
      type = isRecord(rec) && typeof rec['type'] === 'string' ? rec['type'] : null;
    }
    if (firstType === undefined) firstType = type;
    if (type !== null && types.has(type)) counted++;
  });
  return { firstType: firstType ?? null, lines, counted };
}

/** A JSONL line as written, with its record (null when it is not a JSON object). */
export interface RawRecord {
  raw: string;
  rec: Record<string, unknown> | null;
}

/** Every non-empty line of a file, kept as written so that rewriting a log changes only what is meant to change. */
export function readRawRecords(path: string): RawRecord[] {
  const out: RawRecord[] = [];
  forEachLine(path, (buf, start, end) => {
    const raw = buf.toString('utf8', start, end);
    let rec: Record<string, unknown> | null = null;
    try {
      const v: unknown = JSON.parse(raw);
      if (isRecord(v)) rec = v;
    } catch {
      // kept as a raw line
    }
    out.push({ raw, rec });
  });
  return out;
}

export function joinLines(records: readonly RawRecord[]): string {
  return records.map((r) => r.raw + '\n').join('');
}
