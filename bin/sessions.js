#!/usr/bin/env node
// The installed command. All logic lives in the compiled TypeScript.
import { runCli } from '../dist/cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
