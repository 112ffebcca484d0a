// The action commands: rename, fork, rm, restore, trash, compact, export,
// import. Each finds its sessions, calls the action layer (src/actions, the
// same functions the full-screen manager calls) and prints what was done.
import { sessionKey } from '../model.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compactSession } from '../actions/compact.js';
import { exportFileName, exportSession } from '../actions/export.js';
import { forkSession, parseTurn } from '../actions/fork.js';
import { importData, importFile } from '../actions/import.js';
import { removeSessions, restoreEntry, type RemovedSession } from '../actions/remove.js';
import { renameSession } from '../actions/rename.js';
import { ActionEnv, type ActionTarget } from '../actions/target.js';
import { Trash, type TrashEntry } from '../actions/trash.js';
import { UserError } from '../errors.js';
import { formatSize, relativeTime, tildePath } from '../format/session-table.js';
import { parseAge } from '../search/query.js';
import { assertFree, exportFormatFor, typedPath, writeExportFile } from '../services/export-file.js';
import { targetOf, twinOf, twinWords } from '../services/targets.js';
import { commandMatches, type CommandContext } from './context.js';

export interface ActFlags {
  json: boolean;
  dryRun: boolean;
  force: boolean;
  /** Act on the session's twin too (a Kimi CLI session and its Kimi Code copy). */
  both?: boolean;
}

function envOf(ctx: CommandContext): ActionEnv {
  return new ActionEnv(ctx.homes);
}

export function target(ctx: CommandContext, id: string, depth: 'summary' | 'transcript' = 'transcript'): ActionTarget {
  return targetOf(ctx.catalog, id, depth);
}

function out(ctx: CommandContext, flags: ActFlags, result: unknown, text: string): number {
  ctx.io.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : text + '\n');
  return 0;
}

const would = (flags: ActFlags, done: string, planned: string): string => (flags.dryRun ? `Would ${planned}` : done);

export async function runRename(ctx: CommandContext, args: string[], flags: ActFlags & { clear: boolean }): Promise<number> {
  const [id, ...words] = args;
  if (!id) throw new UserError('rename needs a session id and a title', 'bad-input');
  if (flags.clear && words.length > 0) throw new UserError('use either a new title or --clear, not both', 'bad-input');
  if (!flags.clear && words.length === 0) throw new UserError('rename needs a title (or --clear for the default one)', 'bad-input');
  const t = target(ctx, id);
  const title = flags.clear ? null : words.join(' ');
  const r = renameSession(envOf(ctx), t, title, flags);
  const to = r.to === null ? 'its default title' : JSON.stringify(r.to);
  const twin = await alsoTwin(ctx, t, flags, 'rename', 'keeps its old title');
  const other = twin ? renameSession(envOf(ctx), twin, title, flags) : null;
  const also = other ? `\n${flags.dryRun ? 'Would rename' : 'Renamed'} ${twinWords(twin!.transcript.session)} too` : '';
  return out(ctx, flags, other ? { ...r, twin: other } : r, would(flags, `Renamed ${r.source}:${r.id} to ${to}`, `rename ${r.source}:${r.id} from ${JSON.stringify(r.from)} to ${to}`) + also);
}

export function runFork(ctx: CommandContext, args: string[], flags: ActFlags & { atTurn?: string | undefined; title?: string | undefined }): number {
  if (args.length !== 1) throw new UserError(`fork takes one session id, got ${args.length}`, 'bad-input');
  const atTurn = flags.atTurn === undefined ? undefined : parseTurn(flags.atTurn, '--at-turn');
  const r = forkSession(envOf(ctx), target(ctx, args[0]!), { ...(atTurn !== undefined ? { atTurn } : {}), ...(flags.title !== undefined ? { title: flags.title } : {}) }, flags);
  const cut = r.atTurn === null ? '' : ` (cut after turn ${r.atTurn})`;
  return out(ctx, flags, r, would(flags, `Forked ${r.source}:${r.forkedFrom} as ${r.source}:${r.id} ${JSON.stringify(r.title)}${cut}`, `fork ${r.source}:${r.forkedFrom} as ${JSON.stringify(r.title)}${cut}`));
}

