#!/usr/bin/env node
// Runs the mutation groups of stryker.config.mjs one after another (all, or
// the ones named on the command line), then prints the score of every mutated
// file from the JSON reports, including groups run earlier.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { groups } from '../stryker.config.mjs';

const asked = process.argv.slice(2);
for (const name of asked) {
  if (!groups[name]) {
    console.error(`sessions mutation: no group "${name}" (groups: ${Object.keys(groups).join(', ')})`);
    process.exit(2);
  }
}
let failed = false;
for (const name of asked.length ? asked : Object.keys(groups)) {
  console.log(`\n== mutation group ${name}`);
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
    stdio: 'inherit',
    // the sandbox is two folders deeper, so ../shared/samples would miss
    env: { SESSIONS_SAMPLES: resolve('..', 'shared', 'samples'), ...process.env, MUTATION_GROUP: name },
  });
  if (run.status !== 0) failed = true;
}

const rows = [];
for (const name of Object.keys(groups)) {
  const file = `reports/mutation/${name}.json`;
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const [path, { mutants }] of Object.entries(report.files)) {
    const count = (status) => mutants.filter((m) => m.status === status).length;
    const killed = count('Killed') + count('Timeout');
    const survived = count('Survived');
    const none = count('NoCoverage');
    const score = killed + survived + none ? (100 * killed) / (killed + survived + none) : 100;
    rows.push({ path, score, killed, survived, none });
  }
}
console.log('\n| module | score | killed | survived | no coverage |\n| --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| \`${r.path.replace(/^src\//, '')}\` | ${r.score.toFixed(1)}% | ${r.killed} | ${r.survived} | ${r.none} |`);
}
process.exit(failed ? 1 : 0);
