// Import: a ZIP or JSON from `sessions export`, `kimi export` or `/chat save`
// back into its agent's store, under a new id when the id is taken. Nothing
// in an archive can name a place outside the store: every path is checked.
import { randomUUID } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import AdmZip from 'adm-zip';
import { UserError } from '../errors.js';
import { isSourceKind, type SourceKind } from '../model.js';
import { isRecord, plainCode, str } from '../util/text.js';
import { isUnsupported } from '../layouts/contract.js';
import { LAYOUTS, layoutOf } from '../layouts/registry.js';
import { safeRelPath, type Bundle, type BundleFile } from './bundle.js';
import { EXPORT_FORMAT_TAG } from './export.js';
import type { ActionEnv } from './target.js';

const MAX_ARCHIVE_BYTES = 4 * 1024 ** 3;

export interface ImportOptions {
  /** The file imported, absolute (set by importFile; stdin has none). */
  from?: string | null;
  /** The work dir to file the session under (default: the export's own). */
  dir?: string;
  cwd: string;
  dryRun?: boolean;
}

export interface ImportResult {
  action: 'import';
  source: SourceKind;
  id: string;
  /** The id in the file, when the store already had it and a new one was given. */
  originalId: string | null;
  workDir: string | null;
  path: string | null;
  dryRun: boolean;
}

