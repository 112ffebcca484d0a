// A Kiro CLI database conversation (the V1 ConversationState: a row's value,
// or what the legacy UI's /chat save writes) made into a session of files,
// the way the agent's own /chat load converts one: crates/chat-cli/src/cli/
// chat/v1_export/mod.rs (write_v1_session, convert_conversation,
// convert_user_message, convert_assistant_message, build_prompt_meta), with
// the shapes of crates/agent/src/agent/event_log.rs and agent_loop/types.rs.
import { randomUUID } from 'node:crypto';
import { isRecord, str } from '../../util/text.js';

/** What V1 puts around the compaction summary it hands the model (chat-cli conversation.rs). */
const CONTEXT_START = '--- CONTEXT ENTRY BEGIN ---\n';
const CONTEXT_END = '--- CONTEXT ENTRY END ---\n\n';
const SUMMARY_LEAD =
  'This summary contains ALL relevant information from our previous conversation including tool uses, results, code analysis, and file operations. YOU MUST reference this information when answering questions and explicitly acknowledge specific details from the summary when they\'re relevant to the current question.\n\nSUMMARY CONTENT:\n';

type Block = Record<string, unknown>;

/** The session's metadata (`<id>.json`) and log lines (`<id>.jsonl`). */
export function fromV1(state: Record<string, unknown>, id: string, cwd: string, importedFrom: string | null, nowIso: string): { meta: Record<string, unknown>; log: string[] } {
  const history = Array.isArray(state['history']) ? state['history'] : [];
  const summaryValue = state['latest_summary'];
  const summary = Array.isArray(summaryValue) ? str(summaryValue[0]) : str(summaryValue);
  const entries: Array<Record<string, unknown>> = [];
  let title: string | null = null;
  history.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const user = userEntry(isRecord(entry['user']) ? entry['user'] : {}, i === 0 ? summary : null);
    if (title === null && user['kind'] === 'Prompt') title = sessionTitle((user['data'] as { content: Block[] }).content);
    entries.push(user);
    entries.push(assistantEntry(entry['assistant']));
  });
  const model = isRecord(state['model_info']) ? state['model_info'] : null;
  const meta: Record<string, unknown> = {
    session_id: id,
    cwd,
    created_at: nowIso,
    updated_at: nowIso,
    title,
    exported_from_v1: true,
    ...(importedFrom ? { imported_from: importedFrom } : {}),
    session_state: {
      version: 'v1',
      conversation_metadata: { user_turn_metadatas: [], user_turn_start_request: null, last_request: null },
      rts_model_state: { conversation_id: id, model_info: model ? modelInfo(model) : null, context_usage_percentage: null },
      // RuntimePermissions::default().with_cwd(cwd): the work dir may be read.
      permissions: { filesystem: { allowed_read_paths: [cwd], allowed_write_paths: [], denied_read_paths: [], denied_write_paths: [] }, trusted_tools: [], denied_tools: [], allowed_commands: [] },
      agent_name: null,
    },
  };
  return { meta, log: entries.map((e) => JSON.stringify({ version: 'v1', ...e })) };
}

function userEntry(user: Record<string, unknown>, summary: string | null): Record<string, unknown> {
  const content = isRecord(user['content']) ? user['content'] : {};
  const prompt = isRecord(content['Prompt']) ? content['Prompt'] : null;
  if (prompt) {
    const text = str(prompt['prompt']) ?? '';
    const blocks: Block[] = text === '' ? [] : [{ kind: 'text', data: text }];
    if (Array.isArray(user['images'])) for (const img of user['images']) blocks.push({ kind: 'image', data: image(img) });
    const meta = promptMeta(str(user['additional_context']) ?? '', str(user['timestamp']), summary);
    return { kind: 'Prompt', data: { message_id: randomUUID(), content: blocks, ...(meta ? { meta } : {}) } };
  }
  const results = isRecord(content['ToolUseResults']) ? content['ToolUseResults']['tool_use_results'] : null;
  if (Array.isArray(results)) return { kind: 'ToolResults', data: { message_id: randomUUID(), content: toolResults(results), results: {} } };
  const cancelled = isRecord(content['CancelledToolUses']) ? content['CancelledToolUses'] : {};
  // V1 sends the cancelled results and any prompt as one user message; the agent keeps them as one entry.
  const blocks = toolResults(Array.isArray(cancelled['tool_use_results']) ? cancelled['tool_use_results'] : []);
  const text = str(cancelled['prompt']);
  if (text) blocks.push({ kind: 'text', data: text });
  return { kind: 'ToolResults', data: { message_id: randomUUID(), content: blocks, results: {} } };
}

