// Kiro CLI's session files: ~/.kiro/sessions/cli/<id>.json (metadata) and
// <id>.jsonl (the log), with <id>.lock while the agent has it open.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '../../actions/bundle.js';
import { UserError } from '../../errors.js';
import { AnnotatedSource } from '../../sources/annotations.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { isRecord, str } from '../../util/text.js';
import type { Layout } from '../contract.js';
import { parseObject } from '../place-kit.js';
import { kiroRetention, retentionNote } from '../kiro-settings.js';
import { fromV1 } from './from-v1.js';
import { KiroFilesSource } from './read.js';
import { kiroFilesWriter } from './write.js';

export const kiroFiles: Layout = {
  kind: 'kiro-files',
  label: 'Kiro files',
  agent: 'kiro',
  color: 'yellow',
  home: {
    flag: { name: 'kiroHome', help: 'Kiro session files (~/.kiro; $KIRO_TEST_SESSIONS_DIR\n                             names their folder itself)' },
    // The root is the sessions folder: util/paths.rs sessions_dir, which KIRO_TEST_SESSIONS_DIR overrides.
    locate: (at) => [at.flag ? join(at.flag, 'sessions', 'cli') : (at.env('KIRO_TEST_SESSIONS_DIR') ?? join(at.home, '.kiro', 'sessions', 'cli'))],
  },
  source: (roots, data) => new AnnotatedSource(new KiroFilesSource(roots[0]!), data),
  writer: kiroFilesWriter,
  transfer: {
    // The agent's own shapes (FORMATS.md §5, acp/commands/chat.rs): a ZIP holds session_metadata.json and
    // conversation_log.jsonl; /chat save writes the kiro-session-export-v1 envelope.
    files: (t) => {
      const f = sessionFiles(t.ref.hint['dir'] ?? '', t.ref.id);
      return [
        { path: ZIP_METADATA, data: readFileSync(f.meta) },
        { path: ZIP_LOG, data: existsSync(f.log) ? readFileSync(f.log) : Buffer.alloc(0) },
      ];
    },
    // Its loader's handling of other entries is not known: nothing of ours goes into the ZIP.
    ownZipManifest: false,
    agentJson: (_t, bundle) => JSON.stringify(envelopeOf(bundle), null, 2) + '\n',
    recognize: (_manifest, files) => {
      const meta = files.find((f) => f.path === ZIP_METADATA);
      if (!meta) return null;
      const v = parseObject(meta.data, ZIP_METADATA);
      return { id: str(v['session_id']), title: str(v['title']), workDir: str(v['cwd']) };
    },
    fromAgentJson: (v, data, file) => {
      // DetectedFormat::detect (acp/commands/chat.rs): the envelope first, then a V1 ConversationState by its
      // conversation_id, then bare SessionData by its session_id.
      if (v['format'] !== EXPORT_FORMAT && typeof v['conversation_id'] === 'string') {
        return { source: 'kiro-files', id: v['conversation_id'], title: '', workDir: null, files: [{ path: V1_STATE, data }] };
      }
      // A bare session .json with its .jsonl beside it: /chat load takes that too (chat-load.md, FORMATS.md §5).
      if (typeof v['session_id'] === 'string' && isRecord(v['session_state'])) {
        const logFile = file.replace(/\.json$/, '') + '.jsonl';
        return {
          source: 'kiro-files',
          id: v['session_id'],
          title: str(v['title']) ?? '',
          workDir: str(v['cwd']),
          files: [{ path: ZIP_METADATA, data }, ...(file.endsWith('.json') && existsSync(logFile) ? [{ path: ZIP_LOG, data: readFileSync(logFile) }] : [])],
        };
      }
      if (v['format'] !== EXPORT_FORMAT || !isRecord(v['metadata']) || !Array.isArray(v['log_entries'])) return null;
      const meta = v['metadata'];
      const log = v['log_entries'].map((e) => JSON.stringify(e)).join('\n');
      return {
        source: 'kiro-files',
        id: str(meta['session_id']) ?? randomUUID(),
        title: str(meta['title']) ?? '',
        workDir: str(meta['cwd']),
        files: [
          { path: ZIP_METADATA, data: Buffer.from(JSON.stringify(meta, null, 2)) },
          { path: ZIP_LOG, data: Buffer.from(log === '' ? '' : log + '\n') },
        ],
      };
    },
    place(b, roots, options, env) {
      const dir = roots[0]!;
      const v1 = b.files.find((f) => f.path === V1_STATE);
      if (v1) {
        // A V1 conversation: converted as the agent's try_export_from_json does, filed under where it is loaded.
        const id = randomUUID();
        const path = join(dir, `${id}.json`);
        const workDir = b.workDir ?? options.cwd;
        if (options.dryRun) return { id, path, workDir };
        const converted = fromV1(parseObject(v1.data, 'the conversation'), id, workDir, options.from, new Date(env.now()).toISOString());
        writeFileAtomic(join(dir, `${id}.jsonl`), converted.log.length ? converted.log.join('\n') + '\n' : '', { mkdirMode: 0o700 });
        writeFileAtomic(path, JSON.stringify(converted.meta, null, 2), { mkdirMode: 0o700 });
        return { id, path, workDir };
      }
      // session_metadata.json as the agent exports it; <id>.json as older exports of ours held it.
      const meta = b.files.find((f) => f.path === ZIP_METADATA) ?? b.files.find((f) => f.path.endsWith('.json') && !f.path.includes('/'));
      const log = b.files.find((f) => f.path === ZIP_LOG) ?? b.files.find((f) => f.path.endsWith('.jsonl') && !f.path.includes('/'));
      if (!meta) throw new UserError('the export has no Kiro session metadata (session_metadata.json)', 'bad-input');
      // As /chat load: always a new session under a fresh id (acp/commands/chat.rs load_session_impl).
      const id = randomUUID();
      const path = join(dir, `${id}.json`);
      if (options.dryRun) return { id, path, workDir: b.workDir };
      const metaValue = parseObject(meta.data, 'the session metadata');
      metaValue['session_id'] = id;
      if (b.workDir && typeof metaValue['cwd'] !== 'string') metaValue['cwd'] = b.workDir;
      // As write_imported_session (acp/commands/chat.rs): the file it came from, canonicalized.
      if (options.from) metaValue['imported_from'] = options.from;
      // The log first: a metadata file is what makes the session appear.
      if (log) writeFileAtomic(join(dir, `${id}.jsonl`), log.data, { mkdirMode: 0o700 });
      writeFileAtomic(path, JSON.stringify(metaValue, null, 2), { mkdirMode: 0o700 });
      return { id, path, workDir: b.workDir };
    },
  },
  resume: (s) => ['kiro-cli', 'chat', '--resume-id', s.id],
  picker: { command: 'kiro-cli', calls: [['chat', '--resume-picker']] },
  // cleanup.rs cleanup_sessions: the newest of .json and .jsonl older than the cutoff, unless locked.
  retention(homes, cwd, now) {
    const r = homes.home ? kiroRetention(homes.home, cwd, now) : null;
    return r ? (ref) => (!ref.locked && ref.lastWriteMs < r.cutoffMs ? retentionNote(r) : null) : null;
  },
};

const EXPORT_FORMAT = 'kiro-session-export-v1';
const ZIP_METADATA = 'session_metadata.json';
const ZIP_LOG = 'conversation_log.jsonl';
/** A V1 ConversationState on its way in. */
const V1_STATE = 'v1-conversation.json';

function sessionFiles(dir: string, id: string): { meta: string; log: string } {
  return { meta: join(dir, `${id}.json`), log: join(dir, `${id}.jsonl`) };
}

/** What /chat save writes: `{format, metadata: <SessionData>, log_entries: [LogEntry…]}`; lines that are not JSON are left out, as the agent's load_log_entries skips them. */
function envelopeOf(bundle: Bundle): Record<string, unknown> {
  const meta = bundle.files.find((f) => f.path === ZIP_METADATA);
  const log = bundle.files.find((f) => f.path === ZIP_LOG);
  const metadata = parseObject(meta?.data ?? Buffer.from(''), `${bundle.id}.json`);
  const entries: unknown[] = [];
  for (const line of (log?.data.toString('utf8') ?? '').split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line));
    } catch {
      // a torn or damaged line: skipped, as the agent skips it
    }
  }
  return { format: EXPORT_FORMAT, metadata, log_entries: entries };
}
