// `sessions init bash|zsh|fish`: the shell integration, a snippet people
// `eval` from their shell's rc file (as `fzf --zsh`, `atuin init` and
// `zoxide init`). It wraps each agent's command in a shell function: the
// agent's own no-id picker (`kimi -S`, `kiro-cli chat --resume-picker`,
// `codex resume`, `claude --resume`, as each layout declares it) opens this
// picker instead, and the chosen session resumes with the agent's own
// command in the session's work dir. Esc runs nothing; every other use of
// those commands reaches the agent untouched (`command kimi "$@"`). It also
// completes `sessions` itself.
import { LAYOUTS } from '../layouts/registry.js';
import { SHELLS, type Shell } from '../services/picker.js';

export interface CompletionWords {
  commands: readonly string[];
  /** Long options, without the dashes. */
  flags: readonly string[];
  /** Values some options take (`agent` → kimi, kiro, …). */
  values: Readonly<Record<string, readonly string[]>>;
}

/** The commands that take session ids (completed from `sessions pick --filter ''`). */
const TAKE_IDS = ['show', 'rename', 'fork', 'rm', 'compact', 'export'];

interface Wrapper {
  command: string;
  agent: string;
  calls: ReadonlyArray<readonly string[]>;
}

/** One wrapper per agent command, from the layouts (both Kimi layouts name `kimi` once). */
function wrappers(): Wrapper[] {
  const out = new Map<string, Wrapper>();
  for (const l of LAYOUTS) if (l.picker && !out.has(l.picker.command)) out.set(l.picker.command, { command: l.picker.command, agent: l.agent, calls: l.picker.calls });
  return [...out.values()];
}

export function shellInit(shell: Shell, words: CompletionWords): string {
  return shell === 'fish' ? fish(words) : posix(shell, words);
}

const HEADER = (shell: Shell, rc: string, how: string): string => `# sessions: the shell integration for ${shell}. Add to ${rc}:
#   ${how}
# With it, the agents' own no-id pickers (${wrappers().map((w) => `${w.command} ${w.calls[0]!.join(' ')}`).join(', ')})
# open the sessions picker; the session you choose resumes with the agent's own
# command in its work dir (your shell stays where it is). Esc runs nothing.
# Every other use of those commands reaches the agent untouched.
`;

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function posix(shell: 'bash' | 'zsh', w: CompletionWords): string {
  const funcs = wrappers().map((x) => {
    const test = x.calls.map((c) => `{ [ "$#" -eq ${c.length} ]${c.map((a, i) => ` && [ "$${i + 1}" = ${sq(a)} ]`).join('')}; }`).join(' || ');
    return `${x.command}() {
  if ${test}; then
    __sessions_resume ${x.agent}
  else
    command ${x.command} "$@"
  fi
}`;
  });
  const rc = shell === 'bash' ? '~/.bashrc' : '~/.zshrc';
  const resume = `__sessions_resume() {
  # The picker draws on the terminal and prints a quoted \`cd -- DIR && command AGENT …\` line.
  local __sessions_line
  __sessions_line="$(command sessions pick --agent "$1" --shell-command ${shell})" || return
  [ -n "$__sessions_line" ] || return 0
  # In a subshell: the agent runs in the session's work dir, your shell does not move.
  ( eval "$__sessions_line" )
}`;
  const completion =
    shell === 'bash'
      ? `_sessions_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" __sessions_words=''
${wordsFor(w, { first: '[ "$COMP_CWORD" -eq 1 ]', cur: '"$cur"', prev: '"$prev"', command: '"\${COMP_WORDS[1]}"', none: 'COMPREPLY=(); return' })}
  COMPREPLY=($(compgen -W "$__sessions_words" -- "$cur"))
}
complete -o default -F _sessions_complete sessions`
      : `_sessions() {
  local __sessions_words=''
${wordsFor(w, { first: '(( CURRENT == 2 ))', cur: '"\${words[CURRENT]}"', prev: '"\${words[CURRENT-1]}"', command: '"\${words[2]}"', none: '_files; return' })}
  compadd -- \${=__sessions_words}
}
# compdef exists once compinit has run (most zsh set-ups); without it, no completion, nothing else changes.
if (( \${+functions[compdef]} )); then compdef _sessions sessions; fi`;
  return `${HEADER(shell, rc, `eval "$(sessions init ${shell})"`)}
${resume}

${funcs.join('\n\n')}

${completion}
`;
}

/**
 * What bash and zsh offer after `sessions`, the same logic in each one's
 * names for the words on the line: the commands first; an option's values
 * after it; the options for a word that starts with a dash; session ids
 * after the commands that take them; else what `none` does.
 */
function wordsFor(w: CompletionWords, at: { first: string; cur: string; prev: string; command: string; none: string }): string {
  const values = Object.entries(w.values).map(([flag, vs]) => `      --${flag}) __sessions_words=${sq(vs.join(' '))} ;;`).join('\n');
  return `  if ${at.first} && [[ ${at.cur} != -* ]]; then
    __sessions_words=${sq(w.commands.join(' '))}
  else
    case ${at.prev} in
${values}
      init) __sessions_words=${sq(SHELLS.join(' '))} ;;
      *)
        if [[ ${at.cur} == -* ]]; then
          __sessions_words=${sq(w.flags.map((f) => `--${f}`).join(' '))}
        else
          case ${at.command} in
            ${TAKE_IDS.join('|')}) __sessions_words="$(command sessions pick --filter '' 2>/dev/null)" ;;
            *) ${at.none} ;;
          esac
        fi ;;
    esac
  fi`;
}

function fish(w: CompletionWords): string {
  const fq = (s: string): string => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  const funcs = wrappers().map((x) => {
    const test = x.calls
      .map((c) => `begin; test (count $argv) -eq ${c.length}${c.map((a, i) => `; and test "$argv[${i + 1}]" = ${fq(a)}`).join('')}; end`)
      .join('; or ');
    return `function ${x.command} --wraps ${x.command}
    if ${test}
        __sessions_resume ${x.agent}
    else
        command ${x.command} $argv
    end
end`;
  });
  const values = Object.entries(w.values).map(([flag, vs]) => `complete -c sessions -l ${flag} -x -a ${fq(vs.join(' '))}`);
  return `${HEADER('fish', '~/.config/fish/config.fish', 'sessions init fish | source')}
function __sessions_resume
    # The picker draws on the terminal and prints a quoted \`cd -- DIR && command AGENT …\` line.
    set -l line (command sessions pick --agent $argv[1] --shell-command fish); or return $status
    test -n "$line"; or return 0
    # In a child fish (fish has no subshell): the agent runs in the session's work dir, your shell does not move.
    fish --no-config --command $line
end

${funcs.join('\n\n')}

complete -c sessions -f
complete -c sessions -n __fish_use_subcommand -a ${fq(w.commands.join(' '))}
complete -c sessions -n '__fish_seen_subcommand_from init' -a ${fq(SHELLS.join(' '))}
complete -c sessions -n '__fish_seen_subcommand_from ${TAKE_IDS.join(' ')}' -a '(command sessions pick --filter "" 2>/dev/null)'
${w.flags.map((f) => `complete -c sessions -l ${f}`).join('\n')}
${values.join('\n')}
`;
}
