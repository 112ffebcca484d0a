import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from './harness.js';
import { tmpdir } from 'node:os';
import { generateDemoHome } from '../fixtures/generate.js';
import { type Conversation, type Turn, endTime, insertKiroConversation, openKiroDb, writeKimiCliSession, writeKimiCodeSession, writeKiroSessionFiles } from '../fixtures/layouts.js';
import { Catalog } from '../src/catalog/catalog.js';
import type { Session } from '../src/model.js';
import { allowedEdits, deletes, editDistance } from '../src/search/fuzzy.js';
import { decodePostings, IndexStore, INDEX_VERSION, packWeight, PostingList, unpackWeight } from '../src/search/index-store.js';
import { syncIndex } from '../src/search/indexer.js';
import { parseQuery } from '../src/search/query.js';
import { terms } from '../src/search/tokenize.js';
import { resolveHomes } from '../src/sources/homes.js';
import { spawn } from 'node:child_process';
import { BIN, runBin, runInProcess, tempDir, testEnv } from './helpers.js';

interface Hit {
  id: string;
  source: string;
  title: string;
  workDir: string | null;
  updatedAt: string;
  score: number;
  matches: Array<{ messageIndex: number; role: string; snippet: string; ranges: Array<[number, number]> }>;
}

async function search(home: string, query: string, args: string[] = [], cwd?: string): Promise<Hit[]> {
  const r = await runInProcess(['search', query, '--json', ...args], testEnv(home), cwd);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Hit[];
}
const titles = (hits: Hit[]): string[] => hits.map((h) => h.title);

const DAY = 86_400_000;
const T = Date.now() - 10 * DAY;
function conv(id: string, prompt: string, answer: string, extra: Partial<Conversation> = {}): Conversation {
  return { id, workDir: '/w/app', startMs: T, turns: [{ prompt, answer }], title: id, ...extra };
}

describe('query language', () => {
  test('words, phrases, exclusions, exact/prefix/suffix words and every filter parse', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const q = parseQuery(`fix "integer cents" -decimal !legacy -"old way" 'exact ^pre suf$ =eq agent:kiro dir:web here after:2026-01-31 before:2026-05-01 title:cart turns>5 messages<=9 size>10mb`, now);
    assert.deepEqual(q.words, [
      { text: 'fix', mode: 'fuzzy' },
      { text: 'exact', mode: 'exact' },
      { text: 'pre', mode: 'prefix' },
      { text: 'suf', mode: 'suffix' },
      { text: 'eq', mode: 'exact' },
    ]);
    assert.deepEqual(q.phrases, ['integer cents']);
    assert.deepEqual(q.notWords, ['decimal', 'legacy']);
    assert.deepEqual(q.notPhrases, ['old way']);
    assert.deepEqual(q.filters.sources, ['kiro-sqlite', 'kiro-files']);
    assert.deepEqual(q.filters.dirParts, ['web']);
    assert.equal(q.filters.here, true);
    assert.equal(q.filters.after, Date.parse('2026-01-31T00:00:00Z'));
    assert.equal(q.filters.before, Date.parse('2026-05-01T00:00:00Z'));
    assert.deepEqual(q.filters.titleWords, ['cart']);
    assert.deepEqual(q.filters.turns, [{ op: '>', value: 5 }]);
    assert.deepEqual(q.filters.messages, [{ op: '<=', value: 9 }]);
    assert.deepEqual(q.filters.size, [{ op: '>', value: 10 * 1024 * 1024 }]);
    assert.equal(parseQuery('newer:7d', now).filters.after, now - 7 * DAY);
    assert.ok(Math.abs(parseQuery('older:3m', now).filters.before! - (now - 3 * 30.44 * DAY)) < 1000);
    assert.deepEqual(parseQuery('see https://example.com/x', now).words.map((w) => w.text), ['see', 'https://example.com/x']);
  });

  test('a bad filter is a one-line error naming it, exit code 2', async (t) => {
    const home = tempDir(t);
    const cases: Array<[string, RegExp]> = [
      ['after:yesterday', /^sessions: bad filter 'after:yesterday': expected a date like 2026-01-31\n$/],
      ['newer:7 days', /^sessions: bad filter 'newer:7': expected an age like 7d/],
      ['agent:claud', /^sessions: bad filter 'agent:claud': agent is one of kimi-code, kimi-cli, kiro-sqlite, kiro-files, codex, claude-code, kimi, kiro, claude\n$/],
      ['turns>many', /^sessions: bad filter 'turns>many': expected a whole number\n$/],
      ['size>huge', /^sessions: bad filter 'size>huge': expected a size like 10mb or 500kb\n$/],
      ['colour:red', /^sessions: unknown filter 'colour:' in 'colour:red'/],
      ['dir:', /^sessions: filter 'dir:' needs a value\n$/],
      ['', /^sessions: search needs a query/],
    ];
    for (const [query, want] of cases) {
      const r = await runInProcess(['search', query], testEnv(home));
      assert.equal(r.code, 2, query);
      assert.match(r.stderr, want, query);
      assert.equal(r.stdout, '');
    }
  });

  test('tokens: lowercase, accents dropped, widths folded, identifier parts, CJK as overlapping pairs', () => {
    assert.deepEqual(terms('Fix the Café-API: toFixed(2)'), ['fix', 'the', 'cafe', 'api', 'tofixed', 'to', 'fixed', '2']);
    // Queries are cut without parts: a query word matches the whole identifier, or a part by prefix.
    assert.deepEqual(terms('Fix the Café-API: toFixed(2)', false), ['fix', 'the', 'cafe', 'api', 'tofixed', '2']);
    assert.deepEqual(terms('run_in_background inspect_session.py TaskOutput parseHTTPResponse'), [
      'run_in_background', 'run', 'in', 'background', 'inspect_session', 'inspect', 'session', 'py', 'inspect_session.py', 'session.py', 'taskoutput', 'task', 'output', 'parsehttpresponse', 'parse', 'http', 'response',
    ]);
    // Words joined by dots are also one term, from each word and part that starts a piece of it; a query keeps the run whole.
    assert.deepEqual(terms('see cfg.loadAll.v2 then. Next'), ['see', 'cfg', 'loadall', 'load', 'all', 'v2', 'cfg.loadall.v2', 'loadall.v2', 'all.v2', 'then', 'next']);
    assert.deepEqual(terms('see cfg.loadAll.v2 then. Next', false), ['see', 'cfg.loadall.v2', 'then', 'next']);
    assert.deepEqual(terms('rüby.gem', false), ['ruby.gem']);
    // Full-width letters are their ASCII twins; NFC and NFD are one.
    assert.deepEqual(terms('ＣＡＦＥ Ｆｉｘ'), ['cafe', 'fix']);
    assert.deepEqual(terms('cafe\u0301'), terms('caf\u00e9'));
    assert.deepEqual(terms('翻訳ツール'), ['翻訳', '訳ツ', 'ツー', 'ール']);
    assert.deepEqual(terms('把 CSV 导入'), ['把', 'csv', '导入']);
  });

  test('posting lists round-trip through their compressed form', () => {
    const list = new PostingList();
    const entries: Array<[number, number]> = [[1, packWeight(1, 0, 0)], [2, packWeight(300, 0, 0)], [70_000, packWeight(5, 2, 1)], [2 ** 31 + 5, packWeight(65_535, 255, 255)]];
    for (const [n, w] of entries) list.push(n, w);
    const back: Array<[number, number]> = [];
    decodePostings(list.bytes(), (n, w) => {
      back.push([n, w]);
    });
    assert.deepEqual(back, entries);
    assert.deepEqual(unpackWeight(back[2]![1]), { text: 5, tool: 2, title: 1 });
    assert.ok(list.length < entries.length * 8);
  });

  test('typos: one edit for 4-7 letters, two from 8; swaps count once', () => {
    assert.deepEqual([3, 4, 7, 8].map(allowedEdits), [0, 1, 1, 2]);
    assert.equal(editDistance('parser', 'parsre', 2), 1);
    assert.equal(editDistance('deploy', 'deplay', 2), 1);
    assert.equal(editDistance('kitten', 'sitting', 5), 3);
    assert.equal(editDistance('abc', 'xyzxyz', 1), 2);
    assert.deepEqual(deletes('abb').sort(), ['ab', 'bb']);
  });
});