export async function runRm(ctx: CommandContext, args: string[], flags: ActFlags): Promise<number> {
  if (args.length === 0) throw new UserError('rm needs one or more session ids', 'bad-input');
  // Resolve every id before anything moves: one typo and nothing is deleted.
  const seen = new Set<string>();
  let targets = args.map((id) => target(ctx, id, 'summary')).filter((t) => !seen.has(t.ref.key) && seen.add(t.ref.key));
  // A twin named by none of the ids goes along when asked (one batch, one undo).
  for (const t of [...targets]) {
    const twin = twinOf(ctx.catalog, t.transcript.session, 'summary');
    if (twin && !seen.has(twin.ref.key) && (await alsoTwin(ctx, t, flags, 'delete', 'stays', twin))) {
      seen.add(twin.ref.key);
      targets.push(twin);
    }
  }
  targets = await withoutBusy(ctx, targets, flags);
  const r = removeSessions(envOf(ctx), targets, flags);
  const list = sessionLines(ctx, r.sessions);
  const n = `${r.sessions.length} session${r.sessions.length === 1 ? '' : 's'} (${formatSize(r.bytes)})`;
  return out(ctx, flags, r, flags.dryRun ? `Would move ${n} to the trash:\n${list}` : `Moved ${n} to the trash as ${r.trashId}:\n${list}\nUndo: sessions restore --last`);
}

/**
 * Whether to act on the session's twin too (a Kimi CLI session and its Kimi
 * Code copy): --both says yes; on a terminal, asked; elsewhere a note says
 * what the twin keeps and how to include it.
 */
async function alsoTwin(ctx: CommandContext, t: ActionTarget, flags: ActFlags & { both?: boolean }, verb: string, keeps: string, known?: ActionTarget): Promise<ActionTarget | null> {
  const twin = known ?? twinOf(ctx.catalog, t.transcript.session);
  if (!twin) return null;
  if (flags.both) return twin;
  const words = twinWords(twin.transcript.session);
  if (ctx.io.confirm && !flags.json && (await ctx.io.confirm(`${sessionKey(t.ref)} has ${words}. ${verb[0]!.toUpperCase()}${verb.slice(1)} it too?`))) return twin;
  ctx.io.stderr.write(`sessions: note: ${sessionKey(t.ref)} has ${words}, which ${keeps} (--both ${verb}s it too)\n`);
  return null;
}

/**
 * A batch where some sessions are in use: on a terminal, asks to go on with
 * the others; elsewhere refuses in one line that names them (a single
 * session in use is refused by the action itself, with its reason).
 */
async function withoutBusy(ctx: CommandContext, targets: ActionTarget[], flags: ActFlags): Promise<ActionTarget[]> {
  if (flags.force) return targets;
  const busy = targets.filter((t) => t.transcript.session.inUse);
  if (busy.length === 0 || busy.length === targets.length) return targets;
  const first = busy[0]!.transcript.session;
  const named = `${busy.map((t) => sessionKey(t.ref)).join(', ')} ${busy.length === 1 ? 'is' : 'are'} in use (${first.inUseReason ?? 'open in its agent'})`;
  const others = targets.filter((t) => !busy.includes(t));
  if (ctx.io.confirm && !flags.json && (await ctx.io.confirm(`${named}. Move the other ${others.length} to the trash?`))) return others;
  throw new UserError(`${named}; nothing moved (leave ${busy.length === 1 ? 'it' : 'them'} out, or --force to move ${busy.length === 1 ? 'it' : 'them'} too)`, 'failed');
}

export function runRestore(ctx: CommandContext, args: string[], flags: ActFlags & { last: boolean }): number {
  if (args.length > 1) throw new UserError('restore takes one trash entry id (see `sessions trash`)', 'bad-input');
  if (flags.last === (args.length === 1)) throw new UserError('restore needs a trash entry id or --last (see `sessions trash`)', 'bad-input');
  const r = restoreEntry(envOf(ctx), flags.last ? { last: true } : { id: args[0]! }, flags);
  const list = sessionLines(ctx, r.sessions);
  const replaced = r.replacedBy ? `\nThe version it replaced is in the trash as ${r.replacedBy}.` : '';
  return out(ctx, flags, r, would(flags, `Restored ${r.sessions.length} from ${r.trashId}:\n${list}${replaced}`, `restore ${r.sessions.length} from ${r.trashId}:\n${list}`));
}

