// Builds a transcript the same way for every layout, so that "a turn", "a
// message" and "the first prompt" mean one thing everywhere.
import type { Message } from '../model.js';
import type { ResumeMark } from './source.js';
import { argsText, contentText, isRecord, isoOrNull, str, thinkText } from '../util/text.js';

/** What a reader is asked for: a listing needs counts and the first prompt, `show` the messages. */
export type ReadDepth = 'summary' | 'transcript';

export class TranscriptBuilder {
  /** The messages; left empty when only a summary was asked for. */
  readonly messages: Message[] = [];
  /** User and assistant messages, thinking not counted (what `Session.messages` promises). */
  messageCount = 0;
  turns = 0;
  firstPrompt: string | null = null;
  firstTimeMs: number | null = null;
  lastTimeMs: number | null = null;
  private readonly toolNames = new Map<string, string>();
  /** Streamed text parts of one step arrive as several records; they are one message. */
  private mergeKey: string | null = null;
  /** The last message's kind, all a summary needs to decide whether a part continues it. */
  private last: { role: Message['role']; tool: boolean; thinking: boolean } | null = null;

  /**
   * A summary (for listings) only counts: no message objects, no ISO times,
   * which is most of what reading 10,000 sessions would otherwise allocate.
   */
  constructor(private readonly depth: ReadDepth = 'transcript') {}

  /** Messages pushed so far, kept or not, from the start of the session (see ResumeMark). */
  private pushed = 0;
  /**
   * What each message pushed since the last boundary (a compaction, a clear)
   * counted for, so an undo can take it back: bit 1 a counted message, 2 a
   * turn, 4 the first prompt. Kept at every depth (a number a message).
   */
  private undoable: number[] = [];
  /** Read from a resume mark: what came before it is not in `undoable`. */
  private resumed = false;

  /** Carries on from a resume mark: counts, first prompt and message numbers go on from there. */
  resume(mark: ResumeMark): void {
    this.resumed = true;
    this.pushed = mark.message;
    this.messageCount = mark.messageCount;
    this.turns = mark.turns;
    this.firstPrompt = mark.firstPrompt;
    this.firstTimeMs = mark.firstTimeMs;
  }

  /** A resume mark at this point: the record at `offset` (digest `check`) is about to start a turn. */
  mark(offset: number, check: string): ResumeMark {
    return { offset, check, message: this.pushed, messageCount: this.messageCount, turns: this.turns, firstPrompt: this.firstPrompt, firstTimeMs: this.firstTimeMs };
  }

  /** A prompt a person typed: a user message, and a turn. */
  prompt(text: string, timeMs: number | null): void {
    this.turns++;
    const first = this.firstPrompt === null;
    this.firstPrompt ??= text;
    this.push({ role: 'user', text, time: this.time(timeMs) }, first ? 6 : 2);
  }

  /**
   * Takes back the messages of the last `count` turns, as an agent's undo
   * does: from the end back to the count-th prompt (inclusive), never past a
   * boundary. False when a read that resumed from a mark would have to take
   * back what it never read (the caller reads the whole session instead).
   */
  undo(count: number): boolean {
    let removed = 0;
    while (removed < count && this.undoable.length > 0) {
      const bits = this.undoable.pop()!;
      if (this.depth === 'transcript') this.messages.pop();
      this.pushed--;
      if (bits & 1) this.messageCount--;
      if (bits & 4) this.firstPrompt = null;
      if (bits & 2) {
        this.turns--;
        removed++;
      }
    }
    this.last = null;
    this.mergeKey = null;
    return removed >= count || !this.resumed;
  }

  /** A compaction or a clear: an undo stops here. */
  boundary(): void {
    this.undoable = [];
  }

  /** A user message that is not a new turn (a steer, a cancelled prompt, an origin other than a person). */
  user(text: string, timeMs: number | null): void {
    this.push({ role: 'user', text, time: this.time(timeMs) });
  }

  assistantText(text: string, timeMs: number | null, mergeKey: string | null = null): void {
    this.appendOrPush(text, timeMs, mergeKey, false);
  }

  thinking(text: string, timeMs: number | null, mergeKey: string | null = null): void {
    this.appendOrPush(text, timeMs, mergeKey, true);
  }

  toolCall(name: string, id: string | undefined, args: string | undefined, timeMs: number | null): void {
    if (id) this.toolNames.set(id, name);
    const tool = { name, ...(id ? { id } : {}), ...(args !== undefined ? { args } : {}) };
    this.push({ role: 'assistant', text: '', time: this.time(timeMs), tool });
  }

  /**
   * An assistant message as both Kimi layouts store it: content parts (`think`
   * and `text`) and OpenAI-style tool calls.
   */
  assistantMessage(content: unknown, toolCalls: unknown, timeMs: number | null): void {
    const think = thinkText(content);
    if (think) this.thinking(think, timeMs);
    const text = contentText(content);
    if (text) this.assistantText(text, timeMs);
    this.openAiToolCalls(toolCalls, timeMs);
  }

  /** `{id, function: {name, arguments}}`, or flattened `{id, name, arguments}`. */
  private openAiToolCalls(calls: unknown, timeMs: number | null): void {
    if (!Array.isArray(calls)) return;
    for (const call of calls) {
      if (!isRecord(call)) continue;
      const fn = isRecord(call['function']) ? call['function'] : {};
      const name = str(call['name']) ?? str(fn['name']) ?? 'tool';
      this.toolCall(name, str(call['id']) ?? undefined, argsText(call['arguments'] ?? fn['arguments']), timeMs);
    }
  }

  toolResult(id: string | undefined, text: string, isError: boolean, timeMs: number | null, name?: string): void {
    const toolName = name ?? (id ? this.toolNames.get(id) : undefined) ?? 'tool';
    const tool = { name: toolName, ...(id ? { id } : {}), ...(isError ? { isError: true } : {}) };
    this.push({ role: 'tool', text, time: this.time(timeMs), tool });
  }

  summary(text: string, timeMs: number | null): void {
    this.push({ role: 'summary', text, time: this.time(timeMs) });
    this.boundary();
  }

  /** Records a time seen on any record, for created/updated fallbacks. */
  touch(timeMs: number | null): void {
    if (timeMs === null) return;
    if (this.firstTimeMs === null || timeMs < this.firstTimeMs) this.firstTimeMs = timeMs;
    if (this.lastTimeMs === null || timeMs > this.lastTimeMs) this.lastTimeMs = timeMs;
  }

  private appendOrPush(text: string, timeMs: number | null, mergeKey: string | null, thinking: boolean): void {
    if (text === '') return;
    const last = this.last;
    if (mergeKey !== null && mergeKey === this.mergeKey && last?.role === 'assistant' && !last.tool && last.thinking === thinking) {
      const message = this.messages[this.messages.length - 1];
      if (message) message.text += text;
      this.touch(timeMs);
      return;
    }
    this.push({ role: 'assistant', text, time: this.time(timeMs), ...(thinking ? { thinking: true } : {}) });
    this.mergeKey = mergeKey;
  }

  private push(message: Message, bits = 0): void {
    this.last = { role: message.role, tool: message.tool !== undefined, thinking: message.thinking === true };
    const counted = (message.role === 'user' || message.role === 'assistant') && !message.thinking;
    if (counted) this.messageCount++;
    this.undoable.push(bits | (counted ? 1 : 0));
    if (this.depth === 'transcript') this.messages.push(message);
    this.pushed++;
    this.mergeKey = null;
  }

  private time(timeMs: number | null): string | null {
    this.touch(timeMs);
    return this.depth === 'transcript' ? isoOrNull(timeMs) : null;
  }
}
