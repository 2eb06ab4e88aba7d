// LangChain messages as node-llama-cpp chat history, and the token prefix two prompts share:
// what the local chat model sends and how it counts reused prefill (benches measure the same way).
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatHistoryItem, Token } from 'node-llama-cpp';

/** The history for one answer: the messages, then an empty model turn for the answer to fill. */
export function toChatHistory(messages: readonly BaseMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
    const text = typeof message.content === 'string' ? message.content : message.text;
    const type = message.getType();
    if (type === 'system' || type === 'developer') return { type: 'system', text };
    if (type === 'ai') return { type: 'model', response: [text || toolCallsText(message)] };
    if (type === 'tool') return { type: 'user', text: `Result of the tool ${(message as { name?: string }).name ?? ''}:\n${text}` };
    return { type: 'user', text };
  });
  history.push({ type: 'model', response: [] });
  return history;
}

/** An answer that only called tools (another model's, or one without the raw text) in the local tool-call format. */
function toolCallsText(message: BaseMessage): string {
  const calls = (message as { tool_calls?: { name: string; args: unknown }[] }).tool_calls ?? [];
  return calls.length === 0 ? '' : JSON.stringify({ tool_calls: calls.map((call) => ({ name: call.name, arguments: call.args })) });
}

/** How many leading tokens `a` and `b` share. */
export function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}

/**
 * The history as one string, in order, for picking the pooled sequence whose last prompt shares
 * the longest prefix with this one (the same text gives the same tokens under one chat template).
 */
export function historyKey(history: readonly ChatHistoryItem[]): string {
  return history
    .map(
      (item) =>
        `${item.type}\u0000${item.type === 'model' ? item.response.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('') : item.text}\u0001`,
    )
    .join('');
}
