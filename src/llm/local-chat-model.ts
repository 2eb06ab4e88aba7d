// The local backend: a LangChain chat model over node-llama-cpp. Instances are light handles on
// a shared loaded model (llama-runtime); each generation borrows a sequence from the pool and
// gives it back in `finally`. Sequences are not cleared between calls: llama.cpp keeps the
// evaluated tokens of a sequence, and the next prompt that starts with the same fixed prefix
// (system prompt, policy) only evaluates what differs — the saving is reported as
// `cachedPromptTokens`.
import { commonPrefixLength, historyKey, toChatHistory } from './chat-history.js';
import { basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { Runnable } from '@langchain/core/runnables';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { AIMessage, SystemMessage, type AIMessageChunk, type BaseMessage, type UsageMetadata } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { LlamaChat, type LlamaGrammar, type TokenBias } from 'node-llama-cpp';
import { StewardError } from '../errors/index.js';
import { boundedJsonGrammar } from './bounded-grammar.js';
import type { Completion, ModelIdentity, StewardModelExtras, StructuredRequest } from './chat-model.js';
import { TEST_MODEL_NAME } from './gguf/tiny-llama.js';
import { toGbnfJsonSchema, type JsonSchema } from './json-schema.js';
import { parseToolAnswer, toolAnswerSchema, toolInstructions, toolSpecs, type ToolSpec } from './tool-calls.js';
import { acquireModel, type FlashAttentionSetting, type LoadedModel, type ModelLease } from './llama-runtime.js';
import { fileSha256 } from './model-identity.js';
import { asciiByteTokenBias } from './utf8-guard.js';

export interface LocalChatModelOptions {
  /** A local GGUF file (resolve URIs first with resolveModelPath). */
  path: string;
  temperature?: number;
  maxTokens?: number;
  /** Fixed sampling seed for reproducible runs; random when absent. */
  seed?: number;
  sequences?: number;
  threads?: number;
  contextSize?: number;
  /** Flash attention; default from the model size and the backend (chooseFlashAttention in llama-runtime.ts). */
  flashAttention?: FlashAttentionSetting;
  /** Forbid byte tokens that would break UTF-8; default: on for the generated test model. */
  utf8Guard?: boolean;
}

export interface LocalCallOptions extends BaseChatModelCallOptions {
  /** Tools bound with bindTools: the answer is constrained to calls of these (or a final answer, per tool_choice). */
  tools?: ToolSpec[];
  /** Constrain the answer to JSON matching this schema (grammar). */
  jsonSchema?: JsonSchema;
  maxTokens?: number;
  seed?: number;
}

export interface LocalCompleteOptions {
  jsonSchema?: JsonSchema;
  maxTokens?: number;
  seed?: number;
  signal?: AbortSignal;
  onTextChunk?: (text: string) => void;
}

export class LocalChatModel extends BaseChatModel<LocalCallOptions> implements StewardModelExtras {
  readonly backend = 'local' as const;
  private readonly lease: ModelLease;
  private readonly loaded: LoadedModel;
  private readonly settings: Required<Pick<LocalChatModelOptions, 'temperature' | 'maxTokens'>> & Pick<LocalChatModelOptions, 'seed'>;
  private readonly tokenBias: TokenBias | undefined;
  private closed = false;

  static override lc_name(): string {
    return 'StewardLocalChatModel';
  }

  /** Loads (or shares) the model file and returns a handle on it. */
  static async open(options: LocalChatModelOptions, params: BaseChatModelParams = {}): Promise<LocalChatModel> {
    const lease = await acquireModel(options.path, {
      ...(options.sequences === undefined ? {} : { sequences: options.sequences }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.contextSize === undefined ? {} : { contextSize: options.contextSize }),
      ...(options.flashAttention === undefined ? {} : { flashAttention: options.flashAttention }),
    });
    return new LocalChatModel(lease, options, params);
  }

  private constructor(lease: ModelLease, options: LocalChatModelOptions, params: BaseChatModelParams) {
    super(params);
    this.lease = lease;
    this.loaded = lease.loaded;
    this.settings = {
      temperature: options.temperature ?? 0.2,
      maxTokens: options.maxTokens ?? 768,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    };
    const metadata = this.loaded.info.metadata as { general?: { name?: string }; tokenizer?: { ggml?: { tokens?: readonly string[] } } };
    const guard = options.utf8Guard ?? metadata.general?.name === TEST_MODEL_NAME;
    const tokens = metadata.tokenizer?.ggml?.tokens;
    this.tokenBias = guard && tokens ? asciiByteTokenBias(this.loaded.model, tokens) : undefined;
  }

  _llmType(): string {
    return 'steward-llama-cpp';
  }

  /** The shared loaded model (bench and tests compare against node-llama-cpp directly). */
  get runtime(): LoadedModel {
    return this.loaded;
  }

  get tokenBiasForTests(): TokenBias | undefined {
    return this.tokenBias;
  }

  /**
   * Tool calling through LangChain (createAgent and chains call this): each answer is
   * grammar-constrained to calls of the bound tools with arguments of their schemas, or to a
   * final answer when tool_choice allows one. The AIMessage keeps the raw JSON as its content.
   */
  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<LocalCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, LocalCallOptions> {
    const specs = toolSpecs(tools);
    // A tool_choice naming no bound tool fails here, where the caller binds, not at the first call.
    toolAnswerSchema(specs, kwargs?.tool_choice);
    return this.withConfig({ ...kwargs, tools: specs } as Partial<LocalCallOptions>) as unknown as Runnable<
      BaseLanguageModelInput,
      AIMessageChunk,
      LocalCallOptions
    >;
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    const tools = options.tools;
    if (tools && tools.length > 0) {
      messages = withSystemText(messages, toolInstructions(tools, options.tool_choice));
      options = { ...options, jsonSchema: toolAnswerSchema(tools, options.tool_choice) };
    }
    const completion = await this.complete(messages, {
      ...(options.jsonSchema ? { jsonSchema: options.jsonSchema } : {}),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(runManager ? { onTextChunk: (text: string) => void runManager.handleLLMNewToken(text) } : {}),
    });
    const { usage } = completion;
    const message =
      tools && tools.length > 0 ? toolAnswerMessage(completion.text, completion.finishReason) : new AIMessage(completion.text);
    // AIMessage's generic typing narrows usage_metadata to undefined; the runtime field is standard.
    Object.assign(message, {
      usage_metadata: {
        input_tokens: usage.promptTokens,
        output_tokens: usage.completionTokens,
        total_tokens: usage.promptTokens + usage.completionTokens,
        input_token_details: { cache_read: usage.cachedPromptTokens ?? 0 },
      } satisfies UsageMetadata,
    });
    return {
      generations: [{ text: completion.text, message }],
      llmOutput: {
        tokenUsage: {
          promptTokens: usage.promptTokens,
          completionTokens: usage.completionTokens,
          totalTokens: usage.promptTokens + usage.completionTokens,
        },
      },
    };
  }

  generateStructured(request: StructuredRequest): Promise<Completion> {
    return this.complete(request.messages, {
      jsonSchema: request.jsonSchema,
      ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  }

  /** One generation on a pooled sequence, with token usage and timings. */
  async complete(messages: readonly BaseMessage[], options: LocalCompleteOptions = {}): Promise<Completion> {
    if (this.closed) {
      throw new StewardError('LLM_FAILED', 'this local chat model was closed', { hint: 'Create a new chat model with createChatModel().' });
    }
    const { llama, pool, path } = this.loaded;
    const grammar: LlamaGrammar | undefined = options.jsonSchema
      ? await boundedJsonGrammar(llama, toGbnfJsonSchema(options.jsonSchema))
      : undefined;
    const history = toChatHistory(messages);
    const { chatWrapper, model, prefixes } = this.loaded;
    // With one sequence there is nobody to share the system prompt's state with.
    const prefix =
      pool.size < 2
        ? undefined
        : prefixes.prefixOf(history, (items) =>
            chatWrapper.generateContextState({ chatHistory: items }).contextText.tokenize(model.tokenizer),
          );
    return pool.use(async (sequence) => {
      let before = sequence.contextTokens;
      const chat = new LlamaChat({ contextSequence: sequence, chatWrapper, autoDisposeSequence: false });
      let completionTokens = 0;
      let firstTokenAt: number | undefined;
      const start = performance.now();
      try {
        // The system prompt's state from another sequence when this one lacks it (a loaded prefix
        // counts as cached; one evaluated here counts as evaluated, like the rest of the prompt).
        if (prefix && (await prefixes.prepare(sequence, prefix)) === 'loaded') before = sequence.contextTokens;
        const seed = options.seed ?? this.settings.seed;
        const result = await chat.generateResponse(history, {
          ...(grammar ? { grammar } : {}),
          maxTokens: options.maxTokens ?? this.settings.maxTokens,
          temperature: this.settings.temperature,
          ...(seed === undefined ? {} : { seed }),
          ...(this.tokenBias ? { tokenBias: this.tokenBias } : {}),
          ...(options.signal ? { signal: options.signal, stopOnAbortSignal: false } : {}),
          ...(options.onTextChunk ? { onTextChunk: options.onTextChunk } : {}),
          onToken: (tokens) => {
            firstTokenAt ??= performance.now();
            completionTokens += tokens.length;
          },
        });
        const end = performance.now();
        const after = sequence.contextTokens;
        // The sequence now holds the prompt followed by the evaluated answer tokens (the last
        // sampled token is not evaluated).
        const promptTokens = Math.max(0, after.length - Math.max(0, completionTokens - 1));
        // llama.cpp always evaluates at least the last prompt token again to get fresh logits.
        const cachedPromptTokens = Math.min(commonPrefixLength(before, after.slice(0, promptTokens)), Math.max(0, promptTokens - 1));
        const stop = result.metadata.stopReason;
        return {
          text: result.response,
          finishReason: stop === 'maxTokens' ? 'length' : stop === 'abort' ? 'abort' : 'stop',
          usage: {
            promptTokens,
            completionTokens,
            cachedPromptTokens,
            prefillMs: (firstTokenAt ?? end) - start,
            decodeMs: firstTokenAt === undefined ? 0 : end - firstTokenAt,
          },
        };
      } catch (error) {
        if (error instanceof StewardError) throw error;
        if (options.signal?.aborted) {
          throw new StewardError('LLM_FAILED', `local generation with ${basename(path)} was aborted`, { cause: error, context: { path } });
        }
        throw new StewardError('LLM_FAILED', `local generation with ${basename(path)} failed: ${(error as Error).message}`, {
          cause: error,
          context: { path },
          hint: 'Run `steward doctor`; if memory is short, lower model.contextSize or model.sequences.',
        });
      } finally {
        chat.dispose({ disposeSequence: false });
      }
    }, historyKey(history));
  }

  async modelIdentity(): Promise<ModelIdentity> {
    const name = (this.loaded.info.metadata as { general?: { name?: string } }).general?.name;
    return {
      backend: 'local',
      model: basename(this.loaded.path),
      sha256: await fileSha256(this.loaded.path),
      ...(typeof name === 'string' ? { name } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lease.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The messages with `text` added to the system prompt (appended to the first system message, else a new one first). */
function withSystemText(messages: readonly BaseMessage[], text: string): BaseMessage[] {
  const [first, ...rest] = messages;
  if (first && first.getType() === 'system') return [new SystemMessage(`${first.text}\n\n${text}`), ...rest];
  return [new SystemMessage(text), ...messages];
}

/** A constrained tool answer as an AIMessage: tool calls with fresh ids, or the final answer text. */
function toolAnswerMessage(text: string, finishReason: Completion['finishReason']): AIMessage {
  const parsed = parseToolAnswer(text);
  if (!parsed) {
    // Cut off by the token limit: no call is made; the raw text stays visible as the content.
    return new AIMessage({
      content: text,
      invalid_tool_calls: [
        {
          args: text,
          id: `call_${randomUUID()}`,
          error: finishReason === 'length' ? 'the answer was cut off by the token limit' : 'the answer is not a tool call',
          type: 'invalid_tool_call',
        },
      ],
      response_metadata: { finish_reason: finishReason ?? 'stop' },
    });
  }
  if (parsed.answer !== null)
    return new AIMessage({ content: parsed.answer, response_metadata: { finish_reason: finishReason ?? 'stop' } });
  return new AIMessage({
    content: text,
    tool_calls: parsed.toolCalls.map((call) => ({
      id: `call_${randomUUID()}`,
      name: call.name,
      args: call.args,
      type: 'tool_call' as const,
    })),
    response_metadata: { finish_reason: 'tool_calls' },
  });
}