function assistantEntry(assistant: unknown): Record<string, unknown> {
  const a = isRecord(assistant) ? assistant : {};
  const response = isRecord(a['Response']) ? a['Response'] : null;
  const toolUse = isRecord(a['ToolUse']) ? a['ToolUse'] : null;
  const body = response ?? toolUse ?? {};
  const id = str(body['message_id']) ?? randomUUID();
  const text = str(body['content']) ?? '';
  const blocks: Block[] = [];
  // A Response keeps its text even when empty; a ToolUse only when there is some.
  if (response || text !== '') blocks.push({ kind: 'text', data: text });
  if (toolUse && Array.isArray(toolUse['tool_uses'])) {
    for (const use of toolUse['tool_uses']) {
      if (isRecord(use)) blocks.push({ kind: 'toolUse', data: { toolUseId: str(use['id']) ?? '', name: str(use['name']) ?? '', input: use['args'] ?? null } });
    }
  }
  return { kind: 'AssistantMessage', data: { message_id: id, content: blocks } };
}

function toolResults(results: unknown[]): Block[] {
  return results.filter(isRecord).map((r) => ({
    kind: 'toolResult',
    data: {
      toolUseId: str(r['tool_use_id']) ?? '',
      content: (Array.isArray(r['content']) ? r['content'] : []).filter(isRecord).map((c) => ('Json' in c ? { kind: 'json', data: c['Json'] } : { kind: 'text', data: str(c['Text']) ?? '' })),
      status: r['status'] === 'Error' ? 'error' : 'success',
    },
  }));
}

/** build_prompt_meta: the summary (first prompt only) and the hook context, and the time in unix seconds. */
function promptMeta(additional: string, timestamp: string | null, summary: string | null): Record<string, unknown> | null {
  let ctx = summary ? `${CONTEXT_START}${SUMMARY_LEAD}${summary}\n${CONTEXT_END}` : '';
  if (additional !== '') ctx += `${additional}\n`;
  const ms = timestamp ? Date.parse(timestamp) : NaN;
  if (Number.isNaN(ms) && ctx === '') return null;
  const context = ctx.trim();
  return { timestamp: Number.isNaN(ms) ? null : Math.floor(ms / 1000), ...(context !== '' ? { additionalContext: context } : {}) };
}

/** convert_image: bytes kept, any other source empty; formats lowercase. */
function image(img: unknown): Block {
  const i = isRecord(img) ? img : {};
  const format = (str(i['format']) ?? 'png').toLowerCase();
  const source = isRecord(i['source']) ? i['source'] : {};
  const bytes = Array.isArray(source['Bytes']) ? source['Bytes'] : [];
  return { format, source: { kind: 'bytes', data: bytes } };
}

/** create_session_title: the first text block's first line, at most 150 bytes with `...`. */
function sessionTitle(blocks: Block[]): string | null {
  const text = blocks.find((b) => b['kind'] === 'text')?.['data'];
  if (typeof text !== 'string') return null;
  const line = (text.split('\n')[0] ?? text).trim();
  if (line === '') return null;
  if (Buffer.byteLength(line) <= 150) return line;
  let cut = '';
  for (const ch of line) {
    if (Buffer.byteLength(cut + ch) > 147) break;
    cut += ch;
  }
  return `${cut}...`;
}

/** chat_cli_v2 legacy ModelInfo: optional fields left out when absent. */
function modelInfo(m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['model_name', 'description']) if (m[k] != null) out[k] = m[k];
  out['model_id'] = m['model_id'] ?? '';
  if (m['context_window_tokens'] != null) out['context_window_tokens'] = m['context_window_tokens'];
  for (const k of ['rate_multiplier', 'rate_unit']) if (m[k] != null) out[k] = m[k];
  return out;
}