export async function runTrash(ctx: CommandContext, args: string[], flags: ActFlags & { olderThan?: string | undefined; yes: boolean }): Promise<number> {
  const [sub = 'list', ...rest] = args;
  if (rest.length > 0) throw new UserError(`trash ${sub} takes no arguments`, 'bad-input');
  const trash = new Trash(ctx.homes.data);
  const entries = trash.list((path, reason) => ctx.io.stderr.write(`sessions: ${path}: ${reason}\n`));
  if (sub === 'list') {
    if (flags.json) return out(ctx, flags, entries.map((e) => ({ ...e, bytes: trash.bytes(e) })), '');
    if (entries.length === 0) return out(ctx, flags, [], 'The trash is empty.');
    return out(ctx, flags, entries, entries.map((e) => entryLine(ctx, trash, e)).join('\n'));
  }
  if (sub !== 'purge') throw new UserError(`unknown trash command '${sub}' (list, purge)`, 'bad-input');
  let chosen = entries;
  if (flags.olderThan !== undefined) {
    const age = parseAge(flags.olderThan);
    if (age === null) throw new UserError(`--older-than takes an age like 30d, 12h, 2w, 3m, 1y; got '${flags.olderThan}'`, 'bad-input');
    const cutoff = Date.now() - age;
    chosen = entries.filter((e) => Date.parse(e.createdAt) < cutoff);
  }
  const total = chosen.reduce((n, e) => n + trash.bytes(e), 0);
  const what = `${chosen.length} trash entr${chosen.length === 1 ? 'y' : 'ies'} (${formatSize(total)})`;
  if (flags.dryRun || chosen.length === 0) return out(ctx, flags, { action: 'purge', entries: chosen.map((e) => e.id), bytes: total, dryRun: true }, `Would delete for good ${what}.`);
  if (!flags.yes) throw new UserError(`this deletes ${what} for good; add --yes to do it`, 'bad-input');
  trash.purge(chosen);
  return out(ctx, flags, { action: 'purge', entries: chosen.map((e) => e.id), bytes: total, dryRun: false }, `Deleted for good ${what}.`);
}

export async function runCompact(ctx: CommandContext, args: string[], flags: ActFlags & { summarizer?: string | undefined; shrink: boolean }): Promise<number> {
  if (args.length !== 1) throw new UserError(`compact takes one session id, got ${args.length}`, 'bad-input');
  const options = {
    ...(flags.summarizer !== undefined ? { summarizer: flags.summarizer } : {}),
    shrink: flags.shrink,
    force: flags.force,
    dryRun: flags.dryRun,
    cwd: ctx.io.cwd,
  };
  const t = target(ctx, args[0]!);
  const r = compactSession(envOf(ctx), t, options);
  const twin = await alsoTwin(ctx, t, flags, 'compact', 'keeps its whole history');
  const other = twin ? compactSession(envOf(ctx), twin, options) : null;
  const where = r.resultId === r.id ? '' : ` into a new session ${r.source}:${r.resultId} (the original stays, as the agent's own compaction does)`;
  const sizes = flags.shrink ? `\nSize: ${formatSize(r.bytesBefore)} before, ${formatSize(r.bytesAfter)} after.` : '';
  const text = flags.dryRun
    ? `Would compact ${r.source}:${r.id} with this summary:\n\n${r.summary}`
    : `Compacted ${r.source}:${r.id}${where}; the original is in the trash as ${r.backup} (sessions restore ${r.backup}).${sizes}`;
  const also = other ? `\n${flags.dryRun ? 'Would compact' : 'Compacted'} ${twinWords(twin!.transcript.session)} too${other.backup ? `; its original is in the trash as ${other.backup}` : ''}.` : '';
  return out(ctx, flags, other ? { ...r, twin: other } : r, text + also);
}

