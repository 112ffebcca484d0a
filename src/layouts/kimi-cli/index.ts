// Kimi CLI (the older, Python agent): ~/.kimi/sessions/<md5 of work dir>/<id>/
// (context.jsonl, wire.jsonl, state.json), the oldest as one <id>.jsonl, and
// kimi.json naming the work dirs.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { AnnotatedSource } from '../../sources/annotations.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { readJsonObject } from '../../util/fsx.js';
import { isRecord } from '../../util/text.js';
import type { Layout } from '../contract.js';
import { isFreeId, writeTree } from '../place-kit.js';
import { kimiCliBucket } from './paths.js';
import { KimiCliSource } from './read.js';
import { kimiCliWriter } from './write.js';

export const kimiCli: Layout = {
  kind: 'kimi-cli',
  label: 'Kimi CLI',
  agent: 'kimi',
  color: 'blue',
  home: {
    flag: { name: 'kimiHome', help: 'Kimi CLI     ($KIMI_SHARE_DIR, else ~/.kimi)' },
    locate: (at) => [at.flag ?? at.env('KIMI_SHARE_DIR') ?? join(at.home, '.kimi')],
  },
  source: (roots, data) => new AnnotatedSource(new KimiCliSource(roots[0]!), data),
  writer: kimiCliWriter,
  transfer: {
    // The oldest one-file form is its context; it comes back as a folder session.
    files: (t) => (t.ref.hint['flat'] ? [{ path: 'context.jsonl', data: readFileSync(t.ref.path) }] : null),
    place(b, roots, options) {
      if (!b.workDir) throw new UserError('the export names no work dir; give one with --dir', 'bad-input');
      const bucket = join(roots[0]!, 'sessions', kimiCliBucket(b.workDir));
      const id = isFreeId(b.id, (id) => existsSync(join(bucket, id)) || existsSync(join(bucket, `${id}.jsonl`))) ? b.id : randomUUID();
      const target = join(bucket, id);
      if (options.dryRun) return { id, path: target, workDir: b.workDir };
      writeTree(target, b.files);
      registerWorkDir(roots[0]!, b.workDir);
      return { id, path: target, workDir: b.workDir };
    },
  },
  resume: (s) => ['kimi', '--session', s.id],
  picker: { command: 'kimi', calls: [['--session'], ['-S']] },
  processes: ['kimi', 'kimi-cli'],
  /**
   * `kimi migrate` imports a Kimi CLI session into Kimi Code as `ses_<uuid>`
   * and keeps both. The import records its original (Kimi Code's reader
   * fills `sameAs`); the original learns of its import here.
   */
  linkTwins(sessions, refs) {
    const kimiCodeIds = new Set(refs.filter((r) => r.source === 'kimi-code').map((r) => r.id));
    for (const s of sessions) {
      if (s.source === 'kimi-cli' && kimiCodeIds.has(`ses_${s.id}`)) s.sameAs = { source: 'kimi-code', id: `ses_${s.id}` };
    }
  },
};

/** Adds a work dir to kimi.json (as the agent does for a new session), keeping every other field. */
function registerWorkDir(kimiHome: string, workDir: string): void {
  const path = join(kimiHome, 'kimi.json');
  const read = readJsonObject(path);
  if (!read.ok && !read.missing) return; // a broken kimi.json is left alone: the session lists without its work dir
  const data = read.ok ? read.value : { work_dirs: [] };
  const dirs = Array.isArray(data['work_dirs']) ? data['work_dirs'] : (data['work_dirs'] = []);
  if (dirs.some((w) => isRecord(w) && w['path'] === workDir && (w['kaos'] ?? 'local') === 'local')) return;
  dirs.push({ path: workDir, kaos: 'local', last_session_id: null });
  writeFileAtomic(path, JSON.stringify(data, null, 2), { mkdirMode: 0o700 });
}
