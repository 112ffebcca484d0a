// The phrase check on its own: the raw test on stored JSON (a necessary
// condition, so it must never say no to a message that holds the phrase) and
// the exact check on messages, with tool output in or out.
import assert from 'node:assert/strict';
import { test } from './harness.js';
import { normalizePhrase, phraseChecker, rawPhraseTest } from '../src/search/phrases.js';

test('the raw test finds a phrase in stored JSON across escaped white space and accents, in order only', () => {
  const raw = (phrase: string, json: string) => rawPhraseTest(normalizePhrase(phrase))!.test(json);
  assert.equal(raw('hello world', '{"text":"say Hello World"}'), true);
  assert.equal(raw('hello world', '{"text":"hello\\nworld"}'), true, 'a newline escaped in JSON');
  assert.equal(raw('hello world', '{"text":"hello\\t \\r\\nworld"}'), true, 'several escaped spaces');
  assert.equal(raw('hello world', '{"text":"hello\u00a0world"}'), true, 'a no-break space');
  assert.equal(raw('hello world', '{"text":"world hello"}'), false, 'order matters');
  assert.equal(raw('hello world', '{"text":"helloworld"}'), false, 'the words are apart');
  // Accents in the stored text: the first and the last letters of the table, and a combining mark.
  assert.equal(raw('a la carte', '{"text":"À la carte"}'), true);
  assert.equal(raw('cafe creme', '{"text":"Café crème"}'), true);
  assert.equal(raw('cafe', '{"text":"Cafe\u0301"}'), true, 'e and a combining acute');
  assert.equal(raw('y', '{"text":"\u0233"}'), true, 'ȳ, the last letter of Latin Extended-B with a base');
  assert.equal(raw('under_score 42', '{"text":"under_score 42"}'), true);
});

test('the raw test is only made for plain ASCII words: other phrases are checked exactly', () => {
  for (const phrase of ['日本語 テスト', 'naïve', 'a.b', 'x-y']) assert.equal(rawPhraseTest(phrase), null, phrase);
  assert.ok(rawPhraseTest('plain words 2') instanceof RegExp);
});

test('the exact check: words in order in one message; tool output only when asked', () => {
  const doc: Array<[string, string]> = [
    ['user', 'Deploy the webshop'],
    ['assistant', 'First the tests,\nthen the\tbuild.'],
    ['tool', 'const result = add(2, 3)'],
    ['user', 'Café  crème'],
  ];
  const withTools = phraseChecker(doc, true);
  const withoutTools = phraseChecker(doc, false);
  for (const check of [withTools, withoutTools]) {
    assert.equal(check(normalizePhrase('deploy the')), true);
    assert.equal(check(normalizePhrase('then the build')), true, 'across a newline and a tab');
    assert.equal(check(normalizePhrase('the deploy')), false, 'order matters');
    assert.equal(check(normalizePhrase('webshop first')), false, 'not across two messages');
    assert.equal(check(normalizePhrase('cafe creme')), true, 'accents and double spaces, without the first word in ASCII');
  }
  assert.equal(withTools(normalizePhrase('result = add')), true);
  assert.equal(withoutTools(normalizePhrase('result = add')), false, 'tool output left out');
  // Asking twice gives the same answer (the normalized text is kept).
  assert.equal(withTools(normalizePhrase('result = add')), true);
});
