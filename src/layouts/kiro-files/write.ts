// Kiro CLI's session files: <id>.json (metadata with `title`) and <id>.jsonl
// (the append-only log). A compaction is a `Compaction` entry in the log;
// a fork is a new pair of files under a new id.
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { joinLines, readRawRecords, type RawRecord } from '../../util/jsonl.js';
import { isRecord } from '../../util/text.js';
import { faultPoint } from '../../actions/faults.js';
import type { ActionTarget } from '../../actions/target.js';
import { readJsonDoc, writeJsonDoc } from '../json-doc.js';
import { takeLock } from './lock.js';
import type { LayoutWriter } from '../contract.js';
import { endOfTurn, forkTitle, trimStrings } from '../write-kit.js';

function files(t: ActionTarget): { dir: string; meta: string; log: string } {
  const dir = t.ref.hint['dir'] ?? '';
  return { dir, meta: join(dir, `${t.ref.id}.json`), log: join(dir, `${t.ref.id}.jsonl`) };
}

function logRecords(path: string): RawRecord[] {
  return existsSync(path) ? readRawRecords(path) : [];
}

function entry(kind: string, data: Record<string, unknown>): RawRecord {
  const rec = { version: 'v1', kind, data };
  return { raw: JSON.stringify(rec), rec };
}

export const kiroFilesWriter: LayoutWriter = {
  trashPlan(t) {
    const f = files(t);
    return { paths: [f.meta, f.log] };
  },

  trashParts: null,

  // As `--delete-session`: the file side takes the lock and removes only .json and .jsonl.
  lockFor: (t, force) => takeLock(join(files(t).dir, `${t.ref.id}.lock`), force),

  rename(t, title, env) {
    const { meta } = files(t);
    const doc = readJsonDoc(meta, `${t.ref.id}.json`);
    doc.value['title'] = title;
    writeJsonDoc(meta, doc);
    // The agent writes its own generated title into the same field; the note says this one was chosen.
    env.annotations.update('kiro-files', t.ref.id, { title: title ?? undefined });
  },

  fork(t, options, env) {
    const f = files(t);
    const id = randomUUID();
    const meta = readJsonDoc(f.meta, `${t.ref.id}.json`);
    let records = logRecords(f.log);
    if (options.atTurn !== undefined) records = records.slice(0, endOfTurn(records, options.atTurn, (r) => r.rec?.['kind'] === 'Prompt', t.ref.id));
    const now = new Date(env.now()).toISOString();
    Object.assign(meta.value, { session_id: id, title: forkTitle(t, options), created_at: now, updated_at: now });
    const log = join(f.dir, `${id}.jsonl`);
    // The log first: a metadata file is what makes the session appear, so it goes last.
    writeFileAtomic(log, joinLines(records));
    try {
      faultPoint('fork.staged');
      writeJsonDoc(join(f.dir, `${id}.json`), meta);
    } catch (error) {
      rmSync(log, { force: true });
      throw error;
    }
    env.annotations.update('kiro-files', id, { forkedFrom: t.ref.id });
    return { id, path: join(f.dir, `${id}.json`) };
  },

  compact(t, summary) {
    const f = files(t);
    const records = [...logRecords(f.log), entry('Compaction', { summary, strategy: 'default', messages_snapshot: [] })];
    writeFileAtomic(f.log, joinLines(records));
    return { id: t.ref.id, path: f.meta };
  },

  shrink(t, limit) {
    const f = files(t);
    let changed = false;
    const records = logRecords(f.log).map((r) => {
      if (r.rec?.['kind'] !== 'ToolResults' || !isRecord(r.rec['data']) || !trimStrings(r.rec['data'], limit)) return r;
      changed = true;
      return { raw: JSON.stringify(r.rec), rec: r.rec };
    });
    if (changed) writeFileAtomic(f.log, joinLines(records));
  },
};
