// `sessions list`: every session, as a table or JSON.
import { selectSessions, type Selection } from '../catalog/select.js';
import { LAYOUTS } from '../layouts/registry.js';
import { tildePath } from '../format/session-table.js';
import { warnProblems, type CommandContext } from './context.js';

export interface ListOptions extends Selection {
  json: boolean;
}

export async function runList(ctx: CommandContext, options: ListOptions): Promise<number> {
  const all = ctx.catalog.list(options.sources);
  const sessions = selectSessions(all, options);
  warnProblems(ctx.io, sessions);
  if (options.json) {
    ctx.io.stdout.write(JSON.stringify(sessions, null, 2) + '\n');
  } else if (sessions.length === 0) {
    ctx.io.stderr.write(all.length === 0 ? `sessions: no sessions found (looked in ${lookedIn(ctx)})\n` : `sessions: none of ${all.length} sessions match\n`);
  } else {
    // The table's width handling (CJK, emoji) is only loaded when a table is printed.
    const { renderSessionTable } = await import('../format/session-table.js');
    const { widthsFor } = await import('../format/width.js');
    // Emoji and combining marks are measured by string-width, loaded for the listings that have them.
    await widthsFor(sessions.flatMap((s) => [s.title, s.workDir]));
    ctx.io.stdout.write(renderSessionTable(sessions, { width: ctx.width, now: ctx.now, home: ctx.home }));
  }
  return 0;
}

/** Where each layout was looked for, so an empty listing says where (a wrong HOME or --home shows at once). */
function lookedIn(ctx: CommandContext): string {
  return LAYOUTS.map((l) => tildePath(ctx.homes.roots[l.kind][0] ?? '', ctx.home)).join(', ');
}
