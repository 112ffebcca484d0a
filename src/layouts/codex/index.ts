// Codex CLI (OpenAI): rollouts under $CODEX_HOME (default ~/.codex). Listed,
// searched, shown, exported, deleted to the trash and restored (a rollout is
// one file; moving it is safe), renamed as `/rename` does it (a line in
// session_index.jsonl). Fork, compact and import are left to Codex itself:
// its compaction is the model's, and nothing here could judge a rollout we wrote.
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { appendLine } from '../../actions/file-ops.js';
import type { Layout } from '../contract.js';
import { CODEX_INDEX, CodexSource } from './read.js';

export const codex: Layout = {
  kind: 'codex',
  label: 'Codex',
  agent: 'codex',
  color: 'green',
  home: {
    flag: { name: 'codexHome', help: 'Codex        ($CODEX_HOME, else ~/.codex)' },
    locate: (at) => [at.flag ?? at.env('CODEX_HOME') ?? join(at.home, '.codex')],
  },
  source: (roots) => new CodexSource(roots[0]!),
  writer: {
    trashPlan: (t) => ({ paths: [t.ref.path] }),
    trashParts: null,
    cannotClear: 'Codex has no way back to an unnamed thread; give it a new name instead',
    rename(t, title, env) {
      // codex-rs/core/src/rollout/session_index.rs append_thread_name: one JSON line, the last for an id wins.
      if (title === null) throw new UserError('Codex has no way back to an unnamed thread', 'bad-input');
      appendLine(join(env.homes.roots.codex[0]!, CODEX_INDEX), JSON.stringify({ id: t.ref.id, thread_name: title, updated_at: new Date(env.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') }));
    },
    fork: { unsupported: 'fork it in Codex; a copy written here could not be checked by it, so nothing is written' },
    compact: { unsupported: 'use /compact in Codex; its compaction is made by its model' },
    shrink: { unsupported: 'Codex rollouts are not rewritten here' },
  },
  transfer: {
    place: { unsupported: 'Codex has no import of its own to follow' },
  },
  resume: (s) => ['codex', 'resume', s.id],
  picker: { command: 'codex', calls: [['resume']] },
  processes: ['codex'],
};
