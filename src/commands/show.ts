// `sessions show <id>`: one session's transcript.
import { UserError } from '../errors.js';
import { warnProblems, type CommandContext } from './context.js';

export interface ShowOptions {
  json: boolean;
  full: boolean;
}

export async function runShow(ctx: CommandContext, id: string | undefined, options: ShowOptions): Promise<number> {
  if (!id) throw new UserError('show needs a session id (see `sessions list`)', 'bad-input');
  const transcript = ctx.catalog.read(ctx.catalog.resolve(id));
  warnProblems(ctx.io, [transcript.session]);
  if (options.json) {
    // `messages` is the transcript here, as the list's count would shadow it; the count stays as messageCount.
    const { session, messages } = transcript;
    ctx.io.stdout.write(JSON.stringify({ ...session, messageCount: session.messages, messages }, null, 2) + '\n');
  } else {
    const { renderTranscript } = await import('../format/transcript-text.js');
    ctx.io.stdout.write(renderTranscript(transcript, { width: ctx.width, now: ctx.now, home: ctx.home, full: options.full }));
  }
  return 0;
}