export async function runExport(
  ctx: CommandContext,
  args: string[],
  flags: ActFlags & { format?: string | undefined; output?: string | undefined; all: boolean },
  cache: boolean,
): Promise<number> {
  const targets = flags.all ? await matching(ctx, args.join(' '), cache) : args.map((id) => target(ctx, id));
  if (targets.length === 0) throw new UserError(flags.all ? 'no session matches' : 'export needs one or more session ids (or --all [query])', 'bad-input');
  const env = envOf(ctx);
  // One session: the format the file name says (f.html is HTML), unless --format says otherwise.
  const format = exportFormatFor(targets.length === 1 && !flags.all ? flags.output : undefined, flags.format);
  if (flags.output === '-') {
    if (targets.length > 1) throw new UserError('-o - writes one session to stdout; give a folder for several', 'bad-input');
    if (!flags.dryRun) ctx.io.stdout.write(exportSession(targets[0]!, format, env));
    return 0;
  }
  // One session: -o names the file. Several: -o names a folder (made if missing).
  const one = targets.length === 1 && !flags.all;
  const dir = one ? ctx.io.cwd : typedPath(flags.output ?? '.', ctx.io.cwd, ctx.home);
  const written: Array<{ source: string; id: string; path: string; bytes: number }> = [];
  const paths = targets.map((t) => (one && flags.output !== undefined ? typedPath(flags.output, ctx.io.cwd, ctx.home) : join(dir, exportFileName(t, format))));
  // Every file is checked before any is written: one that exists and nothing is replaced.
  assertFree(paths, flags.force);
  if (!one && !flags.dryRun) mkdirSync(dir, { recursive: true });
  for (const [i, t] of targets.entries()) {
    const path = paths[i]!;
    const data = flags.dryRun ? Buffer.alloc(0) : exportSession(t, format, env);
    if (!flags.dryRun) writeExportFile(path, data);
    written.push({ source: t.ref.source, id: t.ref.id, path, bytes: data.length });
  }
  const lines = written.map((w) => `  ${w.source}:${w.id} -> ${tildePath(w.path, ctx.home)}${flags.dryRun ? '' : ` (${formatSize(w.bytes)})`}`);
  return out(ctx, flags, { action: 'export', format, files: written, dryRun: flags.dryRun }, `${flags.dryRun ? 'Would export' : 'Exported'} ${written.length} as ${format}:\n${lines.join('\n')}`);
}

export async function runImport(ctx: CommandContext, args: string[], flags: ActFlags & { dir?: string | undefined }): Promise<number> {
  if (args.length !== 1) throw new UserError(`import takes one file, got ${args.length}`, 'bad-input');
  const options = { cwd: ctx.io.cwd, dryRun: flags.dryRun, ...(flags.dir !== undefined ? { dir: flags.dir } : {}) };
  // `-`: the export on stdin (Kiro's /chat save-via-script and load-via-script pass session JSON this way).
  const r =
    args[0] === '-'
      ? importData(envOf(ctx), await readAll(ctx.io.stdin), 'stdin', options)
      : importFile(envOf(ctx), typedPath(args[0]!, ctx.io.cwd, ctx.home), options);
  // A new id where the export's was taken, or always (Kiro's /chat load makes a new session every time).
  const renamed = r.originalId ? ` (a new id; the export's was ${r.originalId})` : '';
  const wd = r.workDir ? ` for ${tildePath(r.workDir, ctx.home)}` : '';
  return out(ctx, flags, r, would(flags, `Imported ${r.source}:${r.id}${wd}${renamed}`, `import ${r.source}:${r.id}${wd}${renamed}`));
}

/** `--all [query]`: every session, or those the query (the search language) matches. */
async function matching(ctx: CommandContext, query: string, cache: boolean): Promise<ActionTarget[]> {
  const all = ctx.catalog.list();
  const keys = query.trim() === '' ? null : await commandMatches(ctx, query, cache);
  return all.filter((s) => keys === null || keys.has(sessionKey(s))).map((s) => target(ctx, sessionKey(s)));
}

function sessionLines(ctx: CommandContext, sessions: readonly RemovedSession[]): string {
  return sessions.map((s) => `  ${s.source}:${s.id}  ${JSON.stringify(s.title)}${s.workDir ? `  ${tildePath(s.workDir, ctx.home)}` : ''}`).join('\n');
}

function entryLine(ctx: CommandContext, trash: Trash, e: TrashEntry): string {
  const titles = e.items.slice(0, 2).map((i) => JSON.stringify(i.title)).join(', ') + (e.items.length > 2 ? `, +${e.items.length - 2}` : '');
  const state = e.state === 'moving' ? ' (incomplete: restore puts back what it holds)' : '';
  return `${e.id}  ${e.action.padEnd(8)} ${relativeTime(e.createdAt, ctx.now).padEnd(14)} ${String(e.items.length).padStart(3)} session${e.items.length === 1 ? ' ' : 's'} ${formatSize(trash.bytes(e)).padStart(8)}  ${titles}${state}`;
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream || (stream as NodeJS.ReadStream).isTTY) throw new UserError('import - reads the export from stdin: pipe it in (sessions import - < session.json)', 'bad-input');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