export function importFile(env: ActionEnv, file: string, options: ImportOptions): ImportResult {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${plainCode((error as NodeJS.ErrnoException).code) ?? (error as Error).message}`, 'bad-input');
  }
  let from = file;
  try {
    from = realpathSync(file);
  } catch {
    // read a moment ago: the path as given will do
  }
  return importData(env, data, file, { ...options, from });
}

/** An export's bytes (a file's, or stdin's for `import -`, as Kiro's /chat load-via-script hands them over); `name` is for messages. */
export function importData(env: ActionEnv, data: Buffer, file: string, options: ImportOptions): ImportResult {
  if (data.length === 0) throw new UserError(`${file} is empty: nothing to import`, 'bad-input');
  const bundle = data.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) ? fromZip(data, file) : fromJson(data, file);
  if (options.dir !== undefined) bundle.workDir = resolve(options.cwd, options.dir);
  return place(env, bundle, options);
}

function fromZip(data: Buffer, file: string): Bundle {
  let zip: AdmZip;
  try {
    zip = new AdmZip(data);
  } catch (error) {
    throw new UserError(`${file} is not a readable ZIP (${(error as Error).message})`, 'bad-input');
  }
  const files: BundleFile[] = [];
  let manifest: Record<string, unknown> = {};
  let total = 0;
  // Every name, link and size is checked before anything is unpacked: one bad
  // entry and nothing of the archive is read, let alone written.
  const checked: Array<{ e: AdmZip.IZipEntry; path: string }> = [];
  for (const e of zip.getEntries()) {
    if (e.isDirectory) continue;
    const path = safeRelPath(e.entryName);
    // Zip-slip.
    if (path === null) throw new UserError(`${file}: unsafe path in archive: ${JSON.stringify(e.entryName)}; nothing imported`, 'bad-input');
    if (((e.attr >>> 16) & 0o170000) === 0o120000) throw new UserError(`${file}: the archive holds a symbolic link (${path}); nothing imported`, 'bad-input');
    total += e.header.size;
    if (total > MAX_ARCHIVE_BYTES) throw new UserError(`${file}: the archive unpacks to more than 4 GB; nothing imported`, 'bad-input');
    checked.push({ e, path });
  }
  for (const { e, path } of checked) {
    let content: Buffer;
    try {
      content = e.getData();
    } catch (error) {
      throw new UserError(`${file}: ${path} is damaged in the archive (${(error as Error).message.replace(/^ADM-ZIP: /, '')}); nothing imported`, 'bad-input');
    }
    if (path === 'manifest.json') {
      try {
        const v: unknown = JSON.parse(content.toString('utf8'));
        if (isRecord(v)) manifest = v;
      } catch {
        throw new UserError(`${file}: manifest.json is not valid JSON`, 'bad-input');
      }
      continue;
    }
    // `kimi export` adds the agent's global log, which is not the session's.
    if (path.startsWith('logs/global/')) continue;
    files.push({ path, data: content });
  }
  const declared = str(manifest['source']);
  // Ours names its layout; an agent's own export is told by the layout that knows it.
  let source: SourceKind | undefined = declared && isSourceKind(declared) ? declared : undefined;
  let said: { id?: string | null; title?: string | null; workDir?: string | null } = {};
  for (const layout of source ? [] : LAYOUTS) {
    const found = layout.transfer.recognize?.(manifest, files);
    if (found) {
      source = layout.kind;
      said = found;
      break;
    }
  }
  if (!source) throw new UserError(`${file}: not an export of a session (no manifest.json naming one)`, 'bad-input');
  const id = str(manifest['sessionId']) ?? said.id ?? randomUUID();
  const workDir = str(manifest['workspaceDir']) ?? str(manifest['workDir']) ?? said.workDir ?? null;
  return { source, id, title: str(manifest['title']) ?? said.title ?? '', workDir, files };
}

function fromJson(data: Buffer, file: string): Bundle {
  let v: unknown;
  try {
    v = JSON.parse(data.toString('utf8'));
  } catch {
    throw new UserError(`${file} is neither a ZIP nor JSON`, 'bad-input');
  }
  if (!isRecord(v)) throw new UserError(`${file}: expected a JSON object`, 'bad-input');
  if (v['format'] !== EXPORT_FORMAT_TAG) {
    // Not ours: a file the agent itself writes (Kiro's `/chat save`), if a layout knows it.
    for (const layout of LAYOUTS) {
      const agent = layout.transfer.fromAgentJson?.(v, data, file);
      if (agent) return agent;
    }
  }
  if (v['format'] !== EXPORT_FORMAT_TAG || !isRecord(v['session']) || !Array.isArray(v['files'])) {
    throw new UserError(`${file}: not a session export (neither \`sessions export\` JSON nor a Kiro /chat save)`, 'bad-input');
  }
  const s = v['session'];
  const source = str(s['source']);
  if (!source || !isSourceKind(source)) throw new UserError(`${file}: unknown agent '${String(s['source'])}'`, 'bad-input');
  const files: BundleFile[] = [];
  for (const f of v['files']) {
    if (!isRecord(f) || typeof f['path'] !== 'string' || typeof f['data'] !== 'string') throw new UserError(`${file}: a file entry is malformed`, 'bad-input');
    const path = safeRelPath(f['path']);
    if (path === null) throw new UserError(`${file}: unsafe path ${JSON.stringify(f['path'])}; nothing imported`, 'bad-input');
    files.push({ path, data: Buffer.from(f['data'], f['encoding'] === 'base64' ? 'base64' : 'utf8') });
  }
  return { source, id: str(s['id']) ?? randomUUID(), title: str(s['title']) ?? '', workDir: str(s['workDir']), files };
}

function place(env: ActionEnv, b: Bundle, options: ImportOptions): ImportResult {
  const layout = layoutOf(b.source);
  const place = layout.transfer.place;
  if (isUnsupported(place)) throw new UserError(`cannot import a ${layout.label} session: ${place.unsupported}`, 'failed');
  const placed = place(b, env.homes.roots[b.source], { cwd: options.cwd, dryRun: options.dryRun ?? false, from: options.from ?? null }, env);
  if (!options.dryRun) env.wrote(b.source, [placed.id]);
  return {
    action: 'import',
    source: b.source,
    id: placed.id,
    originalId: placed.id === b.id ? null : b.id,
    workDir: placed.workDir,
    path: placed.path,
    dryRun: options.dryRun ?? false,
  };
}
