// A private tmux server for a test file: run a command in a real
// pseudo-terminal, type into it, and read its screen back as text.
import { spawnSync } from 'node:child_process';
import { after } from './harness.js';

export interface Tmux {
  (...args: string[]): string;
  /** The pane's text once `re` matches it (15 s at most). */
  waitFor(name: string, re: RegExp, what: string, ms?: number): Promise<string>;
}

/** A tmux server of this test process's own (its socket named for `purpose`), killed when the file's tests end. */
export function tmuxServer(purpose: string): Tmux {
  const socket = `sessions-${purpose}-${process.pid}`;
  let kept = false;
  const tmux = ((...args: string[]): string => {
    // A session that lives as long as the tests: the server exits with its last session, and a
    // session started while it is exiting fails ("server exited unexpectedly").
    if (!kept) {
      kept = true;
      spawnSync('tmux', ['-L', socket, 'new-session', '-d', '-s', 'keeper', 'sleep 86400']);
    }
    const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    if (r.error) throw new Error(`tmux is needed for these tests (apt-get install tmux): ${r.error.message}`);
    if (args[0] === 'new-session' && r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
    return r.stdout;
  }) as Tmux;
  tmux.waitFor = async (name, re, what, ms = 15_000) => {
    const end = Date.now() + ms;
    let text = '';
    while (Date.now() < end) {
      text = tmux('capture-pane', '-p', '-t', name);
      if (re.test(text)) return text;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; the pane:\n${text}`);
  };
  after(() => spawnSync('tmux', ['-L', socket, 'kill-server']));
  return tmux;
}