describe('search over the demo home', () => {
  // One home (and one index) for these read-only searches.
  let home = '';
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'sessions-search-'));
    generateDemoHome(home);
  });
  after(() => rmSync(home, { recursive: true, force: true }));
  const setup = (_t: TestContext): string => home;

  test('a one-letter typo in a six-letter word still finds the session; word order does not matter', async (t) => {
    const h = setup(t);
    assert.deepEqual(titles(await search(h, 'deploy')), ['Deploy the webshop to staging']);
    assert.deepEqual(titles(await search(h, 'depoly')), ['Deploy the webshop to staging']);
    assert.deepEqual(titles(await search(h, 'deplay')), ['Deploy the webshop to staging']);
    assert.deepEqual(titles(await search(h, 'staging webshop')), titles(await search(h, 'webshop staging')));
  });

  test('every word must occur somewhere in the session (not in one message)', async (t) => {
    const h = setup(t);
    // "regression" is in turn 3 of the checkout session, "changelog" in turn 4.
    assert.deepEqual(titles(await search(h, 'regression changelog')).sort(), ['Fix checkout rounding', 'Fork: Fix checkout rounding']);
    assert.deepEqual(await search(h, 'regression emoji'), []);
  });

  test('phrases keep their order; exclusions leave sessions out', async (t) => {
    const h = setup(t);
    assert.equal((await search(h, '"integer cents"')).length, 2);
    assert.deepEqual(await search(h, '"cents integer"'), []);
    assert.deepEqual(titles(await search(h, 'cents -decimal')), ['Fix checkout rounding']);
    assert.deepEqual(titles(await search(h, 'cents !decimal')), ['Fix checkout rounding']);
    assert.deepEqual(titles(await search(h, 'cents -"decimal library"')), ['Fix checkout rounding']);
  });

  test("'exact, ^prefix and suffix$ words", async (t) => {
    const h = setup(t);
    assert.deepEqual(await search(h, "'depoly"), []);
    assert.deepEqual(titles(await search(h, '^deplo')), ['Deploy the webshop to staging']);
    assert.deepEqual(titles(await search(h, 'ploy$')), ['Deploy the webshop to staging']);
  });

  test('CJK: any two-character piece finds its session, ranked first', async (t) => {
    const h = setup(t);
    assert.equal((await search(h, '翻訳'))[0]!.title, '日本語のエラーメッセージを英語に翻訳して 🌏');
    assert.equal((await search(h, 'エラーメッセージ'))[0]!.title, '日本語のエラーメッセージを英語に翻訳して 🌏');
    assert.equal((await search(h, '"CSV 导入"'))[0]!.title, '把 CSV 导入脚本改成流式读取，文件有 20 GB 🚀');
    assert.equal((await search(h, '流式读取'))[0]!.title, '把 CSV 导入脚本改成流式读取，文件有 20 GB 🚀');
  });

  test('every filter', async (t) => {
    const h = setup(t);
    const all = await search(h, 'the', ['--limit', '100']);
    assert.ok(all.length >= 8);
    for (const [query, check] of [
      ['agent:kiro the', (x: Hit) => x.source.startsWith('kiro')],
      ['source:kimi-cli the', (x: Hit) => x.source === 'kimi-cli'],
      ['dir:dotfiles', (x: Hit) => x.workDir!.includes('dotfiles')],
      ['after:2026-10-18', (x: Hit) => x.updatedAt > '2026-10-18'],
      ['before:2026-10-01', (x: Hit) => x.updatedAt < '2026-10-01'],
      ['older:200d', (x: Hit) => Date.parse(x.updatedAt) < Date.now() - 200 * DAY],
      ['title:checkout', (x: Hit) => /checkout/i.test(x.title)],
      ['title:chekout', (x: Hit) => /checkout/i.test(x.title)],
    ] as Array<[string, (x: Hit) => boolean]>) {
      const hits = await search(h, query, ['--limit', '100']);
      assert.ok(hits.length > 0, `${query} finds something`);
      assert.ok(hits.every(check), `${query}: ${titles(hits).join(', ')}`);
    }
    assert.deepEqual(titles(await search(h, 'turns>100')), ['Dotfiles clean-up']);
    assert.deepEqual(titles(await search(h, 'messages>=200')), ['Dotfiles clean-up']);
    assert.deepEqual(titles(await search(h, 'size>500kb')), ['Dotfiles clean-up']);
    assert.deepEqual(titles(await search(h, 'size<1kb')).sort(), ['', 'How do I undo the last commit but keep the changes?']);
    assert.equal((await search(h, 'newer:100000d', ['--limit', '100'])).length, (await search(h, 'older:0d', ['--limit', '100'])).length);
    assert.deepEqual(titles(await search(h, 'here tidied', [], '/home/demo/src/dotfiles')), ['Dotfiles clean-up']);
    assert.deepEqual(await search(h, 'here tidied', [], '/home/demo'), []);
  });

  test('each result points at its best messages: the index is the transcript index, the ranges mark the words', async (t) => {
    const h = setup(t);
    const [hit] = await search(h, 'broadcast join');
    assert.ok(hit);
    const shown = await runInProcess(['show', `${hit.source}:${hit.id}`, '--json'], testEnv(h));
    const messages = JSON.parse(shown.stdout).messages as Array<{ text: string; role: string }>;
    assert.ok(hit.matches.length >= 1);
    for (const m of hit.matches) {
      assert.equal(messages[m.messageIndex]!.role, m.role);
      assert.ok(m.ranges.length > 0);
      for (const [s, e] of m.ranges) assert.match(m.snippet.slice(s, e), /^(broadcast|join)$/i);
      assert.ok(messages[m.messageIndex]!.text.includes(m.snippet.replace(/^…|…$/g, '').slice(0, 30)));
    }
  });

  test('the first snippet is a message with the most of the query words', async (t) => {
    const h = setup(t);
    const [hit] = await search(h, 'roundng cents');
    assert.ok(hit);
    const words = new Set(hit.matches[0]!.ranges.map(([s, e]) => hit.matches[0]!.snippet.slice(s, e).toLowerCase()));
    assert.ok(words.has('rounding') && words.has('cents'), JSON.stringify(hit.matches[0]));
  });

  test('a snippet too long for the line drops its lead-in, not its matches', async (t) => {
    const h = setup(t);
    // A 100-column terminal, no colour: matches are marked «like this».
    const r = await runInProcess(['search', 'roundng cents', '--limit', '1'], testEnv(h, { NO_COLOR: '1' }), undefined, true);
    const line = r.stdout.split('\n')[1]!;
    assert.match(line, /«rounding».*«cents»/, line);
  });

  test('the table marks matches, and honours NO_COLOR', async (t) => {
    const h = setup(t);
    const r = await runInProcess(['search', 'broadcast'], testEnv(h));
    assert.match(r.stdout, /«broadcast»|«Broadcast»/);
    assert.match(r.stdout.split('\n')[0]!, /^kiro-sqlite\s+\S+\s+(Now make it the default|Profile the nightly aggregation job)/);
  });
});

