// node:test with a time limit on every test, so that a hang (or a Node 20
// assertion that takes minutes to build its message) fails with the test's
// name instead of stalling the run. The limit only catches hangs: it is
// many times the slowest test's time on a loaded machine, and
// SESSIONS_TEST_TIMEOUT (ms) changes it. The runner's own --test-timeout
// cannot do this: on Node 20 it also limits each whole file.
import * as nodeTest from 'node:test';

export { after, before, describe } from 'node:test';
export type { TestContext } from 'node:test';

export const TEST_TIMEOUT_MS = Number(process.env['SESSIONS_TEST_TIMEOUT'] ?? 300_000);

type TestFn = (t: nodeTest.TestContext) => void | Promise<void>;

export function test(name: string, fn: TestFn): Promise<void>;
export function test(name: string, options: nodeTest.TestOptions, fn: TestFn): Promise<void>;
export function test(name: string, a: nodeTest.TestOptions | TestFn, b?: TestFn): Promise<void> {
  const [options, fn] = typeof a === 'function' ? [{}, a] : [a, b];
  if (fn === undefined) throw new Error(`test "${name}" has no body`);
  return nodeTest.test(name, { timeout: TEST_TIMEOUT_MS, ...options }, fn);
}
