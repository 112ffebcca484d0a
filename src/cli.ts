// The command line: help text, flags, and dispatch to a command. Nothing else.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseSortKey, parseSources, SORT_KEYS, type Selection } from './catalog/select.js';
import type { CompletionWords } from './commands/init.js';
import { createContext, type CommandIO } from './commands/context.js';
import { UserError } from './errors.js';
import { errorText } from './util/text.js';
import { LAYOUTS, SOURCE_ALIASES } from './layouts/registry.js';
import { agentKinds, AGENT_NAMES as AGENTS, parseShell, SHELLS } from './services/picker.js';
import type { Session, SourceKind } from './model.js';

// The parts of the help that name layouts come from the registry.
const KINDS = LAYOUTS.map((l) => l.kind);
const ALIASES = Object.keys(SOURCE_ALIASES);
const RESUMES = [...new Set(LAYOUTS.map((l) => l.resume({ id: 'ID' } as Session).join(' ')))];
const LAYOUT_FLAGS = LAYOUTS.map((l) => `    ${`--${kebab(l.home.flag.name)} <path>`.padEnd(25)}${l.home.flag.help}`).join('\n');

/** FLAGS' camel names as typed: dryRun → dry-run, select1 → select-1. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/([a-z])(\d)/g, '$1-$2');
}

/** Words joined and wrapped at 78 columns, the lines after the first indented by `indent`. */
function wrapped(words: readonly string[], indent: number, first: number): string {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const width = (lines.length === 0 ? first : indent) + line.length + w.length + 1;
    if (line && width > 78) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += `${w} `;
  }
  lines.push(line.trimEnd());
  return lines.join(`\n${' '.repeat(indent)}`);
}

