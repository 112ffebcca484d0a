// Import: a ZIP or JSON from `sessions export`, `kimi export` or `/chat save`
// back into its agent's store, under a new id when the id is taken. Nothing
// in an archive can name a place outside the store: every path is checked.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import AdmZip from 'adm-zip';
import { CliError } from '../errors.js';
import { isSourceKind, type SourceKind } from '../model.js';
import { kimiCliBucket, kimiCodeWorkDirKey } from '../layouts/work-dir-keys.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readJsonObject } from '../util/fsx.js';
import { isRecord, str } from '../util/text.js';
import { KIRO_CONVERSATION_FILE, safeRelPath, type Bundle, type BundleFile } from './bundle.js';
import { EXPORT_FORMAT_TAG } from './export.js';
import { faultPoint } from './faults.js';
import { appendLine } from './file-ops.js';
import { conversationIdTaken, insertRow, withKiroDb } from '../layouts/kiro-sqlite/db.js';
import type { ActionEnv } from './target.js';

const SAFE_ID = /^[A-Za-z0-9._-]+$/;
const MAX_ARCHIVE_BYTES = 4 * 1024 ** 3;

export interface ImportOptions {
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
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
  }
  const bundle = data.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) ? fromZip(data, file) : fromJson(data, file);
  if (options.dir !== undefined) bundle.workDir = resolve(options.cwd, options.dir);
  return place(env, bundle, options);
}

function fromZip(data: Buffer, file: string): Bundle {
  let zip: AdmZip;
  try {
    zip = new AdmZip(data);
  } catch (error) {
    throw new CliError(`${file} is not a readable ZIP (${(error as Error).message})`, 2);
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
    if (path === null) throw new CliError(`${file}: unsafe path in archive: ${JSON.stringify(e.entryName)}; nothing imported`, 2);
    if (((e.attr >>> 16) & 0o170000) === 0o120000) throw new CliError(`${file}: the archive holds a symbolic link (${path}); nothing imported`, 2);
    total += e.header.size;
    if (total > MAX_ARCHIVE_BYTES) throw new CliError(`${file}: the archive unpacks to more than 4 GB; nothing imported`, 2);
    checked.push({ e, path });
  }
  for (const { e, path } of checked) {
    let content: Buffer;
    try {
      content = e.getData();
    } catch (error) {
      throw new CliError(`${file}: ${path} is damaged in the archive (${(error as Error).message.replace(/^ADM-ZIP: /, '')}); nothing imported`, 2);
    }
    if (path === 'manifest.json') {
      try {
        const v: unknown = JSON.parse(content.toString('utf8'));
        if (isRecord(v)) manifest = v;
      } catch {
        throw new CliError(`${file}: manifest.json is not valid JSON`, 2);
      }
      continue;
    }
    // `kimi export` adds the agent's global log, which is not the session's.
    if (path.startsWith('logs/global/')) continue;
    files.push({ path, data: content });
  }
  const declared = str(manifest['source']);
  let source: SourceKind;
  if (declared && isSourceKind(declared)) source = declared;
  else if (str(manifest['sessionId']) && files.some((f) => f.path === 'state.json' || f.path.startsWith('agents/'))) source = 'kimi-code';
  else throw new CliError(`${file}: not an export of a session (no manifest.json naming one)`, 2);
  const id = str(manifest['sessionId']) ?? randomUUID();
  const workDir = str(manifest['workspaceDir']) ?? str(manifest['workDir']);
  return { source, id, title: str(manifest['title']) ?? '', workDir, files };
}

