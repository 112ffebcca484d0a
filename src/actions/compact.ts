// Compact without a model: a summary from the transcript (or the person's
// summarizer script) recorded the way the agent records its own compaction,
// so resuming starts from it. The original goes to the trash first, as a copy.
import { existsSync } from 'node:fs';
import type { SourceKind } from '../model.js';
import { faultPoint } from './faults.js';
import { pathBytes } from './file-ops.js';
import { writeAction, writerFor } from '../layouts/registry.js';
import { buildSummary, runSummarizer } from './summary.js';
import { assertNotInUse, sessionOf, type ActionEnv, type ActionTarget } from './target.js';
import { Trash, trashedSession, type TrashPlan } from './trash.js';

/** `--shrink` cuts tool outputs longer than this many characters. */
export const SHRINK_LIMIT = 4000;

export interface CompactOptions {
  /** A shell command: transcript JSON on stdin, summary on stdout. */
  summarizer?: string;
  shrink?: boolean;
  force?: boolean;
  dryRun?: boolean;
  /** Where the summarizer runs. */
  cwd: string;
}

export interface CompactResult {
  action: 'compact';
  source: SourceKind;
  id: string;
  /** The session that carries the summary: the same id, or Kiro's new row. */
  resultId: string;
  /** The trash entry holding the original (null on a dry run). */
  backup: string | null;
  summary: string;
  bytesBefore: number;
  bytesAfter: number;
  dryRun: boolean;
}

export function compactSession(env: ActionEnv, t: ActionTarget, options: CompactOptions): CompactResult {
  const s = sessionOf(t);
  assertNotInUse(t, options.force ?? false, 'compacting');
  // The script runs in the session's work dir when that still exists.
  const cwd = s.workDir && existsSync(s.workDir) ? s.workDir : options.cwd;
  const summary = options.summarizer ? runSummarizer(options.summarizer, t.transcript, cwd) : buildSummary(t.transcript);
  const compact = writeAction(s.source, 'compact');
  const shrink = options.shrink ? writeAction(s.source, 'shrink') : null;
  const writer = writerFor(s.source);
  const plan = writer.trashPlan(t, env);
  const bytesBefore = planBytes(s.source, plan);
  const base = { action: 'compact' as const, source: s.source, id: s.id, summary, bytesBefore };
  if (options.dryRun) return { ...base, resultId: s.id, backup: null, bytesAfter: bytesBefore, dryRun: true };
  const trash = new Trash(env.homes.data);
  const backup = trash.put([{ info: trashedSession(s), plan }], 'compact', true);
  let created;
  try {
    faultPoint('compact.backed-up');
    created = compact(t, summary, env);
  } catch (error) {
    // Nothing was compacted: the backup copy is not needed.
    trash.purge([backup]);
    throw error;
  }
  // A layout that compacts into a new session (Kiro's database: a new row) says where it is.
  const result: ActionTarget = created.id === t.ref.id ? t : { ...t, ref: created.ref ?? { ...t.ref, id: created.id } };
  if (shrink) shrink(result, SHRINK_LIMIT, env);
  env.wrote(s.source, [...new Set([s.id, created.id])]);
  const after = created.id === t.ref.id ? plan : writer.trashPlan(result, env);
  return { ...base, resultId: created.id, backup: backup.id, bytesAfter: planBytes(s.source, after), dryRun: false };
}

function planBytes(kind: SourceKind, plan: TrashPlan): number {
  let n = 0;
  for (const p of plan.paths) n += pathBytes(p);
  const parts = writerFor(kind).trashParts;
  if (plan.extra !== undefined && parts) n += parts.bytes(plan.extra);
  return n;
}