const HELP = `
  Find, read, search and manage every coding-agent session on this machine:
  ${wrapped([...new Set(LAYOUTS.map((l) => l.label))].map((l, i, all) => (i === all.length - 1 ? `and ${l}.` : `${l},`)), 2, 2)}

  Usage
    $ sessions                         the full-screen manager (on a terminal;
                                       piped, the same as \`sessions list\`)
    $ sessions pick [query]            the picker: Enter prints the chosen id,
                                       Esc or q prints nothing (exit 1); this
                                       directory first (a: every directory)
      --agent NAME                     ${wrapped([...AGENTS.map((a, i) => (i === AGENTS.length - 1 ? `${a}:` : `${a},`)), "that", "agent's", 'sessions', 'only'], 39, 39)}
      --session [ID]                   Kimi's (kimi --session); with an ID,
                                       print it (or resume it with --exec)
      --resume-picker                  Kiro's (kiro-cli chat --resume-picker)
      --archived                       archived sessions too
      --query Q                        start with this query
      --filter Q                       no screen: the ids Q matches, best
                                       first (--json: the sessions); exit 1
                                       when none
      --select-1, --exit-0             choose alone when exactly one matches;
                                       exit 1 at once when none does
      --continue                       the newest session of this directory
      --exec                           run the agent's resume command in the
                                       session's work dir
                                       ${wrapped(RESUMES.map((r, i) => `${i === 0 ? '(' : ''}${r}${i === RESUMES.length - 1 ? ')' : ';'}`), 39, 39)}
      --shell-command SHELL            print that command for bash, zsh or
                                       fish to eval (the shell integration)
    $ sessions init bash|zsh|fish      the shell integration: eval it in your
                                       shell's rc file (see the README)
    $ sessions list [options]          every session, newest first
    $ sessions show <id> [options]     one transcript; <id> may be a unique
                                       prefix, or source:id (kiro-files:abc…)
    $ sessions search <query> [options]  sessions whose content matches, best first

    $ sessions rename <id> <title>     set the title (--clear: back to the default)
    $ sessions fork <id>               a copy under a new id, linked to its source
                                       --at-turn N  keep turns 1..N   --title T
    $ sessions rm <id>...              move sessions to the trash (one batch)
    $ sessions restore <trash-id>      put a batch back (--last: the newest)
    $ sessions trash [list]            what is in the trash
    $ sessions trash purge             delete for good (--older-than 30d, --yes)
    $ sessions compact <id>            replace the history with a summary, as the
                                       agent's own compaction does; the original
                                       goes to the trash first
                                       --summarizer CMD  transcript JSON on stdin,
                                                         summary on stdout
                                       --shrink          also cut tool outputs
                                                         over 4000 chars, drop logs
    $ sessions export <id>...          --format md (default), json, zip, html
                                       -o PATH (a file; a folder for several;
                                       - for stdout);  --all [query]: every
                                       session, or those the query matches
    $ sessions import <file>           a ZIP or JSON from export, \`kimi export\`
                                       or Kiro's /chat save (--dir: its work dir)
    $ sessions clean <filters>         move old sessions to the trash in one batch,
                                       after showing the plan and asking
      --older-than 90d                 last activity before (h, d, w, m, y)
      --empty                          no turn, or no answer
      --smaller-than / --larger-than SIZE   e.g. 10kb, 5mb
      --query Q                        sessions the search query matches
      --keep-last N                    keep the N newest of each work dir
      --except-renamed                 keep sessions with a title you chose
      --source, --dir                  narrow as for list
      --yes  --dry-run  --json         no question / the plan only / as JSON
      --purge                          delete for good (asks twice)

  Action options
    --dry-run            print what would be done, change nothing
    --json               print the result as JSON
    --force              act on a session in use (a live Kiro .lock, a running
                         agent that has it open, or another program's write
                         in the last 10 s; our own writes never count);
                         export: replace a file that exists
    --both               rename, rm, compact: the session's twin too (a Kimi
                         CLI session and the Kimi Code copy kimi migrate made;
                         asked on a terminal, else a note names it)

  List options
    --json               a JSON array on stdout
    --sort <key>         updated (default), created, title, size, turns
    --reverse            oldest, smallest, or Z first
    --here               only sessions started in the current directory
    --dir <path>         only sessions of <path> and the folders below it
    --source <name>      ${wrapped([...KINDS.map((k) => `${k},`), 'or', `${ALIASES.join(' / ')}`, 'for', 'all', 'of', 'an', 'agent;', 'repeat', 'or', 'use', 'commas'], 25, 25)}
    --limit <n>          at most n sessions

  Search query (all words must occur somewhere in a session)
    word other          both words, in any order; each also as the start of
                        a word (compac, TaskOut, backgr) or with typos
    "exact phrase"      these words in this order
    -word  !word        leave out sessions with the word (also -"a phrase")
    'word  =word        exactly this word, no typos
    ^prefix  suffix$    a word starting or ending so
    agent:kiro          ${wrapped([...ALIASES, ...KINDS].map((k, i, all) => (i < all.length - 1 ? `${k},` : k)), 24, 24)}
    dir:PART            work dir contains PART;  here  the current directory
    after:2026-01-31    last activity after (before: too)
    newer:7d older:3m   last activity within / before (min, h, d, w, m, y)
    title:word          the title has the word
    turns>5  messages>100  size>10mb  (also <, >=, <=, =)

  Search options
    --json               [{id, source, title, workDir, updatedAt, score, matches}]
    --limit <n>          at most n sessions (default 20)
    --no-tool-output     leave tool outputs and thinking out (searched by
                         default, ranked below the conversation)

  Show options
    --json               the session and its messages as JSON
    --full               whole tool arguments and outputs

  Where sessions are read from
    --home <path>            every layout under another home folder
                             (the agents' variables below are then ignored)
${LAYOUT_FLAGS}
    --no-cache               neither read nor write the summary cache
                             ($XDG_CACHE_HOME/sessions, else ~/.cache/sessions)

  Broken files are reported on stderr and skipped; nothing is ever written
  to the agents' folders by list or show.
  Exit codes: 0 done, 1 failed, 2 bad input (unknown id, bad option).
`;

const FLAGS = {
  json: { type: 'boolean', default: false },
  sort: { type: 'string' },
  reverse: { type: 'boolean', default: false },
  here: { type: 'boolean', default: false },
  dir: { type: 'string' },
  source: { type: 'string', isMultiple: true },
  limit: { type: 'string' },
  full: { type: 'boolean', default: false },
  toolOutput: { type: 'boolean', default: true },
  home: { type: 'string' },
  cache: { type: 'boolean', default: true },
  dryRun: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  clear: { type: 'boolean', default: false },
  both: { type: 'boolean', default: false },
  atTurn: { type: 'string' },
  title: { type: 'string' },
  last: { type: 'boolean', default: false },
  olderThan: { type: 'string' },
  yes: { type: 'boolean', default: false, shortFlag: 'y' },
  summarizer: { type: 'string' },
  shrink: { type: 'boolean', default: false },
  format: { type: 'string' },
  output: { type: 'string', shortFlag: 'o' },
  all: { type: 'boolean', default: false },
  empty: { type: 'boolean', default: false },
  smallerThan: { type: 'string' },
  largerThan: { type: 'string' },
  query: { type: 'string' },
  keepLast: { type: 'string' },
  exceptRenamed: { type: 'boolean', default: false },
  purge: { type: 'boolean', default: false },
  session: { type: 'string' },
  resumePicker: { type: 'boolean', default: false },
  exec: { type: 'boolean', default: false },
  agent: { type: 'string' },
  archived: { type: 'boolean', default: false },
  filter: { type: 'string' },
  select1: { type: 'boolean', default: false },
  exit0: { type: 'boolean', default: false },
  continue: { type: 'boolean', default: false },
  shellCommand: { type: 'string' },
  help: { type: 'boolean', default: false, shortFlag: 'h' },
  version: { type: 'boolean', default: false },
  // Each layout's own flag (--kimi-code-home, --codex-home, …).
  ...(Object.fromEntries(LAYOUTS.map((l) => [l.home.flag.name, { type: 'string' }])) as Record<string, { type: 'string' }>),
} as const;

