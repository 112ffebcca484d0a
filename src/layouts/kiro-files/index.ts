// Kiro CLI's session files: ~/.kiro/sessions/cli/<id>.json (metadata) and
// <id>.jsonl (the log), with <id>.lock while the agent has it open.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { AnnotatedSource } from '../../sources/annotations.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { Layout } from '../contract.js';
import { isFreeId, parseObject } from '../place-kit.js';
import { KiroFilesSource } from './read.js';
import { kiroFilesWriter } from './write.js';

export const kiroFiles: Layout = {
  kind: 'kiro-files',
  label: 'Kiro files',
  agent: 'kiro',
  color: 'yellow',
  home: {
    flag: { name: 'kiroHome', help: 'Kiro session files (~/.kiro; $KIRO_TEST_SESSIONS_DIR\n                             names their folder itself)' },
    // The root is the sessions folder: util/paths.rs sessions_dir, which KIRO_TEST_SESSIONS_DIR overrides.
    locate: (at) => [at.flag ? join(at.flag, 'sessions', 'cli') : (at.env('KIRO_TEST_SESSIONS_DIR') ?? join(at.home, '.kiro', 'sessions', 'cli'))],
  },
  source: (roots, data) => new AnnotatedSource(new KiroFilesSource(roots[0]!), data),
  writer: kiroFilesWriter,
  transfer: {
    place(b, roots, options) {
      const dir = roots[0]!;
      const meta = b.files.find((f) => f.path.endsWith('.json') && !f.path.includes('/'));
      const log = b.files.find((f) => f.path.endsWith('.jsonl') && !f.path.includes('/'));
      if (!meta) throw new UserError('the export has no Kiro session metadata (<id>.json)', 'bad-input');
      const id = isFreeId(b.id, (id) => existsSync(join(dir, `${id}.json`)) || existsSync(join(dir, `${id}.jsonl`))) ? b.id : randomUUID();
      const path = join(dir, `${id}.json`);
      if (options.dryRun) return { id, path, workDir: b.workDir };
      const metaValue = parseObject(meta.data, 'the session metadata');
      metaValue['session_id'] = id;
      if (b.workDir && typeof metaValue['cwd'] !== 'string') metaValue['cwd'] = b.workDir;
      // The log first: a metadata file is what makes the session appear.
      if (log) writeFileAtomic(join(dir, `${id}.jsonl`), log.data, { mkdirMode: 0o700 });
      writeFileAtomic(path, JSON.stringify(metaValue, null, 2), { mkdirMode: 0o700 });
      return { id, path, workDir: b.workDir };
    },
  },
  resume: (s) => ['kiro-cli', 'chat', '--resume-id', s.id],
};
