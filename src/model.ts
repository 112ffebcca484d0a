// The one vocabulary every layer shares. No I/O here. Each kind is a module
// in src/layouts/ and a line in its registry.

export const SOURCE_KINDS = ['kimi-code', 'kimi-cli', 'kiro-sqlite', 'kiro-files', 'codex', 'claude-code'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];


export type Role = 'user' | 'assistant' | 'tool' | 'summary';

export interface ToolInfo {
  name: string;
  /** The agent's id of the call, linking a call to its result. */
  id?: string;
  /** Arguments as compact JSON (calls only). */
  args?: string;
  isError?: boolean;
}

export interface Message {
  role: Role;
  text: string;
  /** ISO 8601, or null where the layout does not record a time. */
  time: string | null;
  /** Set on assistant tool calls and on tool results. */
  tool?: ToolInfo;
  /** The model's thinking: shown only on request. */
  thinking?: boolean;
}

/** Where a title came from, so a reader can tell a name a person chose from a guess. */
export type TitleSource = 'custom' | 'generated' | 'prompt' | 'none';

export interface Session {
  source: SourceKind;
  /** The agent's own id, as its resume command takes it. */
  id: string;
  title: string;
  titleSource: TitleSource;
  workDir: string | null;
  createdAt: string;
  updatedAt: string;
  /** Prompts a person typed. */
  turns: number;
  /** User and assistant messages shown in a transcript (thinking not counted). */
  messages: number;
  /** Bytes on disk (for a database row: the size of its value). */
  bytes: number;
  /** The session's folder, file, or `database#row` locator. */
  path: string;
  /** The agent holds its lock (Kiro's .lock), or it was written in the last minute: do not rewrite it now. */
  inUse: boolean;
  /** Why it is in use (its agent has it locked, a kimi process has it open, another program just wrote it). */
  inUseReason?: string;
  archived: boolean;
  /** Id of the session this one was forked from, when the layout records it. */
  forkedFrom: string | null;
  /** The same conversation in another layout (Kimi Code's import of a Kimi CLI session and back). */
  sameAs: { source: SourceKind; id: string } | null;
  /** What was wrong when reading it; empty when it read cleanly. */
  problems: string[];
  /** Set when the agent itself deletes this session at its next start (Kiro's cleanup.periodDays), saying why. */
  agentDeletes?: string | null;
}

/** A session together with its transcript, as `show` needs it. */
export interface Transcript {
  session: Session;
  messages: Message[];
  /**
   * Set when only part of a long session was read (the manager's preview of
   * a 100 MB session, around its match): `messages` are those from message
   * number `first` on, and `more` says whether later ones were left unread.
   */
  window?: { first: number; more: boolean };
}

/** `source:id`: how a session is named across layouts (ids are unique only within one). */
export function sessionKey(s: { source: string; id: string }): string {
  return `${s.source}:${s.id}`;
}

export function isSourceKind(value: string): value is SourceKind {
  return (SOURCE_KINDS as readonly string[]).includes(value);
}

/** Counts what `Session.messages` promises: user and assistant messages, thinking excluded. */
export function countMessages(messages: readonly Message[]): number {
  let n = 0;
  for (const m of messages) if ((m.role === 'user' || m.role === 'assistant') && !m.thinking) n++;
  return n;
}