const COMMANDS = ['pick', 'init', 'list', 'show', 'search', 'rename', 'fork', 'rm', 'restore', 'trash', 'compact', 'export', 'import', 'clean'] as const;
const ACTIONS = new Set(['rename', 'fork', 'rm', 'restore', 'trash', 'compact', 'export', 'import']);

export async function runCli(argv: readonly string[], io: CommandIO): Promise<number> {
  try {
    const cli = parseFlags(searchWordsAsQuery(withOptionalSessionValue(argv)));
    if (cli.flags.help) {
      io.stdout.write(HELP.replace(/^\n+|\n+$/g, '') + '\n');
      return 0;
    }
    if (cli.flags.version) {
      io.stdout.write(`${ownPackage().version}\n`);
      return 0;
    }
    const f0 = cli.flags;
    const picking = f0.session !== undefined || f0.resumePicker || f0.agent !== undefined || f0.filter !== undefined || f0.continue || cli.input[0] === 'pick';
    // `sessions` alone opens the manager on a terminal; piped, it lists.
    const [command = picking || (io.stdout.isTTY && !f0.json) ? 'pick' : 'list', ...args] = cli.input;
    if (!(COMMANDS as readonly string[]).includes(command)) {
      throw new UserError(`unknown command '${command}' (try: ${COMMANDS.join(', ')}, or --help)`, 'bad-input');
    }
    const f = cli.flags;
    const ctx = createContext(io, {
      home: f.home,
      layouts: Object.fromEntries(LAYOUTS.map((l) => [l.home.flag.name, (f as unknown as Record<string, string | undefined>)[l.home.flag.name]])),
      cache: f.cache,
    });
    try {
      // What a command prints is measured exactly (string-width): list waits only for a listing
      // that needs it, the picker's first frame never does.
      if (command !== 'list' && command !== 'pick' && command !== 'init') await (await import('./format/width.js')).widthsLoaded();
      if (command === 'show') {
        if (args.length > 1) throw new UserError(`show takes one id, got ${args.length}`, 'bad-input');
        // Commands load on demand: a one-shot command pays only for what it uses.
        const { runShow } = await import('./commands/show.js');
        return await runShow(ctx, args[0], { json: f.json, full: f.full });
      }
      if (command === 'search') {
        const { runSearch } = await import('./commands/search.js');
        // The words as typed: `search deploy agent:kiro` and `search 'deploy agent:kiro'` are one query;
        // a phrase is quoted inside it: search '"exact phrase" other'.
        const query = args.join(' ');
        const limit = f.limit === undefined ? 20 : parseLimit(f.limit);
        return await runSearch(ctx, query, { json: f.json, limit, toolOutput: f.toolOutput, cache: f.cache });
      }
      if (command === 'pick') {
        const { runUi } = await import('./commands/ui.js');
        const id = f.session !== undefined && f.session !== '' ? f.session : undefined;
        return await runUi(ctx, {
          picker: picking,
          exec: f.exec,
          sessionId: id,
          query: f.query ?? (args.join(' ') || undefined),
          cache: f.cache,
          scope: { kinds: pickKinds(f), archived: f.archived },
          filter: f.filter,
          selectOne: f.select1,
          exitZero: f.exit0,
          continue: f.continue,
          shell: f.shellCommand === undefined ? undefined : parseShell(f.shellCommand),
          json: f.json,
        });
      }
      if (command === 'init') {
        const { shellInit } = await import('./commands/init.js');
        const { EXPORT_FORMATS } = await import('./actions/export.js');
        if (args.length !== 1) throw new UserError(`init takes one shell: bash, zsh or fish${args.length > 1 ? ` (got ${args.length} words)` : ''}`, 'bad-input');
        io.stdout.write(shellInit(parseShell(args[0]!), completionWords(EXPORT_FORMATS)));
        return 0;
      }
      if (ACTIONS.has(command)) return await runAction(command, ctx, args, f);
      if (command === 'clean') {
        const { runClean } = await import('./commands/clean.js');
        return await runClean(ctx, args, { ...f, source: f.source });
      }
      if (args.length > 0) throw new UserError(`list takes no arguments (got '${args[0]}')`, 'bad-input');
      const { runList } = await import('./commands/list.js');
      return await runList(ctx, { json: f.json, ...selection(f, io.cwd) });
    } finally {
      ctx.catalog.close();
    }
  } catch (error) {
    io.stderr.write(`sessions: ${errorText(error)}\n`);
    return exitCode(error);
  }
}

