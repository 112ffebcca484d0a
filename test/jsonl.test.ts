import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from './harness.js';
import { firstRecordType, forEachLine, LineProblems, parseLine, rewriteLog, sniffTailType, sniffType, surveyLog } from '../src/util/jsonl.js';
import { tempDir } from './helpers.js';

function lines(path: string): Array<{ text: string; last: boolean }> {
  const out: Array<{ text: string; last: boolean }> = [];
  forEachLine(path, (buf, start, end, info) => void out.push({ text: buf.toString('utf8', start, end), last: info.last }));
  return out;
}

test('lines are split on newlines, CRLF trimmed, blank lines dropped, a last line without newline flagged', (t) => {
  const dir = tempDir(t);
  const p = join(dir, 'a.jsonl');
  writeFileSync(p, '{"a":1}\r\n\n{"b":2}\n{"c":');
  assert.deepEqual(lines(p), [
    { text: '{"a":1}', last: false },
    { text: '{"b":2}', last: false },
    { text: '{"c":', last: true },
  ]);
});

test('a line longer than the read chunk, and lines across chunk borders, come out whole', (t) => {
  const dir = tempDir(t);
  const p = join(dir, 'big.jsonl');
  const big = JSON.stringify({ type: 'x', text: 'é'.repeat(1_500_000) });
  const small = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ i }));
  writeFileSync(p, [small.join('\n'), big, small.join('\n')].join('\n') + '\n');
  const got = lines(p);
  assert.equal(got.length, 100_001);
  assert.equal(got[50_000]!.text, big);
  assert.equal(got[100_000]!.text, '{"i":49999}');
  assert.ok(got.every((l) => !l.last));
});

test('each line says where it starts in bytes, across chunk borders and a torn tail; reading from one of those offsets starts there', (t) => {
  const dir = tempDir(t);
  const p = join(dir, 'offsets.jsonl');
  const text = [...Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ i, s: 'ü'.repeat(i % 7) })), JSON.stringify({ big: 'x'.repeat(1_300_000) }), '{"torn":'].join('\r\n');
  writeFileSync(p, text);
  const bytes = Buffer.from(text);
  const seen: Array<{ offset: number; line: string }> = [];
  forEachLine(p, (buf, start, end, info) => void seen.push({ offset: info.offset, line: buf.toString('utf8', start, end) }));
  assert.equal(seen.length, 40_002);
  for (const { offset, line } of seen) assert.equal(bytes.toString('utf8', offset, offset + Buffer.byteLength(line)), line);
  const from = seen[30_000]!;
  const after: string[] = [];
  forEachLine(p, (buf, start, end) => void after.push(buf.toString('utf8', start, end)), from.offset);
  assert.deepEqual(after, seen.slice(30_000).map((l) => l.line));
});

test('sniffType reads a compact record type without parsing; other shapes give null', () => {
  const b = (s: string) => Buffer.from(s);
  const s1 = '{"type":"turn.prompt","input":[]}';
  assert.equal(sniffType(b(s1), 0, s1.length), 'turn.prompt');
  const s2 = '{"type": "metadata"}';
  assert.equal(sniffType(b(s2), 0, s2.length), null);
  const s3 = '{"message":{"role":"user"},"type":"agent.message.appended","time":1,"kind":"event"}';
  assert.equal(sniffType(b(s3), 0, s3.length), null);
  assert.equal(sniffTailType(b(s3), 0, s3.length), 'agent.message.appended');
});

test('parseLine returns undefined for broken JSON; LineProblems tells torn last lines from damage', () => {
  assert.equal(parseLine(Buffer.from('{"a":'), 0, 5), undefined);
  const p = new LineProblems();
  p.note({ index: 3, last: false, offset: 0 });
  p.note({ index: 9, last: true, offset: 0 });
  assert.deepEqual(p.describe('wire.jsonl'), ['wire.jsonl: 1 line not valid JSON (skipped)', 'wire.jsonl: last line is incomplete (skipped)']);
});

test('rewriteLog streams a log into a new file: a first line, the bytes as they were, a torn last line ended, the added lines', (t) => {
  const dir = tempDir(t);
  const p = join(dir, 'wire.jsonl');
  // Over two read chunks, CRLF and a blank line kept as written, no newline at the end.
  const body = `${JSON.stringify({ type: 'a', pad: 'x'.repeat(1_500_000) })}\r\n\n{"type":"b"}\n{"type":"c"`;
  writeFileSync(p, body, { mode: 0o640 });
  const before = statSync(p).ino;
  rewriteLog(p, { first: '{"type":"metadata"}', added: ['{"type":"forked"}', '{"type":"end"}'], mode: 0o600 });
  assert.equal(readFileSync(p, 'utf8'), `{"type":"metadata"}\n${body}\n{"type":"forked"}\n{"type":"end"}\n`);
  assert.notEqual(statSync(p).ino, before, 'a new file renamed over the old one');
  assert.equal(statSync(p).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['wire.jsonl'], 'no temp file left');
  // A log that ends with its newline gets none added.
  rewriteLog(p, { added: ['{"type":"more"}'] });
  assert.ok(readFileSync(p, 'utf8').endsWith('{"type":"end"}\n{"type":"more"}\n'));
  assert.equal(firstRecordType(p), 'metadata');
  assert.deepEqual(surveyLog(p, new Set(['b', 'more'])), { firstType: 'metadata', lines: 7, counted: 2 });
});
