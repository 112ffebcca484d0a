// `sessions clean`: the plan first (what would go, how much it frees, what
// was kept and why), then one question, then one trash batch.
import { sessionKey } from '../model.js';
import { hasSelectingFilter, parseCleanValue, planClean, setCleanValue, type CleanFilters, type CleanPlan, type CleanValueFilter } from '../actions/clean.js';
import type { ActionTarget } from '../actions/target.js';
import type { Session } from '../model.js';
import { inDir, parseSources } from '../catalog/select.js';
import { UserError } from '../errors.js';
import { formatSize, renderSessionTable } from '../format/session-table.js';
import { commandMatches, type CommandContext } from './context.js';

export interface CleanFlags {
  json: boolean;
  dryRun: boolean;
  yes: boolean;
  purge: boolean;
  cache: boolean;
  olderThan?: string | undefined;
  empty: boolean;
  smallerThan?: string | undefined;
  largerThan?: string | undefined;
  source?: string[] | undefined;
  dir?: string | undefined;
  query?: string | undefined;
  keepLast?: string | undefined;
  exceptRenamed: boolean;
}

export async function runClean(ctx: CommandContext, args: string[], flags: CleanFlags): Promise<number> {
  if (args.length > 0) throw new UserError(`clean takes no arguments (got '${args[0]}'); filters are options, e.g. --older-than 90d`, 'bad-input');
  const filters = await parseFilters(ctx, flags);
  if (!hasSelectingFilter(filters)) {
    throw new UserError('clean needs a filter: --older-than, --empty, --smaller-than, --larger-than, --query or --keep-last', 'bad-input');
  }
  const all = ctx.catalog.list();
  const refs = new Map(ctx.catalog.scanned().map((f) => [sessionKey(f.ref), f]));
  const plan = planClean(all, filters, ctx.now.getTime(), (s) => refs.get(sessionKey(s))?.ref.locked ?? false);
  const summary = planJson(plan, flags.dryRun);
  const what = `${plan.sessions.length} session${plan.sessions.length === 1 ? '' : 's'} (${formatSize(plan.bytes)})`;

  if (plan.sessions.length === 0 || flags.dryRun) {
    print(ctx, flags, summary, plan.sessions.length === 0 ? `Nothing to clean.${keptLine(plan)}${agentLine(all)}` : `Would move ${what} to the trash:\n${table(ctx, plan)}${keptLine(plan)}${agentLine(all)}`);
    return 0;
  }
  if (!flags.json) ctx.io.stdout.write(`${table(ctx, plan)}${keptLine(plan)}${agentLine(all)}\n`);
  const verb = flags.purge ? 'Delete' : 'Move';
  if (!flags.yes) {
    if (!ctx.io.confirm) throw new UserError(`add --yes to ${verb.toLowerCase()} ${what}${flags.purge ? ' for good' : ''} (or --dry-run for the plan alone)`, 'bad-input');
    if (!(await ctx.io.confirm(`${verb} ${what}${flags.purge ? ' for good' : ' to the trash'}?`))) {
      ctx.io.stderr.write('sessions: nothing done\n');
      return 1;
    }
    if (flags.purge && !(await ctx.io.confirm(`They cannot be restored after this. Delete ${what} for good?`))) {
      ctx.io.stderr.write('sessions: nothing done\n');
      return 1;
    }
  }
  // The writing half loads only when there is something to write: a plan stays quick.
  const [{ removeSessions }, { ActionEnv }, { Trash }] = await Promise.all([import('../actions/remove.js'), import('../actions/target.js'), import('../actions/trash.js')]);
  const env = new ActionEnv(ctx.homes);
  // Summaries are all removal needs: where the session is, and what to call it in the trash.
  const targets: ActionTarget[] = plan.sessions.map((s) => {
    const found = refs.get(sessionKey(s));
    if (!found) throw new Error(`${s.source}:${s.id} vanished while planning`);
    return { ...found, transcript: { session: s, messages: [] } };
  });
  const removed = removeSessions(env, targets, { reason: 'clean' });
  if (flags.purge && removed.trashId) {
    const trash = new Trash(ctx.homes.data);
    trash.purge([trash.get(removed.trashId)]);
    print(ctx, flags, { ...summary, dryRun: false, trashId: null, purged: true }, `Deleted ${what} for good.`);
  } else {
    print(ctx, flags, { ...summary, dryRun: false, trashId: removed.trashId, purged: false }, `Moved ${what} to the trash as ${removed.trashId}.\nUndo: sessions restore --last`);
  }
  return 0;
}

async function parseFilters(ctx: CommandContext, flags: CleanFlags): Promise<CleanFilters> {
  const f: CleanFilters = {};
  const values: Array<[CleanValueFilter, string | undefined]> = [['older-than', flags.olderThan], ['smaller-than', flags.smallerThan], ['larger-than', flags.largerThan], ['keep-last', flags.keepLast]];
  for (const [name, value] of values) if (value !== undefined) setCleanValue(f, name, parseCleanValue(name, value, `--${name}`));
  if (flags.empty) f.empty = true;
  if (flags.source && flags.source.length > 0) f.sources = parseSources(flags.source);
  if (flags.dir !== undefined) {
    const dir = flags.dir;
    f.dir = (wd) => inDir(wd, dir, true);
  }
  if (flags.exceptRenamed) f.exceptRenamed = true;
  if (flags.query !== undefined) {
    if (flags.query.trim() === '') throw new UserError('--query needs a query (the search language)', 'bad-input');
    f.matching = await commandMatches(ctx, flags.query, flags.cache);
  }
  return f;
}

function planJson(plan: CleanPlan, dryRun: boolean) {
  return {
    action: 'clean' as const,
    dryRun,
    sessions: plan.sessions.map((s) => ({ source: s.source, id: s.id, title: s.title, workDir: s.workDir, updatedAt: s.updatedAt, bytes: s.bytes })),
    bytes: plan.bytes,
    kept: plan.kept,
  };
}

function table(ctx: CommandContext, plan: CleanPlan): string {
  return renderSessionTable(plan.sessions, { width: ctx.width, now: ctx.now, home: ctx.home }).replace(/\n$/, '');
}

/** The agent's own retention, where it is set: what it deletes at its next start whatever this clean does. */
function agentLine(all: readonly Session[]): string {
  const doomed = all.filter((s) => s.agentDeletes);
  if (doomed.length === 0) return '';
  return `\n${doomed[0]!.agentDeletes}: ${doomed.length} session${doomed.length === 1 ? '' : 's'} listed here (marked [expiring] in \`sessions list\`).`;
}

/** Sessions the filters matched but that stay, and why. */
function keptLine(plan: CleanPlan): string {
  const k = plan.kept;
  const parts = [
    k.locked && `${k.locked} open in their agent (a lock file)`,
    k.inUse && `${k.inUse} in use (open in their agent, or just written by another program)`,
    k.keptLast && `${k.keptLast} among the newest of their work dir (--keep-last)`,
    k.renamed && `${k.renamed} renamed (--except-renamed)`,
  ].filter(Boolean);
  return parts.length === 0 ? '' : `\nKept, though they match: ${parts.join(', ')}.`;
}

function print(ctx: CommandContext, flags: { json: boolean }, result: unknown, text: string): void {
  ctx.io.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : text + '\n');
}