function fromJson(data: Buffer, file: string): Bundle {
  let v: unknown;
  try {
    v = JSON.parse(data.toString('utf8'));
  } catch {
    throw new CliError(`${file} is neither a ZIP nor JSON`, 2);
  }
  if (!isRecord(v)) throw new CliError(`${file}: expected a JSON object`, 2);
  if (typeof v['conversation_id'] === 'string' && Array.isArray(v['history'])) {
    // What Kiro's `/chat save` writes (and `sessions export --format json` of a Kiro row).
    return { source: 'kiro-sqlite', id: v['conversation_id'], title: '', workDir: null, files: [{ path: KIRO_CONVERSATION_FILE, data }] };
  }
  if (v['format'] !== EXPORT_FORMAT_TAG || !isRecord(v['session']) || !Array.isArray(v['files'])) {
    throw new CliError(`${file}: not a session export (neither \`sessions export\` JSON nor a Kiro /chat save)`, 2);
  }
  const s = v['session'];
  const source = str(s['source']);
  if (!source || !isSourceKind(source)) throw new CliError(`${file}: unknown agent '${String(s['source'])}'`, 2);
  const files: BundleFile[] = [];
  for (const f of v['files']) {
    if (!isRecord(f) || typeof f['path'] !== 'string' || typeof f['data'] !== 'string') throw new CliError(`${file}: a file entry is malformed`, 2);
    const path = safeRelPath(f['path']);
    if (path === null) throw new CliError(`${file}: unsafe path ${JSON.stringify(f['path'])}; nothing imported`, 2);
    files.push({ path, data: Buffer.from(f['data'], f['encoding'] === 'base64' ? 'base64' : 'utf8') });
  }
  return { source, id: str(s['id']) ?? randomUUID(), title: str(s['title']) ?? '', workDir: str(s['workDir']), files };
}

function place(env: ActionEnv, b: Bundle, options: ImportOptions): ImportResult {
  const result = (id: string, path: string | null): ImportResult => ({
    action: 'import',
    source: b.source,
    id,
    originalId: id === b.id ? null : b.id,
    workDir: b.workDir,
    path,
    dryRun: options.dryRun ?? false,
  });
  switch (b.source) {
    case 'kimi-code': {
      if (!b.workDir) throw new CliError('the export names no work dir; give one with --dir', 2);
      const sessions = join(env.homes.kimiCode, 'sessions');
      const taken = (id: string): boolean => existsSync(sessions) && readdirSync(sessions).some((bucket) => existsSync(join(sessions, bucket, id)));
      const id = SAFE_ID.test(b.id) && !b.id.startsWith('.') && !taken(b.id) ? b.id : `session_${randomUUID()}`;
      const target = join(sessions, kimiCodeWorkDirKey(b.workDir), id);
      if (options.dryRun) return result(id, target);
      const files = b.files.map((f) => (f.path === 'state.json' ? { ...f, data: retargetKimiCodeState(f.data, id, target, b.workDir!) } : f));
      writeTree(target, files);
      appendLine(join(env.homes.kimiCode, 'session_index.jsonl'), JSON.stringify({ sessionId: id, sessionDir: target, workDir: b.workDir }));
      return result(id, target);
    }
    case 'kimi-cli': {
      if (!b.workDir) throw new CliError('the export names no work dir; give one with --dir', 2);
      const bucket = join(env.homes.kimiCli, 'sessions', kimiCliBucket(b.workDir));
      const id = SAFE_ID.test(b.id) && !b.id.startsWith('.') && !existsSync(join(bucket, b.id)) && !existsSync(join(bucket, `${b.id}.jsonl`)) ? b.id : randomUUID();
      const target = join(bucket, id);
      if (options.dryRun) return result(id, target);
      writeTree(target, b.files);
      registerKimiWorkDir(env.homes.kimiCli, b.workDir);
      return result(id, target);
    }
    case 'kiro-files': {
      const dir = join(env.homes.kiroHome, 'sessions', 'cli');
      const meta = b.files.find((f) => f.path.endsWith('.json') && !f.path.includes('/'));
      const log = b.files.find((f) => f.path.endsWith('.jsonl') && !f.path.includes('/'));
      if (!meta) throw new CliError('the export has no Kiro session metadata (<id>.json)', 2);
      const id = SAFE_ID.test(b.id) && !b.id.startsWith('.') && !existsSync(join(dir, `${b.id}.json`)) && !existsSync(join(dir, `${b.id}.jsonl`)) ? b.id : randomUUID();
      if (options.dryRun) return result(id, join(dir, `${id}.json`));
      const metaValue = parseObject(meta.data, 'the session metadata');
      metaValue['session_id'] = id;
      if (b.workDir && typeof metaValue['cwd'] !== 'string') metaValue['cwd'] = b.workDir;
      if (log) writeFileAtomic(join(dir, `${id}.jsonl`), log.data, { mkdirMode: 0o700 });
      writeFileAtomic(join(dir, `${id}.json`), JSON.stringify(metaValue, null, 2), { mkdirMode: 0o700 });
      return result(id, join(dir, `${id}.json`));
    }
    case 'kiro-sqlite': {
      const db = env.homes.kiroDbs.find((p) => existsSync(p));
      if (!db) throw new CliError(`no Kiro database to import into (looked for ${env.homes.kiroDbs[0]})`, 1);
      const conv = b.files.find((f) => f.path === KIRO_CONVERSATION_FILE);
      if (!conv) throw new CliError(`the export has no ${KIRO_CONVERSATION_FILE}`, 2);
      const state = parseObject(conv.data, 'the conversation');
      // `/chat load` files the conversation under the directory it is run in.
      const key = b.workDir ?? options.cwd;
      const now = env.now();
      return withKiroDb(db, (d) => {
        const id = !conversationIdTaken(d, b.id) ? b.id : randomUUID();
        state['conversation_id'] = id;
        if (!options.dryRun) insertRow(d, { table: 'conversations_v2', key, conversationId: id, value: JSON.stringify(state), createdAt: now, updatedAt: now });
        return { ...result(id, db), workDir: key };
      });
    }
  }
}

