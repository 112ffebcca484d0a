// The summary a compaction leaves behind, made without a model: what the
// person asked first and later, which files and tools were touched, and the
// last answer. Or the output of the person's own summarizer script.
import { spawnSync } from 'node:child_process';
import type { Transcript } from '../model.js';
import { cut, isRecord } from '../util/text.js';

const PROMPT_CHARS = 300;
const MAX_LATER_PROMPTS = 20;
const MAX_FILES = 40;
const ANSWER_CHARS = 2000;
/** Argument names the agents' file tools use for paths. */
const PATH_KEYS = new Set(['path', 'file_path', 'filePath', 'filename', 'file', 'paths', 'target_file', 'notebook_path']);

export function buildSummary(t: Transcript): string {
  const prompts = t.messages.filter((m) => m.role === 'user' && !m.tool).map((m) => m.text.trim()).filter(Boolean);
  const tools = new Map<string, number>();
  const files = new Set<string>();
  let lastAnswer = '';
  for (const m of t.messages) {
    if (m.role === 'assistant' && m.tool && !m.thinking) {
      tools.set(m.tool.name, (tools.get(m.tool.name) ?? 0) + 1);
      for (const p of pathsIn(m.tool.args)) files.add(p);
    } else if (m.role === 'assistant' && !m.tool && !m.thinking && m.text.trim() !== '') {
      lastAnswer = m.text.trim();
    }
  }
  const out: string[] = ['## Summary of the conversation so far', ''];
  out.push('### Goal', prompts[0] ? cut(prompts[0], PROMPT_CHARS * 3) : '(no prompt recorded)', '');
  const later = prompts.slice(1);
  if (later.length > 0) {
    out.push('### Later requests');
    const shown = later.slice(-MAX_LATER_PROMPTS);
    if (later.length > shown.length) out.push(`- (${later.length - shown.length} earlier requests left out)`);
    for (const p of shown) out.push(`- ${cut(p.replace(/\s+/g, ' '), PROMPT_CHARS)}`);
    out.push('');
  }
  if (files.size > 0) {
    const list = [...files];
    out.push('### Files touched', ...list.slice(0, MAX_FILES).map((f) => `- ${f}`));
    if (list.length > MAX_FILES) out.push(`- … and ${list.length - MAX_FILES} more`);
    out.push('');
  }
  if (tools.size > 0) {
    const used = [...tools].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} (${n})`);
    out.push('### Tools used', used.join(', '), '');
  }
  out.push('### Last answer', lastAnswer ? cut(lastAnswer, ANSWER_CHARS) : '(none yet)');
  return out.join('\n');
}

function pathsIn(args: string | undefined): string[] {
  if (!args) return [];
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    return [];
  }
  if (!isRecord(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (!PATH_KEYS.has(k)) continue;
    if (typeof v === 'string' && v !== '') out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string' && x !== '') out.push(x);
  }
  return out;
}

/**
 * Runs the person's summarizer: the transcript JSON on stdin, the summary on
 * stdout, exit 0 on success (the contract of Kiro's save-via-script). The
 * command is the person's own shell line, so it runs in their shell.
 */
export function runSummarizer(command: string, t: Transcript, cwd: string): string {
  const r = spawnSync(command, {
    shell: true,
    cwd,
    input: JSON.stringify({ session: t.session, messages: t.messages }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  // A script may exit without reading all of its input (EPIPE): its exit code still says how it went.
  const epipe = (r.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && r.status !== null;
  if (r.error && !epipe) throw new Error(`summarizer '${command}' could not run: ${r.error.message}`);
  if (r.status !== 0) {
    const why = r.stderr.trim().split('\n').at(-1) || (r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`);
    throw new Error(`summarizer '${command}' failed: ${why}`);
  }
  const summary = r.stdout.trim();
  if (summary === '') throw new Error(`summarizer '${command}' printed no summary`);
  return summary;
}