describe('ranking', () => {
  test('exact beats fuzzy, title beats body, recent beats old among equals', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    // Newer, but only a near spelling.
    writeKimiCodeSession(kc, conv('session_fuzzy', 'the parsec module is slow', 'ok', { startMs: T + 5 * DAY }));
    writeKimiCodeSession(kc, conv('session_exact', 'the parser module is slow', 'ok'));
    assert.deepEqual((await search(home, 'parser')).map((h) => h.id), ['session_exact', 'session_fuzzy']);
    writeKimiCodeSession(kc, conv('session_titled', 'something', 'else', { title: 'Tokenizer rewrite' }));
    writeKimiCodeSession(kc, conv('session_body', 'the tokenizer is wrong', 'fixed', { startMs: T + 6 * DAY }));
    assert.equal((await search(home, 'tokenizer'))[0]!.id, 'session_titled');
    writeKimiCodeSession(kc, conv('session_old', 'zebra crossing', 'ok', { startMs: T - 200 * DAY, title: 'a' }));
    writeKimiCodeSession(kc, conv('session_new', 'zebra crossing', 'ok', { title: 'b' }));
    assert.deepEqual((await search(home, 'zebra')).map((h) => h.id), ['session_new', 'session_old']);
  });

  test('a phrase keeps its word order in the exact check too (phrases the raw prefilter cannot test: CJK, mixed scripts)', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    writeKimiCodeSession(kc, conv('session_order', '先 导入 数据 再说', 'ok'));
    writeKimiCodeSession(kc, conv('session_reversed', '先 数据 导入 再说', 'ok'));
    assert.deepEqual((await search(home, '"导入 数据"')).map((h) => h.id), ['session_order']);
    assert.deepEqual((await search(home, '"数据 导入"')).map((h) => h.id), ['session_reversed']);
    assert.deepEqual((await search(home, '导入 -"导入 数据"')).map((h) => h.id), ['session_reversed']);
  });

  test('a phrase matches across line breaks, tabs and repeated spaces; accents and case do not matter', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    writeKimiCodeSession(kc, conv('session_nl', 'first line ends with Alpha\n\t  beta starts the next', 'ok'));
    writeKimiCodeSession(kc, conv('session_accent', 'we met at the Café Déjà vu', 'ok'));
    writeKimiCodeSession(kc, conv('session_apart', 'alpha is here and beta is there', 'ok'));
    assert.deepEqual((await search(home, '"alpha beta"')).map((h) => h.id), ['session_nl']);
    assert.deepEqual((await search(home, '"cafe deja vu"')).map((h) => h.id), ['session_accent']);
  });

  test('tool outputs are searched by default, ranked below the conversation; --no-tool-output leaves them out', async (t) => {
    const home = tempDir(t);
    // The tool-output session is the newer one: only the tier puts the conversation first.
    writeKiroSessionFiles(join(home, '.kiro'), { ...conv('k1', 'run the build', 'done'), startMs: T + DAY, turns: [{ prompt: 'run the build', tools: [{ name: 'shell', args: { command: 'make' }, output: 'error: quasar overflow' }], answer: 'it failed' }] });
    writeKiroSessionFiles(join(home, '.kiro'), conv('k2', 'what is a quasar overflow anyway', 'a made-up error'));
    const hits = await search(home, 'quasar overflow');
    assert.deepEqual(hits.map((h) => h.id), ['k2', 'k1']);
    const fromTool = hits[1]!.matches[0]!;
    assert.equal(fromTool.role, 'tool');
    assert.match(fromTool.snippet, /quasar overflow/);
    assert.deepEqual((await search(home, 'quasar', ['--no-tool-output'])).map((h) => h.id), ['k2']);
    // Tool names and arguments are conversation, always searched.
    assert.equal((await search(home, 'make', ['--no-tool-output']))[0]!.id, 'k1');
  });
});

