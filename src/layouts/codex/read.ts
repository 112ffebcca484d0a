// Codex CLI rollouts: $CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl
// (archived ones in archived_sessions/), one `{timestamp, type, payload}`
// record per line; names a person gave live in session_index.jsonl. Every
// fact here is in docs/formats/codex.md with where it comes from.
import { join } from 'node:path';
import type { Transcript } from '../../model.js';
import { forEachRecord } from '../../util/jsonl.js';
import { readDir, statOrNull, statStamp } from '../../util/fsx.js';
import { argsText, firstLineTitle, isRecord, isoOrNull, str, toMs } from '../../util/text.js';
import { baseSession, type Reporter, type SessionRef, type Source } from '../../sources/source.js';
import { TranscriptBuilder, type ReadDepth } from '../../sources/transcript-builder.js';

/** `rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl`: the id is the uuid at the end (codex-rs/core/src/rollout/list.rs). */
const ROLLOUT_RE = /^rollout-(?:.*-)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;
export const CODEX_INDEX = 'session_index.jsonl';

/**
 * User-role messages the agent adds itself (environment, instructions,
 * aborted turns …) begin with one of these (codex-rs contextual_user_message.rs
 * and event_mapping.rs); they are never a person's prompt.
 */
const CONTEXT_PREFIXES = [
  '<environment_context>',
  '<user_instructions>',
  '<turn_aborted>',
  '<context_update>',
  '<tool_context>',
  '<reasoning_context>',
  '<pinned_notes>',
  '<subagent_notification>',
  '<user_shell_command>',
  '<skill',
  '# agents.md instructions',
];

export function isCodexContext(text: string): boolean {
  const t = text.trimStart().toLowerCase();
  return CONTEXT_PREFIXES.some((p) => t.startsWith(p));
}

/** The latest name of each thread, as `find_thread_name_by_id` reads it: the last line for an id wins. */
export function readThreadNames(codexHome: string, report?: Reporter): Map<string, string> {
  const names = new Map<string, string>();
  const path = join(codexHome, CODEX_INDEX);
  if (!statOrNull(path)) return names;
  const problems = forEachRecord(path, CODEX_INDEX, (rec) => {
    const id = str(rec['id']);
    const name = str(rec['thread_name']);
    if (!id || name === null) return;
    if (name.trim() === '') names.delete(id);
    else names.set(id, name);
  });
  for (const p of problems) report?.(path, p);
  return names;
}

export class CodexSource implements Source {
  readonly kind = 'codex' as const;

  constructor(private readonly home: string) {}

  scan(report: Reporter): SessionRef[] {
    const names = readThreadNames(this.home, report);
    const refs: SessionRef[] = [];
    const visit = (dir: string, depth: number, archived: boolean): void => {
      const listing = readDir(dir);
      if (listing.error && depth > 0) report(dir, `cannot list Codex sessions: ${listing.error}`);
      for (const e of listing.entries) {
        const path = join(dir, e.name);
        // sessions/YYYY/MM/DD/: three levels of folders; older versions wrote rollouts straight into sessions/.
        if (e.isDirectory()) {
          if (depth < 3 && /^\d+$/.test(e.name)) visit(path, depth + 1, archived);
          continue;
        }
        const m = ROLLOUT_RE.exec(e.name);
        if (!m || !(e.isFile() || e.isSymbolicLink())) continue;
        const st = statOrNull(path);
        if (!st) {
          report(path, 'skipped: cannot be read (dangling link?)');
          continue;
        }
        const id = m[1]!.toLowerCase();
        const name = names.get(id) ?? null;
        refs.push({
          source: this.kind,
          id,
          path,
          key: `codex:${path}`,
          // A rename changes only the index: the name is part of the stamp, so only that session is read again.
          stamp: `${statStamp(st)}|${name ?? ''}`,
          lastWriteMs: st.mtimeMs,
          locked: false,
          hint: { name, archived: archived ? 'yes' : null },
        });
      }
    };
    const sessions = join(this.home, 'sessions');
    if (statOrNull(sessions)) visit(sessions, 0, false);
    const archived = join(this.home, 'archived_sessions');
    if (statOrNull(archived)) visit(archived, 3, true);
    return refs;
  }

  read(ref: SessionRef, depth: ReadDepth = 'transcript'): Transcript {
    const session = baseSession(ref);
    const r = readRollout(ref.path, depth);
    session.problems.push(...r.problems);
    const b = r.builder;
    const name = ref.hint['name'];
    if (name) {
      session.title = name;
      session.titleSource = 'custom';
    } else if (b.firstPrompt !== null) {
      session.title = firstLineTitle(b.firstPrompt);
      session.titleSource = 'prompt';
    }
    session.workDir = r.cwd;
    // A time no date can hold (a damaged record) falls back to the file's.
    session.createdAt = isoOrNull(r.createdMs) ?? isoOrNull(b.firstTimeMs) ?? session.createdAt;
    session.updatedAt = isoOrNull(b.lastTimeMs) ?? session.updatedAt;
    if (session.updatedAt < session.createdAt) session.updatedAt = session.createdAt;
    session.turns = b.turns;
    session.messages = b.messageCount;
    session.bytes = statOrNull(ref.path)?.size ?? 0;
    session.archived = ref.hint['archived'] === 'yes';
    if (r.metaId && r.metaId.toLowerCase() !== ref.id) session.problems.push(`session_meta names thread ${r.metaId}, the file name ${ref.id}`);
    return { session, messages: b.messages };
  }

