// The full-screen manager: keypress -> reducer -> effects -> render. Also the
// picker behind `--session` and `--resume-picker`.
import blessed from 'neo-blessed';
import { keyName } from './keymap.js';
import { update, type Effect, type Msg } from './reducer.js';
import { initialState, type State } from './state.js';
import type { Effects } from './effects.js';
import { createViews } from './views/screen.js';
import type { Session } from '../model.js';
import { errorText } from '../util/text.js';
import { widthsLoaded } from '../format/width.js';

export interface AppStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => void };
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
}

export interface AppOptions {
  streams: AppStreams;
  effects: Effects;
  cwd: string;
  home: string;
  picker: boolean;
  /** The choice runs the agent (--exec, --shell-command): a work dir that is gone is asked about first. */
  runsAgent?: boolean;
  color: boolean;
  query?: string;
  terminal?: string;
  now?: () => Date;
  /** The pager (`$PAGER`); less -R where none is set. */
  pager?: string;
  /** Called after every render (tests and the bench wait on it). */
  onRender?: (s: State) => void;
}

export interface AppResult {
  code: number;
  chosen: Session | null;
  /** Run the agent's resume command (o in the manager). */
  resume: boolean;
  /** In the current directory: the session's work dir is gone and the person said so. */
  here: boolean;
}

export interface App {
  done: Promise<AppResult>;
  screen: blessed.Widgets.Screen;
  dispatch(msg: Msg): void;
  state(): State;
}

export function startApp(o: AppOptions): App {
  // Inside tmux, blessed runs `tmux -V` while it builds its Program (a process, 10-20 ms before the
  // first frame) to learn a version it uses only for all-motion mouse tracking, which is never asked
  // for here. It is spared that, and told it is in tmux after.
  const inTmux = process.env['TMUX'];
  delete process.env['TMUX'];
  let screen: blessed.Widgets.Screen;
  try {
    screen = newScreen(o);
  } finally {
    if (inTmux !== undefined) process.env['TMUX'] = inTmux;
  }
  Object.assign(screen.program, { tmux: inTmux !== undefined, tmuxVersion: 2 });
  return drive(o, screen);
}

function newScreen(o: AppOptions): blessed.Widgets.Screen {
  return blessed.screen({
    input: o.streams.input,
    output: o.streams.output,
    terminal: o.terminal ?? 'xterm-256color',
    smartCSR: true,
    fullUnicode: true,
    // Box lines as Unicode characters, not the terminal's alternate charset (tmux shows that as q and x).
    forceUnicode: true,
    warnings: false,
    autoPadding: false,
    dockBorders: false,
    title: 'sessions',
  } as unknown as blessed.Widgets.IScreenOptions);
}

