// Export: Markdown and a self-contained HTML page for reading; JSON and ZIP
// carry the session's own files so `import` can bring it back. A layout may
// write the agent's own shape instead (a Kiro row's JSON is what `/chat save`
// writes; a Kimi Code ZIP has the manifest `kimi export` writes).
import AdmZip from 'adm-zip';
import type { Message, Transcript } from '../model.js';
import { layoutOf } from '../layouts/registry.js';
import { bundleOf } from './bundle.js';
import type { ActionEnv, ActionTarget } from './target.js';

export const EXPORT_FORMATS = ['md', 'json', 'zip', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_FORMAT_TAG = 'sessions-export';

export function exportSession(t: ActionTarget, format: ExportFormat, env: ActionEnv): Buffer {
  switch (format) {
    case 'md':
      return Buffer.from(toMarkdown(t.transcript));
    case 'html':
      return Buffer.from(toHtml(t.transcript));
    case 'json':
      return Buffer.from(toJson(t, env));
    case 'zip':
      return toZip(t, env);
  }
}

/** A file name for the export of one session. */
export function exportFileName(t: ActionTarget, format: ExportFormat): string {
  return `${t.ref.source}-${t.ref.id.replace(/[^A-Za-z0-9._-]/g, '_')}.${format}`;
}

function toJson(t: ActionTarget, env: ActionEnv): string {
  const bundle = bundleOf(t, env);
  const own = layoutOf(bundle.source).transfer.agentJson?.(t, bundle);
  if (own != null) return own;
  const { session, messages } = t.transcript;
  return (
    JSON.stringify(
      {
        format: EXPORT_FORMAT_TAG,
        version: 1,
        exportedAt: new Date(env.now()).toISOString(),
        session,
        messages,
        files: bundle.files.map((f) => (isUtf8(f.data) ? { path: f.path, encoding: 'utf8', data: f.data.toString('utf8') } : { path: f.path, encoding: 'base64', data: f.data.toString('base64') })),
      },
      null,
      2,
    ) + '\n'
  );
}

function toZip(t: ActionTarget, env: ActionEnv): Buffer {
  const bundle = bundleOf(t, env);
  const zip = new AdmZip();
  if (layoutOf(bundle.source).transfer.ownZipManifest !== false) zip.addFile('manifest.json', Buffer.from(JSON.stringify(manifestOf(t, env), null, 2)));
  for (const f of bundle.files) zip.addFile(f.path, f.data);
  return zip.toBuffer();
}

function manifestOf(t: ActionTarget, env: ActionEnv): Record<string, unknown> {
  const s = t.transcript.session;
  const own = { format: EXPORT_FORMAT_TAG, version: 1, source: s.source, title: s.title, workDir: s.workDir };
  // The fields of the agent's own export first (a `kimi export` reader finds them), then ours.
  const agent = layoutOf(s.source).transfer.zipManifest?.(t, env) ?? {};
  return { sessionId: s.id, exportedAt: new Date(env.now()).toISOString(), ...agent, ...own };
}

function isUtf8(data: Buffer): boolean {
  return Buffer.from(data.toString('utf8'), 'utf8').equals(data);
}

// ---------------------------------------------------------------- reading formats

function heading(m: Message): string {
  if (m.role === 'user') return 'User';
  if (m.role === 'summary') return 'Summary (compaction)';
  if (m.role === 'tool') return `Tool result${m.tool?.name ? `: ${m.tool.name}` : ''}${m.tool?.isError ? ' (error)' : ''}`;
  if (m.tool) return `Tool call: ${m.tool.name}`;
  return m.thinking ? 'Thinking' : 'Assistant';
}

function fence(text: string, lang = ''): string {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((x) => x[0].length + 1)));
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

export function toMarkdown(t: Transcript): string {
  const s = t.session;
  const out = [`# ${s.title || s.id}`, ''];
  out.push(`- Agent: ${s.source}`, `- Id: \`${s.id}\``);
  if (s.workDir) out.push(`- Work dir: \`${s.workDir}\``);
  out.push(`- Created: ${s.createdAt}`, `- Last activity: ${s.updatedAt}`, `- Turns: ${s.turns}, messages: ${s.messages}`);
  if (s.forkedFrom) out.push(`- Forked from: \`${s.forkedFrom}\``);
  out.push('');
  for (const m of t.messages) {
    out.push(`## ${heading(m)}${m.time ? ` · ${m.time}` : ''}`, '');
    if (m.role === 'assistant' && m.tool) out.push(fence(m.tool.args ?? '', 'json'));
    else if (m.role === 'tool') out.push(fence(m.text));
    else if (m.thinking) out.push(m.text.split('\n').map((l) => `> ${l}`).join('\n'));
    else out.push(m.text);
    out.push('');
  }
  return out.join('\n');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}
header dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;color:#555}
.m{border-left:4px solid #ccc;padding:.2rem .8rem;margin:1rem 0}
.user{border-color:#2f6fde}.assistant{border-color:#2a9d55}.tool{border-color:#999}.summary{border-color:#c98a00;background:#fff8e6}
.role{font-weight:600;font-size:.85rem;color:#444}.time{color:#888;font-weight:400}
pre{white-space:pre-wrap;word-break:break-word;background:#f5f5f5;padding:.5rem;border-radius:4px;margin:.3rem 0}
.text{white-space:pre-wrap;word-break:break-word}
@media (prefers-color-scheme:dark){body{background:#141414;color:#e6e6e6}pre{background:#222}.role{color:#bbb}.summary{background:#2a2310}}`;

export function toHtml(t: Transcript): string {
  const s = t.session;
  const meta: Array<[string, string]> = [
    ['Agent', s.source],
    ['Id', s.id],
    ['Work dir', s.workDir ?? '—'],
    ['Created', s.createdAt],
    ['Last activity', s.updatedAt],
    ['Turns', String(s.turns)],
  ];
  const body = t.messages
    .map((m) => {
      const cls = m.role === 'assistant' && m.tool ? 'tool' : m.role;
      const head = `<div class="role">${esc(heading(m))}${m.time ? ` <span class="time">${esc(m.time)}</span>` : ''}</div>`;
      let content: string;
      if (m.role === 'assistant' && m.tool) content = `<details><summary>arguments</summary><pre>${esc(m.tool.args ?? '')}</pre></details>`;
      else if (m.role === 'tool') content = `<details><summary>${esc(m.text.split('\n')[0]!.slice(0, 120))}</summary><pre>${esc(m.text)}</pre></details>`;
      else if (m.thinking) content = `<details><summary>thinking</summary><div class="text">${esc(m.text)}</div></details>`;
      else content = `<div class="text">${esc(m.text)}</div>`;
      return `<section class="m ${cls}">${head}${content}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(s.title || s.id)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(s.title || s.id)}</h1><dl>${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></header>
<main>
${body}
</main></body></html>
`;
}
