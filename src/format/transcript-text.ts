// `sessions show`: a transcript a person can read in a terminal or a pager.
import { dateTime } from './time.js';
import type { Message, Session, Transcript } from '../model.js';
import { formatSize, relativeTime, tildePath } from './session-table.js';
import { displayWidth, truncate } from './width.js';

export interface TranscriptOptions {
  width: number;
  now: Date;
  home: string;
  /** Whole tool arguments and outputs instead of their first lines. */
  full: boolean;
}

const TOOL_OUTPUT_LINES = 3;
const RULE_MAX = 100;

export function renderTranscript(t: Transcript, options: TranscriptOptions): string {
  const out: string[] = header(t.session, options);
  for (const m of t.messages) out.push(...messageLines(m, options));
  return out.join('\n') + '\n';
}

function header(s: Session, o: TranscriptOptions): string[] {
  const when = (iso: string): string => `${stamp(iso)} (${relativeTime(iso, o.now)})`;
  const lines = [
    `${s.source}  ${s.id}`,
    `title    ${s.title || '(none)'}${s.titleSource !== 'none' ? `  [${s.titleSource}]` : ''}`,
    `dir      ${s.workDir ? tildePath(s.workDir, o.home) : '(unknown)'}`,
    `created  ${when(s.createdAt)}`,
    `updated  ${when(s.updatedAt)}`,
    `size     ${count(s.turns, 'turn')}, ${count(s.messages, 'message')}, ${formatSize(s.bytes)}`,
    `path     ${s.path}`,
  ];
  const flags = [s.archived ? 'archived' : '', s.inUse ? 'in use' : ''].filter(Boolean);
  if (flags.length > 0) lines.push(`state    ${flags.join(', ')}`);
  if (s.forkedFrom) lines.push(`fork of  ${s.forkedFrom}`);
  if (s.sameAs) lines.push(`same as  ${s.sameAs.source}:${s.sameAs.id}`);
  if (s.agentDeletes) lines.push(`expiring ${s.agentDeletes}`);
  for (const p of s.problems) lines.push(`problem  ${p}`);
  return lines;
}

function messageLines(m: Message, o: TranscriptOptions): string[] {
  const time = m.time ? `  ${stamp(m.time)}` : '';
  const rule = (label: string): string => {
    const head = truncate(`── ${label}${time} `, o.width);
    return head + '─'.repeat(Math.max(0, Math.min(o.width, RULE_MAX) - displayWidth(head)));
  };
  if (m.tool && m.role === 'assistant') {
    const args = m.tool.args ?? '';
    return [fit(`  → ${m.tool.name} ${args}`.trimEnd(), o)];
  }
  if (m.role === 'tool') {
    const name = m.tool?.name ?? 'tool';
    const mark = m.tool?.isError ? '✗' : '←';
    const body = m.text.replace(/\s+$/, '').split('\n');
    const shown = o.full ? body : body.slice(0, TOOL_OUTPUT_LINES);
    const lines = shown.map((l, i) => fit(i === 0 ? `  ${mark} ${name}: ${l}` : `      ${l}`, o));
    if (shown.length < body.length) lines.push(`      … ${body.length - shown.length} more lines (--full shows them)`);
    return lines;
  }
  if (m.thinking) return ['', ...m.text.trim().split('\n').map((l) => fit(`  ┆ ${l}`, o))];
  const label = m.role === 'summary' ? 'summary (compacted history)' : m.role;
  return ['', rule(label), m.text.trim()];
}

function fit(line: string, o: TranscriptOptions): string {
  return o.full ? line : truncate(line, o.width);
}

function stamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime(d);
}

/** "1 turn", "2 turns". */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
