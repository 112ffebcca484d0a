#!/usr/bin/env node
// The installed command. All logic lives in the compiled TypeScript.
import module from 'node:module';

// Node 22+ can keep compiled code between runs: a faster start for a command run many times a day.
module.enableCompileCache?.();

// A reader that goes away (`sessions show X | head -1`) ends the command quietly, as it ends cat or grep.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

// The bundle (scripts/bundle.mjs): one graph of a few chunks starts faster than dist/'s sixty modules.
const { runCli } = await import('../dist/bundle/cli.js');
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  // Questions (clean's "move them?") only when a person is at a terminal; scripts pass --yes.
  confirm: process.stdin.isTTY && process.stderr.isTTY ? ask : undefined,
});

async function ask(question) {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
