// npm run test:mutation [group…]: StrykerJS over the safety modules, one group
// at a time (scripts/mutation.mjs sets MUTATION_GROUP). Groups keep a rerun
// after a new test to the module it is about, and each group lists only the
// test files that exercise it: a mutant runs every test file that covers it,
// so a needless file costs seconds per mutant. Only in-process test files can
// kill a mutant; a test that spawns the built command runs dist/, not the
// mutated source. Not in CI: the whole run takes over an hour on two cores.
export const groups = {
  phrases: {
    mutate: ['src/search/phrases.ts'],
    testFiles: ['test/phrases.test.ts', 'test/search.test.ts', 'test/samples/search-samples.test.ts'],
  },
  dialogs: {
    mutate: ['src/tui/reducer.ts:369-408'],
    testFiles: ['test/tui-reducer.test.ts', 'test/tui-screen.test.ts'],
  },
  paths: {
    // import's checks on names inside an archive, and the bundle's own check
    mutate: ['src/actions/import.ts:49-99', 'src/layouts/place-kit.ts:31-60', 'src/actions/bundle.ts:53-61'],
    testFiles: ['test/safety-guards.test.ts', 'test/actions-safety.test.ts', 'test/actions.test.ts', 'test/cli.test.ts'],
  },
  trash: {
    mutate: ['src/actions/trash.ts', 'src/actions/remove.ts', 'src/layouts/kiro-sqlite/write.ts:16-75', 'src/layouts/kimi-code/write.ts:22-47'],
    testFiles: ['test/trash.test.ts', 'test/safety-guards.test.ts', 'test/actions-safety.test.ts', 'test/actions.test.ts', 'test/clean.test.ts', 'test/cli.test.ts', 'test/tui-screen.test.ts'],
  },
  writers: {
    mutate: ['src/actions/compact.ts', 'src/layouts/**/*.ts'],
    testFiles: ['test/writers.test.ts', 'test/safety-guards.test.ts', 'test/actions-safety.test.ts', 'test/actions.test.ts', 'test/contract.test.ts', 'test/cli.test.ts'],
  },
};

const name = process.env.MUTATION_GROUP ?? 'phrases';
const group = groups[name];
if (!group) throw new Error(`no mutation group ${name}`);

export default {
  testRunner: 'tap',
  tap: { testFiles: group.testFiles, nodeArgs: ['-r', '{{hookFile}}', '--import', 'tsx'] },
  mutate: group.mutate,
  ignorePatterns: ['.bench', 'reports', '.stryker-tmp'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60000,
  // No incremental mode: after an edit it mapped old results onto moved lines.
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
