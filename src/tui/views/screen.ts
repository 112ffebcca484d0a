// The widgets: thin neo-blessed boxes that show what views/text.ts says.
// Created once, updated from the state on every change; no logic here but
// where on screen things go and which list row a click hit.
import blessed from 'neo-blessed';
import { listWidth } from '../reducer.js';
import { listHeight, tooSmall, type State } from '../state.js';
import { dialogText, helpText, listLines, previewLines, searchLine, statusLine, tooSmallText } from './text.js';
// Emoji are two cells wide on screen, as blessed counts CJK (before any box is made).
import './wide-chars.js';

export interface Views {
  render(s: State): void;
  /** The list row a click on screen line `y` hit, or -1. */
  rowAt(y: number): number;
}

export function createViews(screen: blessed.Widgets.Screen, home: string, now: () => Date): Views {
  const base = { tags: true, wrap: false } as const;
  const search = blessed.box({ ...base, parent: screen, top: 0, left: 0, height: 1, width: '100%' });
  const list = blessed.box({ ...base, parent: screen, top: 1, left: 0, height: '100%-2', mouse: true });
  const divider = blessed.box({ parent: screen, top: 1, height: '100%-2', width: 1, ch: '│' });
  const preview = blessed.box({ ...base, parent: screen, top: 1, height: '100%-2', mouse: true });
  const status = blessed.box({ ...base, parent: screen, bottom: 0, left: 0, height: 1, width: '100%' });
  const overlay = blessed.box({ ...base, parent: screen, top: 'center', left: 'center', width: '94%', height: 'shrink', border: 'line', padding: { left: 1, right: 1 }, hidden: true, wrap: true });
  const help = blessed.box({ ...base, parent: screen, top: 1, left: 'center', width: '94%', height: 3, border: 'line', padding: { left: 1, right: 1 }, hidden: true });
  const side = blessed.box({ ...base, parent: screen, top: 1, height: '100%-2', border: 'line', padding: { left: 1, right: 1 }, hidden: true, wrap: true });
  const small = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: '100%', hidden: true, tags: false });
  let top = 0;

  return {
    render(s) {
      if (tooSmall(s)) {
        small.setContent(tooSmallText(s));
        small.show();
        screen.render();
        return;
      }
      small.hide();
      const lw = listWidth(s);
      list.width = lw;
      divider.left = lw + 1;
      preview.left = lw + 3;
      preview.width = Math.max(1, s.width - lw - 3);
      // Keep the selected row in view.
      const h = listHeight(s);
      if (s.selected < top) top = s.selected;
      if (s.selected >= top + h) top = s.selected - h + 1;
      top = Math.max(0, Math.min(top, Math.max(0, s.rows.length - h)));
      search.setContent(searchLine(s));
      list.setContent(listLines(s, top, home, now()).join('\n'));
      preview.setContent(previewLines(s, s.height - 2).join('\n'));
      status.setContent(statusLine(s));
      if (s.mode === 'help') {
        // The page is cut to the screen (helpRows) and the box placed here: blessed's centring
        // of a shrinking box ran it off the bottom.
        const text = helpText(s);
        help.height = Math.min(s.height - 2, text.split('\n').length + 2);
        help.setContent(text);
        help.show();
      } else {
        help.hide();
      }
      // The cleanup pane takes the preview's place: the rows it marks stay in view beside it.
      const beside = s.mode === 'dialog' && s.dialog?.kind === 'clean';
      if (beside) {
        side.left = lw + 3;
        side.width = Math.max(1, s.width - lw - 3);
        side.setContent(dialogText(s));
        side.show();
      } else {
        side.hide();
      }
      if (s.mode === 'dialog' && s.dialog && !beside) {
        overlay.setContent(dialogText(s));
        overlay.show();
      } else {
        overlay.hide();
      }
      // A full redraw, not a diff: where blessed and the terminal disagree on a character's width
      // (emoji), a diff leaves stale cells behind; a whole frame is cheap at terminal sizes.
      screen.realloc();
      screen.render();
    },
    rowAt(y) {
      // Screen line 1 is the list's header; rows start on line 2.
      return y >= 2 ? top + y - 2 : -1;
    },
  };
}

