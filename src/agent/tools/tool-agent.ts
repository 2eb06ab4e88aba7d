// The tool-calling decision loop: LangChain's createAgent (a model node and a tool node) over
// Steward's tools, bounded three ways — model calls, tool calls (toolCallLimitMiddleware blocks
// calls past the limit) and tokens, checked before each model call — and by LangGraph's
// recursion limit as a backstop. The loop only asks: what moves funds is decided
// inside the propose_* tools, by the policy, in the journal.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, type BaseMessage } from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { createAgent, createMiddleware, toolCallLimitMiddleware, type AnyAgentMiddleware } from 'langchain';
import { StewardError } from '../../errors/index.js';
import type { GenerationUsage } from '../../llm/index.js';

export interface ToolAgentLimits {
  maxSteps: number;
  maxToolCalls: number;
  maxTokens: number;
}

export interface ToolAgentParams {
  model: BaseChatModel;
  tools: StructuredToolInterface[];
  systemPrompt: string;
  task: string;
  limits: ToolAgentLimits;
  signal?: AbortSignal | undefined;
}

export interface ToolAgentResult {
  messages: BaseMessage[];
  /** The model's final text answer; null when a limit ended the loop first. */
  finalText: string | null;
  modelCalls: number;
  toolCalls: number;
  usage: GenerationUsage;
  stoppedBy: 'answer' | 'steps' | 'tool-calls' | 'tokens';
}

function usageOf(messages: readonly BaseMessage[]): GenerationUsage {
  let promptTokens = 0;
  let completionTokens = 0;
  for (const message of messages) {
    const usage = (message as { usage_metadata?: { input_tokens?: number; output_tokens?: number } }).usage_metadata;
    promptTokens += usage?.input_tokens ?? 0;
    completionTokens += usage?.output_tokens ?? 0;
  }
  return { promptTokens, completionTokens };
}

/**
 * Ends the loop before a model call once the run has made `maxSteps` model calls, answered
 * `maxToolCalls` tool calls (blocked ones included) or spent `maxTokens` prompt and completion
 * tokens. It adds no message: the reason is kept in `stop` for the caller.
 */
function loopBounds(limits: ToolAgentLimits, stop: { reason?: ToolAgentResult['stoppedBy'] | undefined }) {
  return createMiddleware({
    name: 'StewardLoopBounds',
    beforeModel: {
      canJumpTo: ['end'],
      hook: (state: { messages: BaseMessage[] }) => {
        const { promptTokens, completionTokens } = usageOf(state.messages);
        const count = (type: string) => state.messages.filter((message) => message.getType() === type).length;
        stop.reason =
          promptTokens + completionTokens >= limits.maxTokens
            ? 'tokens'
            : count('tool') >= limits.maxToolCalls
              ? 'tool-calls'
              : count('ai') >= limits.maxSteps
                ? 'steps'
                : undefined;
        return stop.reason ? { jumpTo: 'end' as const } : undefined;
      },
    },
  });
}

export function hasBindTools(model: unknown): model is BaseChatModel {
  return (
    typeof (model as { bindTools?: unknown } | null)?.bindTools === 'function' &&
    typeof (model as { invoke?: unknown }).invoke === 'function'
  );
}

export async function runToolAgent(params: ToolAgentParams): Promise<ToolAgentResult> {
  const { limits } = params;
  if (!hasBindTools(params.model)) {
    throw new StewardError('CONFIG_INVALID', 'decision: tool-agent needs a chat model that supports tool calling (bindTools)', {
      hint: "Steward's local and OpenAI-compatible models both do; a scripted single-shot model does not",
    });
  }
  const stop: { reason?: ToolAgentResult['stoppedBy'] | undefined } = {};
  const agent = createAgent({
    model: params.model,
    tools: params.tools,
    systemPrompt: params.systemPrompt,
    // langchain's middleware types are written against zod 3 and do not check under this
    // project's exactOptionalPropertyTypes; the values are the library's own.
    // Calls past the limit inside one answer are blocked with an error result ('continue');
    // the bounds then end the loop before the next model call.
    middleware: [
      toolCallLimitMiddleware({ runLimit: limits.maxToolCalls, exitBehavior: 'continue' as const } as never),
      loopBounds(limits, stop),
    ] as unknown as readonly AnyAgentMiddleware[],
  });
  const state = await agent.invoke(
    { messages: [new HumanMessage(params.task)] },
    // Each step is a model node and a tool node, plus the middleware nodes around them.
    { recursionLimit: 10 + limits.maxSteps * 6, ...(params.signal ? { signal: params.signal } : {}) },
  );
  const messages = state.messages as BaseMessage[];
  const ai = messages.filter((message) => message.getType() === 'ai');
  const toolCalls = messages.filter((message) => message.getType() === 'tool').length;
  const usage = usageOf(messages);
  const last = messages[messages.length - 1];
  const answered = !stop.reason && last?.getType() === 'ai' && ((last as { tool_calls?: unknown[] }).tool_calls ?? []).length === 0;
  const stoppedBy = stop.reason ?? 'answer';
  return { messages, finalText: answered ? last.text : null, modelCalls: ai.length, toolCalls, usage, stoppedBy };
}
