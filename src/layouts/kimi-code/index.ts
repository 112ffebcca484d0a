// Kimi Code (the current agent): ~/.kimi-code/sessions/<work-dir key>/<id>/,
// with state.json, agents/<id>/wire.jsonl and the agent's session_index.jsonl.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { appendLine } from '../../actions/file-ops.js';
import { isRecord, str } from '../../util/text.js';
import type { Layout } from '../contract.js';
import { isFreeId, parseObject, writeTree } from '../place-kit.js';
import { kimiCodeWorkDirKey } from './paths.js';
import { KimiCodeSource } from './read.js';
import { kimiCodeWriter } from './write.js';

export const kimiCode: Layout = {
  kind: 'kimi-code',
  label: 'Kimi Code',
  agent: 'kimi',
  color: 'cyan',
  home: {
    flag: { name: 'kimiCodeHome', help: 'Kimi Code    ($KIMI_CODE_HOME, else ~/.kimi-code)' },
    locate: (at) => [at.flag ?? at.env('KIMI_CODE_HOME') ?? join(at.home, '.kimi-code')],
  },
  // Kimi Code has its own fields for titles and forks: no notes laid over it.
  source: (roots) => new KimiCodeSource(roots[0]!),
  writer: kimiCodeWriter,
  transfer: {
    // `kimi export` leaves out the agents' file-history snapshots (copies of the user's files, not the conversation).
    keep: (path) => !path.split('/').includes('file-history'),
    zipManifest: (t, env) => {
      const s = t.transcript.session;
      // The fields `kimi export` writes that we can know.
      return {
        sessionId: s.id,
        exportedAt: new Date(env.now()).toISOString(),
        wireProtocolVersion: '1.5',
        sessionFirstActivity: s.createdAt,
        sessionLastActivity: s.updatedAt,
        workspaceDir: s.workDir,
      };
    },
    // A `kimi export` ZIP has no `source`; its manifest names the session and it holds state.json or agents/.
    recognize: (manifest, files) =>
      str(manifest['sessionId']) && files.some((f) => f.path === 'state.json' || f.path === 'session-meta/state.json' || f.path.startsWith('agents/')) ? {} : null,
    place(b, roots, options) {
      if (!b.workDir) throw new UserError('the export names no work dir; give one with --dir', 'bad-input');
      const sessions = join(roots[0]!, 'sessions');
      const taken = (id: string): boolean => existsSync(sessions) && readdirSync(sessions).some((bucket) => existsSync(join(sessions, bucket, id)));
      const id = isFreeId(b.id, taken) ? b.id : `session_${randomUUID()}`;
      const target = join(sessions, kimiCodeWorkDirKey(b.workDir), id);
      if (options.dryRun) return { id, path: target, workDir: b.workDir };
      // The state the agent reads: state.json, else the older session-meta/state.json (sessionIndexSource.ts).
      const statePath = b.files.some((f) => f.path === 'state.json') ? 'state.json' : 'session-meta/state.json';
      const files = b.files.map((f) => (f.path === statePath ? { ...f, data: retargetState(f.data, id, target, b.workDir!) } : f));
      writeTree(target, files);
      appendLine(join(roots[0]!, 'session_index.jsonl'), JSON.stringify({ sessionId: id, sessionDir: target, workDir: b.workDir }));
      return { id, path: target, workDir: b.workDir };
    },
  },
  resume: (s) => ['kimi', '--session', s.id],
  picker: { command: 'kimi', calls: [['--session'], ['-S']] },
  processes: ['kimi', 'kimi-code'],
};

/** state.json of an imported session, pointing at its new place and id. */
function retargetState(data: Buffer, id: string, dir: string, workDir: string): Buffer {
  const state = parseObject(data, 'state.json');
  state['id'] = id;
  // The agent resumes a session only from its own directory: the folder key, the index and cwd agree.
  state['cwd'] = workDir;
  if (isRecord(state['agents'])) {
    for (const [agentId, agent] of Object.entries(state['agents'])) {
      if (isRecord(agent)) agent['homedir'] = join(dir, 'agents', agentId);
    }
  }
  return Buffer.from(JSON.stringify(state));
}
