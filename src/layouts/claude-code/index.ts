// Claude Code (Anthropic): transcripts under $CLAUDE_CONFIG_DIR or ~/.claude.
// Its source is not public: listed, searched, shown, exported, deleted to the
// trash and restored (the transcript file and the session's own folder move
// whole), never written to. Rename, fork, compact and import are left off:
// its documentation does not say what its own /rename or /compact write.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from '../contract.js';
import { ClaudeCodeSource } from './read.js';

// Claude Code's documentation does not say what the agent writes for these, and its source is not public.
const NOT_DOCUMENTED = 'what Claude Code writes for it is not public, so nothing is written';

export const claudeCode: Layout = {
  kind: 'claude-code',
  label: 'Claude Code',
  agent: 'claude',
  color: 'red',
  home: {
    flag: { name: 'claudeHome', help: 'Claude Code  ($CLAUDE_CONFIG_DIR, else ~/.claude)' },
    locate: (at) => [at.flag ?? at.env('CLAUDE_CONFIG_DIR') ?? join(at.home, '.claude')],
  },
  source: (roots) => new ClaudeCodeSource(roots[0]!),
  writer: {
    // The transcript, then its folder (subagents, saved tool results) when it has one.
    trashPlan: (t) => {
      const folder = join(t.ref.hint['dir'] ?? '', t.ref.id);
      return { paths: existsSync(folder) ? [t.ref.path, folder] : [t.ref.path] };
    },
    trashParts: null,
    rename: { unsupported: `use /rename in Claude Code; ${NOT_DOCUMENTED}` },
    fork: { unsupported: `use claude --resume <id> --fork-session; ${NOT_DOCUMENTED}` },
    compact: { unsupported: `use /compact in Claude Code; ${NOT_DOCUMENTED}` },
    shrink: { unsupported: NOT_DOCUMENTED },
  },
  transfer: {
    place: { unsupported: 'Claude Code has no import of its own to follow' },
  },
  resume: (s) => ['claude', '--resume', s.id],
  picker: { command: 'claude', calls: [['--resume'], ['-r']] },
  processes: ['claude'],
};