/** The layouts a picker offers: `--agent NAME`, else Kimi's for --session, Kiro's for --resume-picker, else all. */
function pickKinds(f: { agent?: string | undefined; session?: string | undefined; resumePicker: boolean }): SourceKind[] | null {
  if (f.agent !== undefined) return agentKinds(f.agent);
  if (f.session !== undefined) return parseSources(['kimi']);
  if (f.resumePicker) return parseSources(['kiro']);
  return null;
}

/** What completion offers: the commands, the options, and the values some take. */
function completionWords(formats: readonly string[]): CompletionWords {
  return {
    commands: COMMANDS,
    flags: [...Object.keys(FLAGS).map(kebab), 'no-cache', 'no-tool-output'].filter((f) => f !== 'cache' && f !== 'tool-output').sort(),
    values: {
      agent: AGENTS,
      source: [...KINDS, ...ALIASES],
      sort: SORT_KEYS,
      format: formats,
      'shell-command': SHELLS,
    },
  };
}

/** The exit codes, here only: 0 done, 1 failed, 2 bad input. */
export function exitCode(error: unknown): 1 | 2 {
  return error instanceof UserError && error.kind === 'bad-input' ? 2 : 1;
}

/** Each option's value, typed from FLAGS: booleans always set, strings maybe, repeated ones as lists. */
type Flags = {
  -readonly [K in keyof typeof FLAGS]: (typeof FLAGS)[K] extends { type: 'boolean' }
    ? boolean
    : (typeof FLAGS)[K] extends { isMultiple: true }
      ? string[] | undefined
      : string | undefined;
};

/**
 * The command line, parsed by Node's own parseArgs (meow took 50 ms to load
 * at every start, a quarter of the picker's time to its first rows): kebab
 * options (--dry-run) become FLAGS' camel names, --no-X turns off an option
 * that is on by default, an unknown option or a missing value is bad input.
 */
function parseFlags(argv: readonly string[]): { flags: Flags; input: string[] } {
  const options: Record<string, { type: 'boolean' | 'string'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries(FLAGS) as Array<[string, { type: 'boolean' | 'string'; default?: boolean; isMultiple?: boolean; shortFlag?: string }]>) {
    options[kebab(name)] = { type: spec.type, ...(spec.isMultiple ? { multiple: true } : {}), ...(spec.shortFlag ? { short: spec.shortFlag } : {}) };
    if (spec.default === true) options[`no-${kebab(name)}`] = { type: 'boolean' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: valuesJoined(argv, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(argumentError(error), 'bad-input');
  }
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(FLAGS) as Array<[string, { default?: boolean }]>) {
    const off = parsed.values[`no-${kebab(name)}`] === true;
    flags[name] = off ? false : (parsed.values[kebab(name)] ?? spec.default);
  }
  return { flags: flags as Flags, input: parsed.positionals };
}

/**
 * `--keep-last -1` as `--keep-last=-1`: an option that takes a value takes
 * the next word whatever it starts with (parseArgs would call a leading dash
 * ambiguous), so the option's own check can say what is wrong with it.
 */
function valuesJoined(argv: readonly string[], options: Record<string, { type: string; short?: string }>): string[] {
  const takesValue = new Set(Object.entries(options).flatMap(([name, o]) => (o.type === 'string' ? [`--${name}`, ...(o.short ? [`-${o.short}`] : [])] : [])));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...out, ...argv.slice(i)];
    // A short option takes its value attached (-o-), a long one after = (--limit=-1).
    if (takesValue.has(a) && i + 1 < argv.length) out.push(a.startsWith('--') ? `${a}=${argv[++i]}` : `${a}${argv[++i]}`);
    else out.push(a);
  }
  return out;
}

