// Every layout the manager knows, one line each. Everything outside
// src/layouts/ finds a layout's answers here; the kinds' names are in
// model.ts (SOURCE_KINDS), and the compiler holds the two lists together.
import type { SourceKind } from '../model.js';
import { UserError } from '../errors.js';
import { isUnsupported, type Layout, type LayoutWriter, type Unsupported } from './contract.js';
import { claudeCode } from './claude-code/index.js';
import { codex } from './codex/index.js';
import { kimiCli } from './kimi-cli/index.js';
import { kimiCode } from './kimi-code/index.js';
import { kiroFiles } from './kiro-files/index.js';
import { kiroSqlite } from './kiro-sqlite/index.js';

const BY_KIND: { readonly [K in SourceKind]: Layout & { kind: K } } = {
  'kimi-code': kimiCode as Layout & { kind: 'kimi-code' },
  'kimi-cli': kimiCli as Layout & { kind: 'kimi-cli' },
  'kiro-sqlite': kiroSqlite as Layout & { kind: 'kiro-sqlite' },
  'kiro-files': kiroFiles as Layout & { kind: 'kiro-files' },
  codex: codex as Layout & { kind: 'codex' },
  'claude-code': claudeCode as Layout & { kind: 'claude-code' },
};

/** In the order they are listed and searched. */
export const LAYOUTS: readonly Layout[] = Object.values(BY_KIND);

/** Short names people type: `--source kiro` means both Kiro layouts (each layout names its agent). */
export const SOURCE_ALIASES: Readonly<Record<string, readonly SourceKind[]>> = (() => {
  const out: Record<string, SourceKind[]> = {};
  for (const l of LAYOUTS) (out[l.agent] ??= []).push(l.kind);
  // An agent named like its one layout (codex) needs no alias.
  for (const [name, kinds] of Object.entries(out)) if (kinds.includes(name as SourceKind)) delete out[name];
  return out;
})();

export function layoutOf(kind: SourceKind): Layout {
  return BY_KIND[kind];
}

export function writerFor(kind: SourceKind): LayoutWriter {
  return BY_KIND[kind].writer;
}

export type WriteAction = 'rename' | 'fork' | 'compact' | 'shrink';
type Done<C> = Exclude<C, Unsupported>;

/** Why this layout cannot do `action`, or null when it can (the manager greys the key out and says this). */
export function cannot(kind: SourceKind, action: WriteAction | 'import'): string | null {
  const c = action === 'import' ? BY_KIND[kind].transfer.place : BY_KIND[kind].writer[action];
  return isUnsupported(c) ? `${BY_KIND[kind].label}: ${c.unsupported}` : null;
}

/** The layout's way of doing `action`; a one-line error naming the reason when it has none. */
export function writeAction<A extends WriteAction>(kind: SourceKind, action: A): Done<LayoutWriter[A]> {
  const c = BY_KIND[kind].writer[action];
  if (isUnsupported(c)) throw new UserError(`cannot ${action} a ${BY_KIND[kind].label} session: ${c.unsupported}`, 'failed');
  return c as Done<LayoutWriter[A]>;
}