  close(): void {}
}

interface Rollout {
  builder: TranscriptBuilder;
  problems: string[];
  cwd: string | null;
  createdMs: number | null;
  metaId: string | null;
}

/**
 * One pass over a rollout. A person's prompt is the `user_message` event
 * (what Codex's own history shows); the user-role response item that
 * carries the same words beside it is the model's copy. Rollouts older than
 * those events have only the response items: their non-context user
 * messages are the prompts.
 */
export function readRollout(path: string, depth: ReadDepth = 'transcript'): Rollout {
  const b = new TranscriptBuilder(depth);
  const out: Rollout = { builder: b, problems: [], cwd: null, createdMs: null, metaId: null };
  let events = false;
  let lastItemPrompt: string | null = null;
  out.problems = forEachRecord(path, 'rollout', (rec) => {
    const t = toMs(rec['timestamp']);
    const p = isRecord(rec['payload']) ? rec['payload'] : {};
    switch (rec['type']) {
      case 'session_meta':
        out.metaId ??= str(p['id']);
        out.cwd ??= str(p['cwd']);
        out.createdMs ??= toMs(p['timestamp']) ?? t;
        b.touch(t);
        break;
      case 'turn_context':
        out.cwd ??= str(p['cwd']);
        b.touch(t);
        break;
      case 'event_msg':
        if (p['type'] === 'user_message') {
          const text = str(p['message']) ?? '';
          if (!events && lastItemPrompt !== null && lastItemPrompt === text) {
            // Its response item came first and was taken as the prompt.
            events = true;
            break;
          }
          events = true;
          b.prompt(text, t);
        } else b.touch(t);
        break;
      case 'response_item':
        lastItemPrompt = responseItem(b, p, t, events);
        break;
      case 'compacted': {
        const message = str(p['message']);
        if (message) b.summary(message, t);
        else b.touch(t);
        break;
      }
      default:
        // Records a newer Codex adds are read past.
        b.touch(t);
    }
  });
  return out;
}

/** Returns the text when a user item was taken as a prompt. */
function responseItem(b: TranscriptBuilder, p: Record<string, unknown>, t: number | null, events: boolean): string | null {
  switch (p['type']) {
    case 'message': {
      const text = itemText(p['content']);
      if (p['role'] === 'assistant') {
        if (text) b.assistantText(text, t);
        else b.touch(t);
      } else if (p['role'] === 'user' && !events && text && !isCodexContext(text)) {
        b.prompt(text, t);
        return text;
      } else b.touch(t);
      return null;
    }
    case 'reasoning': {
      // Only the readable summary; encrypted_content is the model's, never shown.
      const summary = Array.isArray(p['summary']) ? p['summary'].map((s) => (isRecord(s) ? (str(s['text']) ?? '') : '')).filter(Boolean).join('\n') : '';
      if (summary) b.thinking(summary, t);
      else b.touch(t);
      return null;
    }
    case 'function_call':
      b.toolCall(str(p['name']) ?? 'tool', str(p['call_id']) ?? undefined, str(p['arguments']) ?? argsText(p['arguments']), t);
      return null;
    case 'custom_tool_call':
      b.toolCall(str(p['name']) ?? 'tool', str(p['call_id']) ?? undefined, str(p['input']) ?? argsText(p['input']), t);
      return null;
    case 'local_shell_call':
      b.toolCall('shell', str(p['call_id']) ?? str(p['id']) ?? undefined, argsText(p['action']), t);
      return null;
    case 'web_search_call':
      b.toolCall('web_search', str(p['id']) ?? undefined, argsText(p['action']), t);
      return null;
    case 'function_call_output':
    case 'custom_tool_call_output': {
      const output = p['output'];
      const text = typeof output === 'string' ? output : isRecord(output) ? (str(output['content']) ?? itemText(output['content'])) : itemText(output);
      const failed = isRecord(output) && output['success'] === false;
      b.toolResult(str(p['call_id']) ?? undefined, text, failed, t);
      return null;
    }
    default:
      b.touch(t);
      return null;
  }
}

/** Text of content items: `input_text`, `output_text` (and plain `text`); images are named. */
function itemText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const c of content) {
    if (!isRecord(c)) continue;
    if (typeof c['text'] === 'string') parts.push(c['text']);
    else if (c['type'] === 'input_image') parts.push('[image]');
  }
  return parts.join('\n');
}
