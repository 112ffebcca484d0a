// Small text and time helpers shared by the layout readers.

/** The agents' pickers cut a prompt-derived title at 150 characters. */
export const TITLE_MAX = 150;

/** First non-empty line, cut to 150 characters: how Kimi and Kiro files title an untitled session. */
export function firstLineTitle(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return cut(line.trim(), TITLE_MAX);
}

/** Newlines folded into spaces, cut to 150 characters: how Kiro's database picker shows a prompt. */
export function foldedTitle(text: string): string {
  return cut(text.replace(/\s*[\r\n]+\s*/g, ' ').trim(), TITLE_MAX);
}

/** Cuts by code point so an emoji or CJK character is never split in half. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}

/** Text the agent injected into the conversation (not something a person typed). */
export function isInjected(text: string): boolean {
  return text.trimStart().startsWith('<system-reminder>');
}

/**
 * Milliseconds since the epoch from the time shapes the layouts use: epoch
 * milliseconds, epoch seconds (floats, Kimi CLI), or an ISO 8601 / RFC 3339
 * string. Null for anything else.
 */
export function toMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    // Epoch seconds stay below 1e11 until the year 5138; milliseconds are above it since 1973.
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

export function isoOrNull(ms: number | null): string | null {
  if (ms === null) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Compact one-line JSON of tool arguments; strings that hold JSON are shown as that JSON. */
export function argsText(args: unknown): string | undefined {
  if (args === undefined || args === null) return undefined;
  if (typeof args === 'string') {
    try {
      return JSON.stringify(JSON.parse(args));
    } catch {
      return args;
    }
  }
  try {
    return JSON.stringify(args);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Joins the text parts of a content value: a string, or an array of `{type:"text", text}` parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (isRecord(part) && typeof part['text'] === 'string') parts.push(part['text']);
  }
  return parts.join('\n');
}

/** Text of `think` parts in a content array (Kimi's thinking). */
export function thinkText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .filter((p) => isRecord(p) && p['type'] === 'think' && typeof p['think'] === 'string')
    .map((p) => (p as Record<string, string>)['think'])
    .join('\n');
}

/** What a person reads for Node's error codes (the codes themselves say nothing to most). */
const PLAIN: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'exists already',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  EBUSY: 'busy',
};

/** Node's error code in plain words, or the code itself where there are none. */
export function plainCode(code: string | undefined): string | undefined {
  return code === undefined ? undefined : (PLAIN[code] ?? code);
}

/**
 * One line for an error. Node's file errors (`ENOENT: no such file or
 * directory, open '/x'`) become plain words and the path (`no such file or
 * folder: /x`).
 */
export function errorText(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
  const m = /^([A-Z][A-Z0-9]+): [^,]*, \w+ '([^']*)'(?: -> '([^']*)')?$/.exec(text);
  if (m && PLAIN[m[1]!]) return `${PLAIN[m[1]!]}: ${m[2]}${m[3] ? ` (to ${m[3]})` : ''}`;
  return text;
}
