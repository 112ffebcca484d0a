import assert from 'node:assert/strict';
import { test } from './harness.js';
import { renderSessionTable, shortestUniqueIds, tildePath } from '../src/format/session-table.js';
import { displayWidth, truncate, truncateStart } from '../src/format/width.js';
import type { Session } from '../src/model.js';
import { cut, errorText, firstLineTitle, foldedTitle, plainCode, toMs } from '../src/util/text.js';

test('titles: first non-empty line or folded newlines, cut at 150 characters without splitting an emoji', () => {
  assert.equal(firstLineTitle('\n  Fix the bug\nand more'), 'Fix the bug');
  assert.equal(foldedTitle('line one\n  line two\r\nthree'), 'line one line two three');
  const long = '🚀'.repeat(200);
  assert.equal(Array.from(firstLineTitle(long)).length, 150);
  assert.equal(cut('ab🚀cd', 3), 'ab🚀');
});

test('times: epoch seconds, epoch ms and ISO strings all become ms; junk is null', () => {
  assert.equal(toMs(1772616338.93), 1772616338930);
  assert.equal(toMs(1795256970666), 1795256970666);
  assert.equal(toMs('2026-03-27T17:14:59.421838-07:00'), Date.parse('2026-03-28T00:14:59.421Z'));
  assert.equal(toMs('yesterday'), null);
  assert.equal(toMs(-5), null);
  assert.equal(toMs(null), null);
});

test('display width counts CJK and emoji as two columns; truncation respects it', () => {
  assert.equal(displayWidth('abc'), 3);
  assert.equal(displayWidth('日本語'), 6);
  assert.equal(displayWidth('🚀'), 2);
  assert.equal(truncate('日本語のテキスト', 7), '日本語…');
  assert.equal(displayWidth(truncate('日本語のテキスト', 7)), 7);
  assert.equal(truncateStart('/home/demo/projects/webshop', 12), '…cts/webshop');
});

test('ids are shortened to the shortest prefix (>= 12) that stays unique', () => {
  const ids = ['ses_11111111-1111-4111-8111-000000000001', 'ses_11111111-1111-4111-8111-000000000002', 'session_abcdef12-3456', 'short'];
  const m = shortestUniqueIds(ids);
  assert.equal(m.get('short'), 'short');
  assert.equal(m.get('session_abcdef12-3456'), 'session_abcd');
  assert.equal(m.get(ids[0]!), ids[0]);
  for (const id of ids) assert.ok(id.startsWith(m.get(id)!));
});

test('the table aligns CJK titles and shows tags before the title', () => {
  const base: Session = {
    source: 'kimi-code', id: 'session_aaaaaaaa', title: '', titleSource: 'prompt', workDir: '/home/u/p', createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z', turns: 2, messages: 4, bytes: 2048, path: '/x', inUse: false, archived: false, forkedFrom: null, sameAs: null, problems: [],
  };
  const rows = [
    { ...base, title: '日本語のタイトル 🚀' },
    { ...base, id: 'session_bbbbbbbb', title: 'plain title', archived: true, problems: ['broken'] },
  ];
  const out = renderSessionTable(rows, { width: 120, now: new Date('2026-01-03T00:00:00Z'), home: '/home/u' });
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  // Every row puts the DIR column at the same display column.
  const dirCol = lines.slice(1).map((l) => displayWidth(l.slice(0, l.indexOf('~/p'))));
  assert.equal(displayWidth(lines[0]!.slice(0, lines[0]!.indexOf('DIR'))), dirCol[0]);
  assert.equal(new Set(dirCol).size, 1, out);
  assert.match(lines[2]!, /! \[archived\] plain title/);
  assert.match(lines[1]!, /  1d ago  /);
  assert.equal(tildePath('/home/u/p', '/home/u'), '~/p');
  assert.equal(tildePath('/home/user2/p', '/home/u'), '/home/user2/p');
});

test('the table never grows wider than the terminal: long cells are cut, then minor columns dropped', () => {
  const s: Session = {
    source: 'kiro-sqlite', id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', title: '長いタイトル '.repeat(20), titleSource: 'prompt', workDir: '/home/u/projects/a/very/deep/folder/structure/here',
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z', turns: 12345, messages: 67890, bytes: 123456789, path: '/x', inUse: true, archived: true, forkedFrom: null, sameAs: null, problems: [],
  };
  for (const width of [60, 70, 80, 100, 160]) {
    const out = renderSessionTable([s, { ...s, id: 'b', title: 'short' }], { width, now: new Date('2026-03-01T00:00:00Z'), home: '/home/u' });
    for (const line of out.trimEnd().split('\n')) assert.ok(displayWidth(line) <= width, `${width}: ${displayWidth(line)} columns: ${line}`);
    if (width >= 100) assert.ok(out.includes('MSGS'), `MSGS kept at ${width}`);
    if (width <= 60) assert.ok(!out.includes('MSGS') && out.includes('TITLE'), `MSGS dropped, TITLE kept at ${width}`);
  }
});