/** parseArgs' errors in the words the rest of the CLI uses. */
function argumentError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const name = /'(-[^' ]+)/.exec(e.message ?? '')?.[1]?.split(',')[0] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${name} (see --help)`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(e.message ?? '')) return `${/'(--[^' ]+)/.exec(e.message ?? '')?.[1] ?? name} takes no value`;
    const long = /(--[\w-]+)/.exec(e.message ?? '')?.[1] ?? name;
    return /ambiguous/.test(e.message ?? '') ? `${long} needs a value (a value that starts with - goes as ${long}=VALUE)` : `${long} needs a value`;
  }
  return (e.message ?? String(error)).split('\n')[0]!;
}

async function runAction(command: string, ctx: ReturnType<typeof createContext>, args: string[], f: Flags): Promise<number> {
  const act = await import('./commands/act.js');
  const base = { json: f.json, dryRun: f.dryRun, force: f.force, both: f.both };
  switch (command) {
    case 'rename':
      return act.runRename(ctx, args, { ...base, clear: f.clear });
    case 'fork':
      return act.runFork(ctx, args, { ...base, atTurn: f.atTurn, title: f.title });
    case 'rm':
      return act.runRm(ctx, args, base);
    case 'restore':
      return act.runRestore(ctx, args, { ...base, last: f.last });
    case 'trash':
      return act.runTrash(ctx, args, { ...base, olderThan: f.olderThan, yes: f.yes });
    case 'compact':
      return act.runCompact(ctx, args, { ...base, summarizer: f.summarizer, shrink: f.shrink });
    case 'export':
      return act.runExport(ctx, args, { ...base, format: f.format, output: f.output, all: f.all }, f.cache);
    default:
      return await act.runImport(ctx, args, { ...base, dir: f.dir });
  }
}

/** `--session` takes an optional id: alone (or before another option) it opens the picker. */
/**
 * After `search`, a word with one leading dash (`-decimal`: leave out sessions
 * with the word) is part of the query, as it would be after `--`; two dashes
 * and the one-letter short options stay options.
 */
function searchWordsAsQuery(argv: readonly string[]): string[] {
  const at = argv.indexOf('search');
  // `search` as the command, not as the value of an option before it (`--title search`).
  const before = argv[at - 1];
  if (at < 0 || (before !== undefined && before.startsWith('--') && !before.includes('=') && typeof FLAGS[camel(before.slice(2)) as keyof typeof FLAGS] === 'object' && (FLAGS[camel(before.slice(2)) as keyof typeof FLAGS] as { type: string }).type === 'string')) return [...argv];
  const words = argv.slice(at + 1).filter((a) => /^-[^-\s]{2,}/.test(a));
  if (words.length === 0 || argv.includes('--')) return [...argv];
  return [...argv.slice(0, at + 1), ...argv.slice(at + 1).filter((a) => !words.includes(a)), '--', ...words];
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function withOptionalSessionValue(argv: readonly string[]): string[] {
  const out = [...argv];
  const i = out.indexOf('--session');
  if (i >= 0 && (i === out.length - 1 || out[i + 1]!.startsWith('-'))) out[i] = '--session=';
  return out;
}

function selection(
  f: { sort?: string | undefined; reverse: boolean; here: boolean; dir?: string | undefined; source?: string[] | undefined; limit?: string | undefined },
  cwd: string,
): Selection {
  if (f.here && f.dir !== undefined) throw new UserError('use either --here or --dir, not both', 'bad-input');
  const sel: Selection = { reverse: f.reverse };
  if (f.sort !== undefined) sel.sort = parseSortKey(f.sort);
  if (f.source && f.source.length > 0) sel.sources = parseSources(f.source);
  if (f.here) sel.dir = { path: cwd, below: false };
  if (f.dir !== undefined) sel.dir = { path: f.dir, below: true };
  if (f.limit !== undefined) sel.limit = parseLimit(f.limit);
  return sel;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || value.trim() === '') throw new UserError(`--limit takes a whole number, got '${value}'`, 'bad-input');
  return n;
}

function ownPackage(): { name: string; version: string } {
  // dist/cli.js and dist/bundle/cli.js sit one and two folders below it.
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name: string; version: string };
      if (pkg.name === 'sessions') return pkg;
    } catch {
      // not there: one more folder up
    }
  }
  return { name: 'sessions', version: 'unknown' };
}

