// A tool-calling chat model that answers from a script instead of weights: tests, the adversary
// runs and users' own tests drive a LangChain agent loop with exactly the tool calls they want to
// show or attack with. It is a real LangChain chat model (bindTools, invoke, callbacks), so the
// agent loop, the tool node and Steward's tools run as they do with any other model.
import { randomUUID } from 'node:crypto';
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { AIMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { StewardError } from '../../errors/index.js';
import { toolSpecs, type Completion, type ModelIdentity, type ToolSpec } from '../../llm/index.js';

/** One scripted answer: tool calls (any names and arguments, bound or not), or a final text answer. */
export type ToolScriptStep = { toolCalls: { name: string; args: Record<string, unknown> }[] } | { answer: string };

export interface ToolScriptTurn {
  /** The conversation so far (tool results included). */
  messages: readonly BaseMessage[];
  /** Names of the bound tools. */
  tools: readonly string[];
  /** 0 for the first model call of this model, then 1, 2, ... */
  step: number;
}

export type ToolScript = readonly ToolScriptStep[] | ((turn: ToolScriptTurn) => ToolScriptStep);

interface ScriptedCallOptions extends BaseChatModelCallOptions {
  tools?: ToolSpec[];
}

export class ScriptedToolModel extends BaseChatModel<ScriptedCallOptions> {
  readonly backend = 'local' as const;
  private readonly name_: string;
  private readonly script: ToolScript;
  private step = 0;

  constructor(name: string, script: ToolScript) {
    super({});
    this.name_ = name;
    this.script = script;
  }

  static override lc_name(): string {
    return 'StewardScriptedToolModel';
  }

  _llmType(): string {
    return 'steward-scripted-tools';
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<ScriptedCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, ScriptedCallOptions> {
    return this.withConfig({ ...kwargs, tools: toolSpecs(tools) } as Partial<ScriptedCallOptions>) as unknown as Runnable<
      BaseLanguageModelInput,
      AIMessageChunk,
      ScriptedCallOptions
    >;
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const step = this.step++;
    const tools = (options.tools ?? []).map((spec) => spec.name);
    const next =
      typeof this.script === 'function' ? this.script({ messages, tools, step }) : this.script[Math.min(step, this.script.length - 1)];
    if (!next) throw new StewardError('INTERNAL', `the scripted tool model "${this.name_}" has an empty script`);
    const message =
      'answer' in next
        ? new AIMessage(next.answer)
        : new AIMessage({
            content: '',
            tool_calls: next.toolCalls.map((call) => ({
              id: `call_${randomUUID()}`,
              name: call.name,
              args: call.args,
              type: 'tool_call' as const,
            })),
          });
    return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] };
  }

  /** Not a structured-output model: single-shot decisions need scriptedModel. */
  async generateStructured(): Promise<Completion> {
    throw new StewardError('CONFIG_INVALID', `the scripted tool model "${this.name_}" only answers tool calls`, {
      hint: 'use decision: tool-agent with it, or scriptedModel() for single-shot decisions',
    });
  }

  async modelIdentity(): Promise<ModelIdentity> {
    return { backend: 'local', model: `scripted-tools:${this.name_}` };
  }

  async close(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {}
}