/** The manager on a screen: keypress -> reducer -> effects -> render. */
function drive(o: AppOptions, screen: blessed.Widgets.Screen): App {
  // Lines drawn as Unicode, never through the alternate charset: terminals today speak UTF-8,
  // and the charset switch shows as q and x where it is not honoured (tmux panes, logs).
  (screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
  const now = o.now ?? (() => new Date());
  const views = createViews(screen, o.home, now);
  let state = initialState({ cwd: o.cwd, picker: o.picker, width: Number(screen.width), height: Number(screen.height), color: o.color, now: o.effects.now(), history: o.effects.queries(), ...(o.query ? { query: o.query } : {}) });
  let finish: (r: AppResult) => void = () => {};
  const done = new Promise<AppResult>((res) => (finish = res));
  let ended = false;
  let searchTimer: NodeJS.Timeout | null = null;

  const render = (): void => {
    if (ended) return;
    views.render(state);
    o.onRender?.(state);
  };

  const dispatch = (msg: Msg): void => {
    if (ended) return;
    const [next, effects] = update(state, msg);
    state = next;
    render();
    for (const fx of effects) run(fx);
  };

  /**
   * Work done off the keypress: whatever it throws or rejects is said in the
   * status bar, and the manager goes on (no unhandled rejection, no blank screen).
   */
  const background = (work: () => unknown): void => {
    const said = (error: unknown): void => dispatch({ type: 'notice', message: `error: ${errorText(error)}` });
    try {
      const r = work();
      if (r instanceof Promise) r.catch(said);
    } catch (error) {
      said(error);
    }
  };

  const run = (fx: Effect): void => {
    switch (fx.type) {
      case 'search':
        // Typing fast runs one search for the last keystroke, not one per key.
        if (searchTimer) clearTimeout(searchTimer);
        searchTimer = setTimeout(() => background(async () => dispatch(await o.effects.search(fx.query))), 25);
        return;
      case 'preview':
        setImmediate(() => background(() => dispatch(o.effects.preview(fx.session, fx))));
        return;
      case 'act':
        setImmediate(() => background(async () => {
          for (const m of await o.effects.act(fx.dialog)) dispatch(m);
          await o.effects.startIndex(dispatch);
        }));
        return;
      case 'undo':
        setImmediate(() => background(async () => {
          for (const m of await o.effects.undo(fx.trashId)) dispatch(m);
          await o.effects.startIndex(dispatch);
        }));
        return;
      case 'choose':
        // A work dir that is gone is asked about before anything runs there.
        if ((fx.resume || o.runsAgent) && o.effects.workDirGone(fx.session)) dispatch({ type: 'dir-gone', session: fx.session, resume: fx.resume });
        else run({ type: 'exit', code: 0, chosen: fx.session, resume: fx.resume });
        return;
      case 'copy':
        // OSC 52: the terminal (and tmux, and ssh) puts it on the clipboard; nothing to install.
        o.streams.output.write(`\x1b]52;c;${Buffer.from(fx.text).toString('base64')}\x07`);
        dispatch({ type: 'notice', message: `copied ${fx.what}` });
        return;
      case 'remember':
        setImmediate(() => background(() => o.effects.remember(fx.query)));
        return;
      case 'pager':
        setImmediate(() => background(() => page(fx.session)));
        return;
      case 'exit':
        ended = true;
        if (searchTimer) clearTimeout(searchTimer);
        screen.destroy();
        o.effects.close();
        finish({ code: fx.code, chosen: fx.chosen, resume: fx.resume ?? false, here: fx.here ?? false });
        return;
    }
  };

  /** The whole transcript in $PAGER (less -R where none is set): the screen is left, and drawn again after. */
  const page = async (session: Session): Promise<void> => {
    const text = await o.effects.transcriptText(session, Math.max(40, Number(screen.width)));
    const pager = o.pager ?? 'less -R';
    const fd = (o.streams.output as { fd?: number }).fd ?? 1;
    const child = screen.spawn('sh', ['-c', pager], { stdio: ['pipe', fd, fd] });
    child.on('error', (error) => dispatch({ type: 'notice', message: `cannot run ${pager}: ${errorText(error)}` }));
    child.stdin?.on('error', () => {}); // a pager quit before reading it all
    child.stdin?.end(text);
    child.on('exit', () => {
      screen.realloc();
      render();
    });
  };

  screen.on('keypress', (ch: string | undefined, key: { name?: string; full?: string } | undefined) => {
    dispatch({ type: 'key', key: keyName(ch, key), ch });
  });
  screen.on('resize', () => dispatch({ type: 'resize', width: Number(screen.width), height: Number(screen.height) }));
  screen.on('wheeldown', () => dispatch({ type: 'wheel', pane: 'list', delta: 3 }));
  screen.on('wheelup', () => dispatch({ type: 'wheel', pane: 'list', delta: -3 }));
  screen.on('mouse', (data: { action: string; x: number; y: number }) => {
    if (data.action === 'mousedown' && data.x < Math.floor(Number(screen.width) * 0.55)) {
      const row = views.rowAt(data.y);
      if (row >= 0) dispatch({ type: 'click', row });
    }
  });

  // The first frame shows the sessions the cache last saw; the scan that checks them follows.
  const cached = o.effects.loadCached();
  if (cached) dispatch(cached);
  else render();
  setImmediate(() => background(async () => {
    dispatch(o.effects.load());
    // string-width after the first frame (format/width.ts): emoji and marks exact from the next frame on.
    void widthsLoaded().then(render, () => {});
    await o.effects.startIndex(dispatch);
    // A query given at launch (--query) runs once the index is ready; one typed since runs through its own effect.
    if (o.query && state.query === o.query) dispatch(await o.effects.search(state.query));
  }));
  return { done, screen, dispatch, state: () => state };
}
