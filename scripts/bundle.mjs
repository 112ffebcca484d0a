// The command as one ESM bundle (dist/bundle/), split where the code loads
// on demand: Node resolves and links each module of an ES module graph
// separately, and at ~60 modules that was 40 ms of every start, the picker's
// included (issue 16). tsc still checks the types and writes dist/ for the
// benches; this only packs what the command runs. Flat output: the index
// worker (prepare-worker.js) sits beside the chunk that starts it.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts', 'src/search/prepare-worker.ts'],
  outdir: 'dist/bundle',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Native (better-sqlite3) and files read beside its own code (neo-blessed's terminfo): left as packages.
  external: ['better-sqlite3', 'neo-blessed'],
  // The CommonJS packages packed in (adm-zip, bytes) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __sessionsRequire } from 'node:module'; const require = __sessionsRequire(import.meta.url);" },
  logLevel: 'warning',
});
