// Kiro CLI's database: a row per conversation in data.sqlite3
// (conversations_v2, and the older conversations table).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { AnnotatedSource } from '../../sources/annotations.js';
import type { Layout } from '../contract.js';
import { parseObject } from '../place-kit.js';
import { kiroRetention, retentionNote } from '../kiro-settings.js';
import { conversationIdTaken, getRow, insertRow, withKiroDb } from './db.js';
import { KiroSqliteSource } from './read.js';
import { kiroSqliteWriter, locator } from './write.js';

/** A row travels as the ConversationState JSON, pretty-printed as `/chat save` writes it. */
export const KIRO_CONVERSATION_FILE = 'conversation.json';

export const kiroSqlite: Layout = {
  kind: 'kiro-sqlite',
  label: 'Kiro database',
  agent: 'kiro',
  color: 'magenta',
  home: {
    flag: { name: 'kiroDb', help: 'Kiro database (~/.local/share/kiro-cli/data.sqlite3,\n                             the macOS and older amazon-q paths)' },
    locate: (at) => {
      const one = at.flag ?? at.env('KIRO_TEST_DB_PATH');
      if (one) return [one];
      const mac = join(at.home, 'Library', 'Application Support');
      return [
        join(at.dataHome, 'kiro-cli', 'data.sqlite3'),
        join(mac, 'kiro-cli', 'data.sqlite3'),
        // Kiro CLI's predecessor, Amazon Q Developer CLI, used the same file under another name.
        join(at.dataHome, 'amazon-q', 'data.sqlite3'),
        join(mac, 'amazon-q', 'data.sqlite3'),
      ];
    },
  },
  source: (roots, data) => new AnnotatedSource(new KiroSqliteSource(roots), data),
  writer: kiroSqliteWriter,
  transfer: {
    files(t) {
      const row = locator(t);
      const found = withKiroDb(row.db, (d) => getRow(d, row.table, row.key, row.conversationId));
      if (!found) throw new Error(`${t.ref.id}: the row is gone`);
      return [{ path: KIRO_CONVERSATION_FILE, data: Buffer.from(chatSaveText(found.value)) }];
    },
    // Exactly what `/chat save` writes: the row's value.
    agentJson: (_t, bundle) => bundle.files[0]!.data.toString('utf8'),
    zipManifest: () => ({ conversation: KIRO_CONVERSATION_FILE }),
    // A V1 value JSON (the legacy /chat save) is imported the way the agent's /chat load takes it: as a new
    // session of files (the kiro-files layout converts it).
    place(b, roots, options, env) {
      const db = roots.find((p) => existsSync(p));
      if (!db) throw new UserError(`no Kiro database to import into (looked for ${roots[0]})`, 'failed');
      const conv = b.files.find((f) => f.path === KIRO_CONVERSATION_FILE);
      if (!conv) throw new UserError(`the export has no ${KIRO_CONVERSATION_FILE}`, 'bad-input');
      const state = parseObject(conv.data, 'the conversation');
      // `/chat load` files the conversation under the directory it is run in.
      const key = b.workDir ?? options.cwd;
      const now = env.now();
      return withKiroDb(db, (d) => {
        const id = !conversationIdTaken(d, b.id) ? b.id : randomUUID();
        state['conversation_id'] = id;
        if (!options.dryRun) insertRow(d, { table: 'conversations_v2', key, conversationId: id, value: JSON.stringify(state), createdAt: now, updatedAt: now });
        return { id, path: db, workDir: key };
      });
    },
  },
  resume: (s) => ['kiro-cli', 'chat', '--resume-id', s.id],
  picker: { command: 'kiro-cli', calls: [['chat', '--resume-picker']] },
  // cleanup.rs cleanup_conversations: rows of conversations_v2 (the table with times) older than the cutoff.
  retention(homes, cwd, now) {
    const r = homes.home ? kiroRetention(homes.home, cwd, now) : null;
    return r ? (ref, s) => (ref.hint['table'] === 'conversations_v2' && Date.parse(s.updatedAt) < r.cutoffMs ? retentionNote(r) : null) : null;
  },
};

/** What `/chat save` writes: the ConversationState, pretty-printed (serde_json's two spaces). */
export function chatSaveText(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}