describe('finding as people type', () => {
  test('a word being typed matches from its second letter; one more letter never loses the session', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    writeKimiCodeSession(kc, conv('session_target', 'Review the payment module before compaction', 'ok'));
    writeKimiCodeSession(kc, conv('session_other', 'tidy the readme', 'ok'));
    for (const word of ['payment', 'compaction']) {
      for (let len = 2; len <= word.length; len++) {
        const hits = await search(home, word.slice(0, len));
        assert.ok(hits.some((h) => h.id === 'session_target'), `'${word.slice(0, len)}' should find the session`);
      }
    }
    assert.deepEqual((await search(home, 'pay mod')).map((h) => h.id), ['session_target']);
    assert.deepEqual((await search(home, 'paymen module')).map((h) => h.id), ['session_target']);
    // A single letter is not read as a prefix (it would match nearly everything).
    assert.deepEqual(await search(home, 'p'), []);
    // Beside other words it is the next word begun: the results stay, and the session with the words side by side leads.
    writeKimiCodeSession(kc, conv('session_apart', 'payment is due', 'see the module list', { startMs: T + 5 * DAY }));
    for (const q of ['payment m', 'review the payment m', 'payment mo']) assert.equal((await search(home, q))[0]?.id, 'session_target', q);
    assert.deepEqual((await search(home, 'payment x')).map((h) => h.id).sort(), ['session_apart', 'session_target'], 'a word begun ranks but does not filter');
  });

  test('the parts of identifiers are words: snake_case, camelCase, dotted names', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    writeKimiCodeSession(kc, conv('session_bg', 'call Bash with run_in_background set', 'ok'));
    writeKimiCodeSession(kc, conv('session_py', 'open inspect_session.py please', 'ok'));
    writeKimiCodeSession(kc, conv('session_task', 'the TaskOutput tool returned nothing', 'ok'));
    const first = async (q: string): Promise<string | undefined> => (await search(home, q))[0]?.id;
    for (const q of ['backgr', 'run_in_backgr', 'background', 'run_in_background']) assert.equal(await first(q), 'session_bg', q);
    for (const q of ['inspect_sess', 'inspect_session', 'session.py', 'inspect', 'inspect_session.p', 'session.p']) assert.equal(await first(q), 'session_py', q);
    // A dotted name typed into its second word finds that name, not a session with both words apart.
    writeKimiCodeSession(kc, conv('session_cfg', 'call config.load_all first', 'ok'));
    writeKimiCodeSession(kc, conv('session_apart', 'the config file', 'load it', { startMs: T + 5 * DAY }));
    for (const q of ['config.lo', 'config.load_a', 'load_all']) assert.deepEqual((await search(home, q)).map((h) => h.id), ['session_cfg'], q);
    for (const q of ['TaskOut', 'taskOutput', 'TaskOutput', 'output']) assert.equal(await first(q), 'session_task', q);
    // The snippet marks the part inside the identifier.
    const hit = (await search(home, 'backgr'))[0]!.matches[0]!;
    assert.deepEqual(hit.ranges.map(([s, e]) => hit.snippet.slice(s, e)), ['background']);
  });

  test('a whole word ranks above a prefix, a prefix above a typo, whatever the recency', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    // Newest first: the typo, then the prefix, then the whole word.
    writeKimiCodeSession(kc, conv('session_typo', 'the parsre is fine', 'ok', { startMs: T + 3 * DAY }));
    writeKimiCodeSession(kc, conv('session_prefix', 'the parsers are fine', 'ok', { startMs: T + 2 * DAY }));
    writeKimiCodeSession(kc, conv('session_whole', 'the parser is fine', 'ok', { startMs: T + DAY }));
    assert.deepEqual((await search(home, 'parser')).map((h) => h.id), ['session_whole', 'session_prefix', 'session_typo']);
  });

  test('words found side by side rank above the same words scattered, however recent; a pasted sentence beats a title', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    const scattered: Turn[] = [
      { prompt: 'the ledger needs a look', answer: 'which rounding rule applies?' },
      { prompt: 'fix the invoice first', answer: 'done' },
    ];
    writeKimiCodeSession(kc, { ...conv('session_near', 'please check the ledger rounding invoice code', 'ok'), startMs: T });
    for (let i = 0; i < 5; i++) writeKimiCodeSession(kc, { ...conv(`session_far${i}`, 'x', 'y'), startMs: T + (i + 1) * DAY, turns: scattered });
    assert.equal((await search(home, 'ledger rounding invoice'))[0]?.id, 'session_near');
    // Still first while the last word is being typed.
    assert.equal((await search(home, 'ledger rounding invo'))[0]?.id, 'session_near');
    writeKimiCodeSession(kc, { ...conv('hello', 'how can I help with you', 'sure, today'), startMs: T + 9 * DAY, title: 'hello' });
    writeKimiCodeSession(kc, { ...conv('session_sentence', 'hi', 'Hello! How can I help you today?'), startMs: T });
    assert.equal((await search(home, 'Hello! How can I help you toda'))[0]?.id, 'session_sentence');
  });

  test('two-edit typos from 8 letters, anywhere in the word; one edit below', async (t) => {
    const home = tempDir(t);
    writeKimiCodeSession(join(home, '.kimi-code'), conv('session_ind', 'Acme Industries ships widgets', 'ok'));
    for (const q of ['Imdustrees', 'Indstres', 'industrs', 'Industreis', 'ndustries', 'Industriesxy']) {
      assert.deepEqual((await search(home, q)).map((h) => h.id), ['session_ind'], q);
    }
    // Three edits are too many; so are two in a word under 8 letters.
    assert.deepEqual(await search(home, 'Imdustrs'), []);
    assert.deepEqual(await search(home, 'wdgtes'), []);
  });

  test('accents and widths are folded both ways', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    writeKimiCodeSession(kc, conv('session_cafe', 'meet at the café near the Ｓｔａｔｉｏｎ', 'ok'));
    writeKimiCodeSession(kc, conv('session_nfd', 'the crème brûlée recipe'.normalize('NFD'), 'ok'));
    assert.equal((await search(home, 'cafe'))[0]?.id, 'session_cafe');
    assert.equal((await search(home, 'CAFÉ'))[0]?.id, 'session_cafe');
    assert.equal((await search(home, 'station'))[0]?.id, 'session_cafe');
    assert.equal((await search(home, 'creme brulee'))[0]?.id, 'session_nfd');
    assert.equal((await search(home, 'crème brûlée'.normalize('NFC')))[0]?.id, 'session_nfd');

    // The snippet marks the words as they are written.
    const marked = async (query: string): Promise<string[]> => {
      const m = (await search(home, query))[0]!.matches[0]!;
      return m.ranges.map(([a, b]) => m.snippet.slice(a, b));
    };
    assert.deepEqual(await marked('cafe'), ['café']);
    assert.deepEqual(await marked('ＣＡＦＥ station'), ['café', 'Ｓｔａｔｉｏｎ']);
    assert.deepEqual(await marked('creme brulee'), ['crème', 'brûlée'].map((w) => w.normalize('NFD')));
  });

  test('accented words side by side rank above the same words scattered', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    writeKimiCodeSession(kc, conv('session_side', 'the crème brûlée recipe', 'ok'));
    // More mentions, and newer: it would win but for closeness.
    writeKimiCodeSession(kc, conv('session_apart', 'crème, more crème on top', 'then brûlée it, brûlée all', { startMs: T + 5 * DAY }));
    assert.deepEqual((await search(home, 'creme brulee')).map((h) => h.id), ['session_side', 'session_apart']);
  });

  test('a pasted CJK sentence with punctuation and a cut-off Latin word finds its session', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    writeKimiCodeSession(kc, conv('session_zh', '超时处理完全正常。现在进入观察轮，检查 session 状态', 'ok'));
    writeKimiCodeSession(kc, conv('session_other', '超时处理需要修改', 'ok'));
    assert.deepEqual((await search(home, '超时处理完全正常。现在进入观察轮，检查 sess')).map((h) => h.id), ['session_zh']);
  });
});

