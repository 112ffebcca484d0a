// Kimi CLI (the older, Python agent): rename sets `custom_title` in
// state.json; a fork is a copy under a new uuid in the same bucket; a
// compaction rotates context.jsonl to context_<n>.jsonl and starts a new
// one from the summary, as the agent's own compaction clears its context.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KIMI_CLI_COMPACTION_MARKER } from './read.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { joinLines, readRawRecords, type RawRecord } from '../../util/jsonl.js';
import { contentText, isInjected, isRecord } from '../../util/text.js';
import { faultPoint } from '../../actions/faults.js';
import { copyTree } from '../../actions/file-ops.js';
import { sessionOf, type ActionTarget } from '../../actions/target.js';
import type { LayoutWriter } from '../contract.js';
import { readJsonDoc, writeJsonDoc, type JsonDoc } from '../json-doc.js';
import { stagedFolder } from '../place-kit.js';
import { endOfTurn, forkTitle, trimStrings } from '../write-kit.js';

function isFlat(t: ActionTarget): boolean {
  return Boolean(t.ref.hint['flat']);
}

const isContextTurn = (r: RawRecord): boolean => r.rec?.['role'] === 'user' && !isInjected(contentText(r.rec['content']));
const isWireTurn = (r: RawRecord): boolean => {
  const msg = r.rec?.['message'];
  return isRecord(msg) && msg['type'] === 'TurnBegin' && !isInjected(contentText(isRecord(msg['payload']) ? msg['payload']['user_input'] : ''));
};

function cutFile(path: string, atTurn: number, isStart: (r: RawRecord) => boolean, id: string): string {
  const records = readRawRecords(path);
  return joinLines(records.slice(0, endOfTurn(records, atTurn, isStart, id)));
}

/** state.json, or a new one when there is none or it cannot be read (`broken`: the agent then starts from defaults too). */
function stateDoc(dir: string): JsonDoc & { broken: boolean } {
  const path = join(dir, 'state.json');
  if (!existsSync(path)) return { value: { version: 1 }, indent: 2, broken: false };
  try {
    return { ...readJsonDoc(path, 'state.json'), broken: false };
  } catch {
    return { value: { version: 1 }, indent: 2, broken: true };
  }
}

export const kimiCliWriter: LayoutWriter = {
  trashPlan(t) {
    return { paths: [t.ref.path] };
  },

  trashParts: null,

  renameReplaces(t) {
    // An unreadable state.json is replaced by the rename; the action backs it up first.
    return !isFlat(t) && stateDoc(t.ref.path).broken ? [join(t.ref.path, 'state.json')] : [];
  },

  rename(t, title, env) {
    if (isFlat(t)) {
      // The oldest form is one context file with nowhere to keep a title.
      env.annotations.update('kimi-cli', t.ref.id, { title: title ?? undefined });
      return;
    }
    const doc = stateDoc(t.ref.path);
    doc.value['custom_title'] = title;
    if (title !== null) doc.value['title_generated'] = false;
    writeJsonDoc(join(t.ref.path, 'state.json'), doc);
  },

  fork(t, options, env) {
    const s = sessionOf(t);
    const id = randomUUID();
    const title = forkTitle(t, options);
    const bucket = dirname(t.ref.path);
    if (isFlat(t)) {
      const target = join(bucket, `${id}.jsonl`);
      const text = options.atTurn !== undefined ? cutFile(t.ref.path, options.atTurn, isContextTurn, s.id) : joinLines(readRawRecords(t.ref.path));
      writeFileAtomic(target, text);
      env.annotations.update('kimi-cli', id, { title, forkedFrom: s.id });
      return { id, path: target };
    }
    const state = stateDoc(t.ref.path);
    const target = join(bucket, id);
    stagedFolder(target, join(bucket, `.sessions-staging-${id}`), (staging) => {
      const cut = options.atTurn !== undefined;
      // A cut fork starts from the current context only: the rotated ones hold what came before a clear.
      copyTree(t.ref.path, staging, (rel) => rel === 'state.json' || (cut && /^(context(_\d+)?|wire)\.jsonl$/.test(rel)));
      if (cut) {
        for (const [name, isStart] of [
          ['context.jsonl', isContextTurn],
          ['wire.jsonl', isWireTurn],
        ] as const) {
          if (existsSync(join(t.ref.path, name))) writeFileAtomic(join(staging, name), cutFile(join(t.ref.path, name), options.atTurn!, isStart, s.id));
        }
      }
      Object.assign(state.value, { custom_title: title, title_generated: false, archived: false, archived_at: null });
      writeJsonDoc(join(staging, 'state.json'), state);
      faultPoint('fork.staged');
    });
    env.annotations.update('kimi-cli', id, { forkedFrom: s.id });
    return { id, path: target };
  },

  compact(t, summary) {
    if (isFlat(t)) throw new Error(`${t.ref.id} is in Kimi CLI's oldest one-file form, which the agent cannot compact; fork or export it instead`);
    const dir = t.ref.path;
    const context = join(dir, 'context.jsonl');
    const old = existsSync(context) ? readRawRecords(context) : [];
    const systemPrompt = old.find((r) => r.rec?.['role'] === '_system_prompt');
    const fresh: RawRecord[] = [
      ...(systemPrompt ? [systemPrompt] : []),
      { raw: JSON.stringify({ role: '_checkpoint', id: 0 }), rec: null },
      { raw: JSON.stringify({ role: 'user', content: `${KIMI_CLI_COMPACTION_MARKER}\n\n${summary}` }), rec: null },
    ];
    // Rotated as the agent rotates on clear: the old context stays, as context_<n>.jsonl. It is
    // copied first and the new context renamed over the old, so there is always a context.jsonl.
    const rotated = join(dir, `context_${nextRotation(dir)}.jsonl`);
    if (existsSync(context)) copyTree(context, rotated);
    try {
      faultPoint('compact.rotated');
      writeFileAtomic(context, joinLines(fresh));
    } catch (error) {
      rmSync(rotated, { force: true });
      throw error;
    }
    return { id: t.ref.id, path: dir };
  },

  shrink(t, limit) {
    const files = isFlat(t)
      ? [t.ref.path]
      : readdirSync(t.ref.path)
          .filter((n) => /^(context(_\d+)?|wire)\.jsonl$/.test(n))
          .map((n) => join(t.ref.path, n));
    for (const path of files) {
      let changed = false;
      const records = readRawRecords(path).map((r) => {
        const msg = isRecord(r.rec?.['message']) ? (r.rec!['message'] as Record<string, unknown>) : null;
        const target = r.rec?.['role'] === 'tool' ? r.rec : msg?.['type'] === 'ToolResult' ? msg['payload'] : null;
        if (!target || !trimStrings(target, limit)) return r;
        changed = true;
        return { raw: JSON.stringify(r.rec), rec: r.rec };
      });
      if (changed) writeFileAtomic(path, joinLines(records));
    }
  },
};

function nextRotation(dir: string): number {
  let n = 1;
  while (existsSync(join(dir, `context_${n}.jsonl`))) n++;
  return n;
}