function parseObject(data: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(data.toString('utf8'));
  } catch {
    throw new CliError(`${what} is not valid JSON`, 2);
  }
  if (!isRecord(v)) throw new CliError(`${what} is not a JSON object`, 2);
  return v;
}

/** state.json of an imported Kimi Code session, pointing at its new place and id. */
function retargetKimiCodeState(data: Buffer, id: string, dir: string, workDir: string): Buffer {
  const state = parseObject(data, 'state.json');
  state['id'] = id;
  // The agent resumes a session only from its own directory: the folder key, the index and cwd agree.
  state['cwd'] = workDir;
  if (isRecord(state['agents'])) {
    for (const [agentId, agent] of Object.entries(state['agents'])) {
      if (isRecord(agent)) agent['homedir'] = join(dir, 'agents', agentId);
    }
  }
  return Buffer.from(JSON.stringify(state));
}

/** Writes the files into a staging folder beside `target`, then renames it into place whole. */
function writeTree(target: string, files: readonly BundleFile[]): void {
  if (existsSync(target)) throw new CliError(`${target} exists; not overwriting it`, 1);
  const staging = join(dirname(target), `.sessions-staging-${randomUUID()}`);
  try {
    for (const f of files) {
      const dest = resolve(staging, f.path);
      // safeRelPath already refused `..`; this is the belt to its braces.
      if (!dest.startsWith(staging + '/')) throw new CliError(`unsafe path ${f.path}`, 2);
      writeFileAtomic(dest, f.data, { mkdirMode: 0o700 });
      faultPoint('import.file-written');
    }
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Adds a work dir to Kimi CLI's kimi.json (as the agent does for a new session), keeping every other field. */
function registerKimiWorkDir(kimiHome: string, workDir: string): void {
  const path = join(kimiHome, 'kimi.json');
  const read = readJsonObject(path);
  if (!read.ok && !read.missing) return; // a broken kimi.json is left alone: the session lists without its work dir
  const data = read.ok ? read.value : { work_dirs: [] };
  const dirs = Array.isArray(data['work_dirs']) ? data['work_dirs'] : (data['work_dirs'] = []);
  if (dirs.some((w) => isRecord(w) && w['path'] === workDir && (w['kaos'] ?? 'local') === 'local')) return;
  dirs.push({ path: workDir, kaos: 'local', last_session_id: null });
  writeFileAtomic(path, JSON.stringify(data, null, 2), { mkdirMode: 0o700 });
}