describe('long sessions', () => {
  // 3,000 turns of filler (about 1.5 MB of stored text: several parts of the doc table).
  const filler = (i: number): Turn => ({ prompt: `step ${i} of the migration plan`, tools: [{ name: 'Bash', args: { command: 'ls' }, output: 'a.txt b.txt' }], answer: `noted ${'filler text '.repeat(30)}` });
  function longSession(home: string, needleAt: number, needle: string): void {
    const turns = Array.from({ length: 3000 }, (_, i) => (i === needleAt ? { ...filler(i), answer: `here the ${needle} is written` } : filler(i)));
    writeKimiCodeSession(join(home, '.kimi-code'), { ...conv('session_long', 'x', 'y'), turns, noiseBytes: 0 });
  }

  test('a match deep in a long session points at its message; phrases and closeness are checked in every part', async (t) => {
    const home = tempDir(t);
    longSession(home, 2500, 'zebra quantum lattice');
    // Scattered: the same words in separate messages of a newer session.
    writeKimiCodeSession(join(home, '.kimi-code'), { ...conv('session_apart', 'zebra here', 'quantum there, lattice later'), startMs: T + 5 * DAY });
    await search(home, 'zebra');
    const check = IndexStore.open(join(home, '.cache', 'sessions'));
    const n = check.db.prepare("SELECT n FROM sess WHERE id = 'session_long'").pluck().get() as number;
    const parts = check.docParts(n);
    check.close();
    assert.ok(parts.length >= 4, `the long session is stored in parts (${parts.length})`);

    const hits = await search(home, 'zebra quantum lattice');
    assert.deepEqual(hits.map((h) => h.id), ['session_long', 'session_apart']);
    // Four messages a turn (prompt, tool call, output, answer): the answer of turn 2500.
    const m = hits[0]!.matches[0]!;
    assert.equal(m.messageIndex, 2500 * 4 + 3);
    assert.deepEqual(m.ranges.map(([a, b]) => m.snippet.slice(a, b)), ['zebra', 'quantum', 'lattice']);
    assert.deepEqual((await search(home, '"zebra quantum lattice"')).map((h) => h.id), ['session_long']);
    assert.deepEqual((await search(home, '"lattice quantum"')).map((h) => h.id), []);
    assert.deepEqual((await search(home, 'zebra -"zebra quantum"')).map((h) => h.id), ['session_apart']);
  });
});