test('the work dir gets the room short titles leave, and at most a third when titles need it', () => {
  const dir = '/srv/projects/a-rather-long-project-name/backend';
  const short: Session = {
    source: 'kimi-code', id: 'a', title: 'Short', titleSource: 'prompt', workDir: dir, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
    turns: 1, messages: 2, bytes: 100, path: '/x', inUse: false, archived: false, forkedFrom: null, sameAs: null, problems: [],
  };
  const out = renderSessionTable([short], { width: 110, now: new Date('2026-03-01T00:00:00Z'), home: '/home/u' });
  assert.ok(out.includes(dir), out);
  const long: Session = { ...short, id: 'b', title: 'A title long enough to want every column the terminal can give it and then some more words' };
  const both = renderSessionTable([short, long], { width: 110, now: new Date('2026-03-01T00:00:00Z'), home: '/home/u' });
  assert.ok(!both.includes(dir), 'the dir is cut when titles need the room');
  assert.match(both, /…[^ ]*backend/);
});

test("errors are in plain words: Node's codes become what they mean, with the path", () => {
  assert.equal(errorText(new Error("EACCES: permission denied, open '/x/y.json'")), 'permission denied: /x/y.json');
  assert.equal(errorText(new Error("ENOENT: no such file or directory, rename '/a' -> '/b'")), 'no such file or folder: /a (to /b)');
  assert.equal(errorText(new Error('EISDIR: illegal operation on a directory, read')), 'EISDIR: illegal operation on a directory, read', 'no path: left as it is');
  assert.equal(errorText(new Error('first line\nsecond')), 'first line');
  assert.equal(plainCode('ENOSPC'), 'the disk is full');
  assert.equal(plainCode('EWHATEVER'), 'EWHATEVER');
});

test('relative times and dates, hand-written for a fast start, agree with date-fns on every span', async () => {
  const { relativeTime, dateTime, compactStamp } = await import('../src/format/time.js');
  const { formatDistanceStrict } = await import('date-fns/formatDistanceStrict');
  const { format } = await import('date-fns/format');
  const UNIT: Record<string, string> = { second: 's', minute: 'm', hour: 'h', day: 'd', month: 'mo', year: 'y' };
  const now = new Date('2026-06-15T12:00:00Z');
  const spans: number[] = [0, 1, 999, 29_500, 30_000, 59_999, 60_000, 89_999, 90_000];
  // Every kind of span, up to ten years, both ways, at uneven steps; and each unit's edges.
  for (let ms = 1; ms < 10 * 365.25 * 86_400_000; ms = Math.ceil(ms * 1.37) + 7) spans.push(ms);
  for (const edge of [60, 3600, 86_400, 30 * 86_400, 365 * 86_400]) for (const d of [-1, 0, 1]) spans.push((edge + d) * 1000, edge * 1000 * 11.5 + d);
  for (const ms of spans) {
    for (const sign of [1, -1]) {
      const when = new Date(now.getTime() - sign * ms);
      const theirs = formatDistanceStrict(when, now, { addSuffix: true }).replace(/(\d+) (second|minute|hour|day|month|year)s?/, (_m, n: string, u: string) => `${n}${UNIT[u]}`);
      assert.equal(relativeTime(when.toISOString(), now), theirs, `${sign * ms} ms`);
    }
  }
  assert.equal(relativeTime('not a date', now), '-');
  const d = new Date(2026, 0, 2, 3, 4, 5);
  assert.equal(dateTime(d), format(d, 'yyyy-MM-dd HH:mm:ss'));
  assert.equal(compactStamp(d), format(d, 'yyyyMMdd-HHmmss'));
});

test('widths without string-width (text whose code points each stand alone) and the estimate before it loads agree with string-width', async () => {
  const { displayWidth, truncate, widthsLoaded } = await import('../src/format/width.js');
  const { default: stringWidth } = await import('string-width');
  await widthsLoaded();
  // Every BMP code point that stands alone, in runs: Latin, Greek, Cyrillic, CJK, kana, Hangul syllables, fullwidth forms, symbols.
  const standalone = /^[^\p{M}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\ud800-\udfff]$/u;
  let checked = 0;
  for (let cp = 0x20; cp < 0x10000; cp++) {
    const ch = String.fromCharCode(cp);
    if (!standalone.test(ch)) continue;
    assert.equal(displayWidth(ch), stringWidth(ch), `U+${cp.toString(16)}`);
    checked++;
  }
  assert.ok(checked > 50_000, `${checked} code points`);
  // Before string-width has loaded, the estimate: an emoji two columns, a mark none.
  const { estimateForTests } = await import('../src/format/width.js');
  for (const text of ['Sort the emoji 🎉🚀✅ by code point', 'e\u0301t\u00e9', '👩‍👩‍👧 family', '🇯🇵 flag', '🎉']) assert.equal(estimateForTests(text), stringWidth(text), `estimate: ${text}`);
  for (const text of ['日本語のエラーメッセージを英語に翻訳して', 'ロケールファイルの重複キーを探して', '把 CSV 导入脚本改成流式读取，文件有 20 GB', 'Ｆｕｌｌ ｗｉｄｔｈ', 'Ελληνικά и кириллица']) {
    assert.equal(displayWidth(text), stringWidth(text), text);
    assert.ok(displayWidth(truncate(text, 11)) <= 11, `cut to 11: ${text}`);
  }
  // Text with emoji and marks goes to string-width once it has loaded.
  for (const text of ['Sort the emoji 🎉🚀✅ by code point', 'e\u0301t\u00e9', '👩‍👩‍👧 family', '🇯🇵 flag', '1️⃣ keycap', '한글 자모 가']) assert.equal(displayWidth(text), stringWidth(text), text);
});