describe('sessions that grow', () => {
  /** Appends one turn to a Kimi Code wire the way the agent writes it; `end` false leaves it half-written. */
  function appendTurn(wire: string, i: number, prompt: string, answer: string, end = true): void {
    const t = T + (1000 + i) * 60_000;
    const rec = (o: Record<string, unknown>): void => appendFileSync(wire, JSON.stringify(o) + '\n');
    rec({ type: 'turn.prompt', agentId: 'main', input: [{ type: 'text', text: prompt }], origin: { kind: 'user' }, promptId: `p_${i}`, turnId: i, time: t });
    rec({ type: 'context.append_message', agentId: 'main', message: { role: 'user', content: [{ type: 'text', text: prompt }], id: `p_${i}`, toolCalls: [], origin: { kind: 'user' } }, time: t + 1 });
    if (!end) return;
    rec({ type: 'context.append_loop_event', agentId: 'main', event: { type: 'content.part', uuid: `u${i}`, turnId: String(i), step: 1, stepUuid: `s${i}`, part: { type: 'text', text: answer } }, time: t + 2 });
    rec({ type: 'turn.ended', agentId: 'main', turnId: i, reason: 'completed', durationMs: 5, time: t + 3 });
  }
  const QUERIES = ['ledger', 'ledger rounding', 'wombat', 'wombat platypus', 'echidna', '"rounding rule"', 'ledger -echidna', 'rule'];
  /** Every query's results from the kept index, and from one built afresh in memory: they must be the same. */
  async function sameAsFresh(home: string): Promise<void> {
    for (const q of QUERIES) {
      const kept = await search(home, q);
      const fresh = await search(home, q, ['--no-cache']);
      assert.deepEqual(kept, fresh, q);
    }
  }
  const turns = (n: number): Turn[] => Array.from({ length: n }, (_, i) => ({ prompt: `ledger entry ${i} needs the rounding rule`, tools: [{ name: 'Bash', args: { command: 'ls' }, output: 'ledger.csv' }], answer: `rounding rule applied to entry ${i}` }));

  test('a session that grew is re-read from its last turn, and the index then answers exactly as one built afresh', async (t) => {
    const home = tempDir(t);
    const dir = writeKimiCodeSession(join(home, '.kimi-code'), { ...conv('session_grows', 'x', 'y'), turns: turns(40), noiseBytes: 0 });
    writeKimiCodeSession(join(home, '.kimi-code'), conv('session_other', 'a wombat ledger', 'ok'));
    const wire = join(dir, 'agents', 'main', 'wire.jsonl');
    await sameAsFresh(home);
    // Compacted, as a large index is: the session's words are in the blobs, and what follows corrects them there.
    const compacting = IndexStore.open(join(home, '.cache', 'sessions'));
    const live = new Set(compacting.db.prepare('SELECT n FROM sess').pluck().all() as number[]);
    compacting.compact(new Map(), (m) => live.has(m));
    assert.equal(compacting.deltaCount(), 0);
    compacting.close();
    // A turn half-written (the agent still at work), then finished, then more turns.
    appendTurn(wire, 40, 'now the wombat question', '', false);
    await sameAsFresh(home);
    appendTurn(wire, 41, 'wombat platypus echidna', 'the platypus ledger is rounded');
    await sameAsFresh(home);
    for (let i = 42; i < 45; i++) appendTurn(wire, i, `echidna ${i}`, 'ledger ledger ledger');
    await sameAsFresh(home);
    const store = IndexStore.open(join(home, '.cache', 'sessions'));
    const n = store.db.prepare("SELECT n FROM sess WHERE id = 'session_grows'").pluck().get() as number;
    store.close();
    assert.equal(n, 1, 'the session kept its number: it was corrected in place, not indexed anew');
    const hit = (await search(home, 'wombat platypus echidna'))[0]!;
    assert.equal(hit.id, 'session_grows');
    assert.equal(hit.matches[0]!.messageIndex, 40 * 4 + 1, 'the message numbers go on from the marks');
  });

  test('a log rewritten before its last mark (compacted, cut) is read again whole', async (t) => {
    const home = tempDir(t);
    const dir = writeKimiCodeSession(join(home, '.kimi-code'), { ...conv('session_cut', 'x', 'y'), turns: turns(10), noiseBytes: 0 });
    const wire = join(dir, 'agents', 'main', 'wire.jsonl');
    await sameAsFresh(home);
    // The same length and more, but the last turn's prompt is another record now.
    const lines = readFileSync(wire, 'utf8').trimEnd().split('\n');
    const lastPrompt = lines.findLastIndex((l) => l.includes('"turn.prompt"'));
    lines[lastPrompt] = lines[lastPrompt]!.replace('ledger entry 9', 'wombat entry 9');
    writeFileSync(wire, lines.join('\n') + '\n');
    appendTurn(wire, 10, 'echidna', 'ok');
    await sameAsFresh(home);
    assert.deepEqual((await search(home, 'wombat entry')).map((h) => h.id), ['session_cut']);
    // Cut short: the mark's record is gone.
    writeFileSync(wire, lines.slice(0, 10).join('\n') + '\n');
    await sameAsFresh(home);
    assert.deepEqual(await search(home, 'echidna'), []);
    // Rewritten in place: the first turn taken out and padded, so that another turn's prompt starts where the last mark was.
    writeFileSync(wire, lines.join('\n') + '\n');
    await sameAsFresh(home);
    const firstTurn = lines.findIndex((l) => l.includes('"turn.prompt"'));
    const secondTurn = lines.findIndex((l, i) => i > firstTurn && l.includes('"turn.prompt"'));
    const kept = [...lines.slice(0, firstTurn), ...lines.slice(secondTurn, lastPrompt)];
    const missing = Buffer.byteLength(lines.slice(0, lastPrompt).join('\n')) - Buffer.byteLength(kept.join('\n')) - 1;
    const pad = JSON.stringify({ type: 'llm.request', pad: '' });
    kept.push(pad.replace('""', `"${'x'.repeat(missing - pad.length)}"`));
    const other = lines[lastPrompt]!.replace('wombat entry 9', 'echidna again');
    writeFileSync(wire, [...kept, other, ...lines.slice(lastPrompt + 1)].join('\n') + '\n');
    assert.equal(readFileSync(wire, 'utf8').indexOf(other), Buffer.byteLength(lines.slice(0, lastPrompt).join('\n')) + 1, 'the other prompt is where the mark points');
    await sameAsFresh(home);
    // An atomic rewrite (a new file renamed over the old, as every writer here does) that changed an earlier turn and kept every length.
    writeFileSync(wire, lines.join('\n') + '\n');
    await sameAsFresh(home);
    writeFileSync(`${wire}.tmp`, readFileSync(wire, 'utf8').replace('ledger entry 0 ', 'wombat entry 0 '));
    renameSync(`${wire}.tmp`, wire);
    appendTurn(wire, 12, 'platypus', 'ok');
    await sameAsFresh(home);
  });
});

describe('the index', () => {
  function catalogFor(home: string): Catalog {
    return new Catalog({ homes: resolveHomes({}, { home }), report: () => {} });
  }

  test('is updated incrementally: added, changed and removed sessions between two searches', async (t) => {
    const home = tempDir(t);
    const kc = join(home, '.kimi-code');
    writeKimiCodeSession(kc, conv('session_a', 'alpha topic', 'answer'));
    const b = writeKimiCodeSession(kc, conv('session_b', 'bravo topic', 'answer'));
    assert.deepEqual((await search(home, 'topic')).map((h) => h.id).sort(), ['session_a', 'session_b']);

    writeKimiCodeSession(kc, conv('session_c', 'charlie topic', 'answer'));
    const wire = join(b, 'agents', 'main', 'wire.jsonl');
    appendFileSync(wire, JSON.stringify({ type: 'turn.prompt', input: [{ type: 'text', text: 'now about delta' }], origin: { kind: 'user' }, time: endTime(conv('x', '', '')) + 1000 }) + '\n');
    rmSync(join(kc, 'sessions', readdirSync(join(kc, 'sessions'))[0]!, 'session_a'), { recursive: true });
    assert.deepEqual((await search(home, 'topic')).map((h) => h.id).sort(), ['session_b', 'session_c']);
    assert.deepEqual((await search(home, 'delta')).map((h) => h.id), ['session_b']);
    assert.deepEqual(await search(home, 'alpha'), []);

    // Only what changed is read again.
    const store = IndexStore.open(join(home, '.cache', 'sessions'));
    t.after(() => store.close());
    const unchanged = await syncIndex(store, catalogFor(home).scanned(), () => {});
    assert.deepEqual([unchanged.indexed, unchanged.removed, unchanged.sessions], [0, 0, 2]);
    writeKimiCodeSession(kc, conv('session_d', 'echo topic', 'answer'));
    const one = await syncIndex(store, catalogFor(home).scanned(), () => {});
    assert.deepEqual([one.indexed, one.removed, one.sessions], [1, 0, 3]);
  });

  // One-shot searches skip the sync when the digest of every scan stamp is unchanged: that shortcut must never hide a change.
  const layouts: Array<{ name: string; write: (home: string, c: Conversation) => void; remove: (home: string, id: string) => void }> = [
    {
      name: 'Kimi Code',
      write: (home, c) => void writeKimiCodeSession(join(home, '.kimi-code'), c),
      remove: (home, id) => rmSync(join(home, '.kimi-code', 'sessions', readdirSync(join(home, '.kimi-code', 'sessions'))[0]!, id), { recursive: true }),
    },
    {
      name: 'Kimi CLI',
      write: (home, c) => void writeKimiCliSession(join(home, '.kimi'), c),
      remove: (home, id) => rmSync(join(home, '.kimi', 'sessions', readdirSync(join(home, '.kimi', 'sessions'))[0]!, id), { recursive: true }),
    },
    {
      name: 'Kiro files',
      write: (home, c) => void writeKiroSessionFiles(join(home, '.kiro'), c),
      remove: (home, id) => ['json', 'jsonl'].forEach((ext) => rmSync(join(home, '.kiro', 'sessions', 'cli', `${id}.${ext}`))),
    },
    {
      name: 'Kiro database',
      write: (home, c) => {
        const db = openKiroDb(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
        db.prepare('DELETE FROM conversations_v2 WHERE conversation_id = ?').run(c.id);
        insertKiroConversation(db, c);
        db.close();
      },
      remove: (home, id) => {
        const db = openKiroDb(join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
        db.prepare('DELETE FROM conversations_v2 WHERE conversation_id = ?').run(id);
        db.close();
      },
    },
  ];
  for (const layout of layouts) {
    test(`${layout.name}: a session added, one deleted and a message appended between two one-shot searches are all seen`, (t) => {
      const home = tempDir(t);
      const ids = (query: string): string[] => {
        const r = runBin(['search', query, '--json'], testEnv(home));
        assert.equal(r.code, 0, r.stderr);
        return (JSON.parse(r.stdout) as Hit[]).map((h) => h.id).sort();
      };
      const first: Turn = { prompt: 'talk about the harbour', answer: 'the harbour is calm' };
      layout.write(home, conv('sess-one', first.prompt, first.answer));
      layout.write(home, conv('sess-two', 'another harbour question', 'yes'));
      assert.deepEqual(ids('harbour'), ['sess-one', 'sess-two']);
      assert.deepEqual(ids('harbour'), ['sess-one', 'sess-two'], 'nothing changed: the same answer');

      layout.write(home, conv('sess-three', 'a third harbour visit', 'ok'));
      assert.deepEqual(ids('harbour'), ['sess-one', 'sess-three', 'sess-two'], 'added');
      layout.remove(home, 'sess-two');
      assert.deepEqual(ids('harbour'), ['sess-one', 'sess-three'], 'deleted');
      layout.write(home, conv('sess-one', first.prompt, first.answer, { turns: [first, { prompt: 'now the lighthouse', answer: 'done' }] }));
      assert.deepEqual(ids('lighthouse'), ['sess-one'], 'a message appended');
      assert.deepEqual(ids('lighthouse'), ['sess-one']);
    });
  }

  test('building the index shows progress on a terminal, and nothing when piped', async (t) => {
    const home = tempDir(t);
    generateDemoHome(home);
    const tty = await runInProcess(['search', 'deploy'], testEnv(home), undefined, true);
    assert.match(tty.stderr, /\r\x1b\[Kindexing 28\/28 sessions/);
    assert.ok(tty.stderr.endsWith('\r\x1b[K'), 'the progress line is cleared');
    // Colour on a terminal: the match is bold, not bracketed.
    assert.match(tty.stdout, /\x1b\[1mDeploy\x1b\[22m|\x1b\[1mdeploy\x1b\[22m/);
    const noColor = await runInProcess(['search', 'deploy'], testEnv(home, { NO_COLOR: '1' }), undefined, true);
    assert.doesNotMatch(noColor.stdout, /\x1b\[/);
    rmSync(join(home, '.cache'), { recursive: true });
    const piped = await runInProcess(['search', 'deploy'], testEnv(home));
    assert.equal(piped.stderr, '');
  });

  test('a bulk build (over 200 sessions, read in worker threads) indexes every session; a later change goes through the delta', async (t) => {
    const home = tempDir(t);
    const kiro = join(home, '.kiro');
    const word = (i: number): string => `marker${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
    for (let i = 0; i < 230; i++) writeKiroSessionFiles(kiro, conv(`bulk-${i}`, `common words and ${word(i)} here`, 'shared answer'));
    const r = runBin(['search', 'common', '--json', '--limit', '1000'], testEnv(home));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).length, 230);
    for (const i of [0, 57, 144, 229]) assert.deepEqual((await search(home, `'${word(i)}`)).map((h) => h.id), [`bulk-${i}`]);
    writeKiroSessionFiles(kiro, conv('bulk-7', 'now about zeppelin', 'ok', { startMs: T + DAY }));
    assert.deepEqual((await search(home, 'zeppelin')).map((h) => h.id), ['bulk-7']);
    assert.deepEqual(await search(home, `'${word(7)}`), []);
  });

  test('a second process waits for the index instead of failing or rebuilding it; with nothing to update it does not wait', async (t) => {
    const home = tempDir(t);
    writeKimiCodeSession(join(home, '.kimi-code'), conv('session_a', 'alpha topic', 'answer'));
    assert.equal((await search(home, 'alpha')).length, 1);
    const store = IndexStore.open(join(home, '.cache', 'sessions'));
    t.after(() => store.close());
    const start = (): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; stderr: () => string } => {
      const child = spawn(process.execPath, [BIN, 'search', 'alpha', '--json'], { env: testEnv(home) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      return { done: new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr }))), stderr: () => stderr };
    };
    let slow: ReturnType<typeof start> | undefined;
    store.db.exec('BEGIN IMMEDIATE');
    try {
      // Nothing changed since the last search: the answer needs no write, so the lock held here does not matter.
      const quick = await start().done;
      assert.equal(quick.code, 0, quick.stderr);
      assert.doesNotMatch(quick.stderr, /waiting/);
      assert.equal(JSON.parse(quick.stdout).length, 1);

      // A new session: the index must be updated, and the second process waits for this one.
      writeKimiCodeSession(join(home, '.kimi-code'), conv('session_b', 'alpha again', 'answer'));
      const child = (slow = start());
      const until = Date.now() + 30_000;
      while (!/waiting for another sessions process/.test(child.stderr()) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      assert.match(child.stderr(), /waiting for another sessions process to finish updating the index/);
    } finally {
      store.db.exec('ROLLBACK');
    }
    const waited = await slow.done;
    assert.equal(waited.code, 0, waited.stderr);
    assert.deepEqual((JSON.parse(waited.stdout) as Hit[]).map((h) => h.id).sort(), ['session_a', 'session_b']);
  });

  test('a corrupt, half-built or older index is rebuilt, never fatal; deleting it loses nothing', async (t) => {
    const home = tempDir(t);
    writeKimiCodeSession(join(home, '.kimi-code'), conv('session_a', 'alpha topic', 'answer'));
    const dir = join(home, '.cache', 'sessions');
    const file = join(dir, `index-v${INDEX_VERSION}.sqlite3`);
    assert.equal((await search(home, 'alpha')).length, 1);
    assert.ok(existsSync(file));

    writeFileSync(file, 'garbage '.repeat(1000));
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    assert.equal((await search(home, 'alpha')).length, 1);

    const store = IndexStore.open(dir);
    store.setMeta('state', 'building');
    store.close();
    assert.equal((await search(home, 'alpha')).length, 1);

    writeFileSync(join(dir, 'index-v0.sqlite3'), 'old');
    assert.equal((await search(home, 'alpha')).length, 1);
    assert.ok(!existsSync(join(dir, 'index-v0.sqlite3')));

    rmSync(dir, { recursive: true });
    assert.equal((await search(home, 'alpha')).length, 1);
    assert.equal((await search(home, 'alpha', ['--no-cache'])).length, 1);
  });
});

test('the summary cache is kept newest first, so the first frame needs no sort; a cache written out of order is rewritten in order', async (t) => {
  const { SummaryCache } = await import('../src/catalog/summary-cache.js');
  const { tempDir } = await import('./helpers.js');
  const dir = tempDir(t);
  const cache = SummaryCache.load(dir);
  const session = (id: string, updatedAt: string): Session => ({
    source: 'kimi-code', id, title: id, titleSource: 'prompt', workDir: '/w', createdAt: updatedAt, updatedAt, turns: 1, messages: 2, bytes: 1, path: `/x/${id}`, inUse: false, archived: false, forkedFrom: null, sameAs: null, problems: [],
  });
  cache.put('k:old', 's1', session('old', '2026-01-01T00:00:00.000Z'));
  cache.put('k:new', 's2', session('new', '2026-03-01T00:00:00.000Z'));
  cache.put('k:mid', 's3', session('mid', '2026-02-01T00:00:00.000Z'));
  cache.save();
  assert.deepEqual(SummaryCache.load(dir).all().map((x) => x.id), ['new', 'mid', 'old']);
  // A file from before (rows in scan order): read as it is, written again in order at the next save.
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { rows: unknown[][] };
  data.rows.reverse();
  writeFileSync(file, JSON.stringify(data));
  const old = SummaryCache.load(dir);
  for (const [k, st] of [['k:old', 's1'], ['k:new', 's2'], ['k:mid', 's3']] as const) old.session(k, st);
  old.save();
  assert.deepEqual(SummaryCache.load(dir).all().map((x) => x.id), ['new', 'mid', 'old']);
});
