// The remote backend: any OpenAI-compatible chat-completions endpoint (llama.cpp server, vLLM,
// Ollama, hosted APIs) through LangChain's ChatOpenAI, with a base URL, an API key from the
// environment, a timeout and bounded retries (LangChain retries 5xx, 429 and connection errors
// with backoff; 4xx are final). Structured answers use response_format json_schema where the
// server supports it, or a forced tool call otherwise; either way the raw JSON text comes back
// for decide() to validate.
import type { BaseMessage, UsageMetadata } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { StewardError } from '../errors/index.js';
import { redactUrl } from '../shared/index.js';
import type { Completion, GenerationUsage, ModelIdentity, StewardModelExtras, StructuredRequest } from './chat-model.js';

export type StructuredMode = 'json_schema' | 'tool_calling';

export interface RemoteChatModelOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  structuredMode?: StructuredMode;
}

function statusOf(error: unknown): number | undefined {
  const status =
    (error as { status?: unknown; response?: { status?: unknown } } | null)?.status ??
    (error as { response?: { status?: unknown } } | null)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Maps a failure of the endpoint to a StewardError that says what happened and what to do. */
export function remoteError(error: unknown, endpoint: string, model: string): StewardError {
  if (error instanceof StewardError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  const message = (error as Error | null)?.message ?? String(error);
  const context = { endpoint, model };
  if (/timeout|timed out/i.test(name) || /timed? ?out/i.test(message)) {
    return new StewardError('LLM_FAILED', `the model endpoint ${endpoint} did not answer in time`, {
      context,
      cause: error,
      hint: 'Raise model.endpoint.timeoutMs, or check that the server is not overloaded.',
    });
  }
  const status = statusOf(error);
  if (status !== undefined) {
    return new StewardError('LLM_FAILED', `the model endpoint ${endpoint} answered HTTP ${status}: ${message}`, {
      context: { ...context, status },
      cause: error,
      hint:
        status === 401 || status === 403
          ? 'Check the API key variable named by model.endpoint.apiKeyEnv (default STEWARD_OPENAI_API_KEY).'
          : status === 404
            ? `Check model.endpoint.baseUrl (usually ends in /v1) and that the server serves "${model}".`
            : 'The server failed after the configured retries; check its logs, or raise model.endpoint.maxRetries.',
    });
  }
  if (/connect|ECONNREFUSED|ENOTFOUND|fetch failed/i.test(message) || /Connection/i.test(name)) {
    return new StewardError('LLM_FAILED', `could not reach the model endpoint ${endpoint}: ${message}`, {
      context,
      cause: error,
      hint: 'Check that the server is running and model.endpoint.baseUrl is right.',
    });
  }
  return new StewardError('LLM_FAILED', `the model endpoint ${endpoint} gave a malformed response: ${message}`, {
    context,
    cause: error,
    hint: 'The server is not OpenAI-compatible for chat completions, or it returned an error page; check its logs.',
  });
}

export class RemoteChatModel extends ChatOpenAI implements StewardModelExtras {
  readonly backend = 'remote' as const;
  readonly endpoint: string;
  readonly structuredMode: StructuredMode;

  static override lc_name(): string {
    return 'StewardRemoteChatModel';
  }

  constructor(options: RemoteChatModelOptions) {
    super({
      model: options.model,
      // OpenAI's client insists on a key; local servers ignore it.
      apiKey: options.apiKey || 'not-needed',
      configuration: { baseURL: options.baseUrl },
      timeout: options.timeoutMs ?? 60_000,
      maxRetries: options.maxRetries ?? 2,
      temperature: options.temperature ?? 0.2,
      maxTokens: options.maxTokens ?? 768,
      ...(options.seed === undefined ? {} : { modelKwargs: { seed: options.seed } }),
    });
    this.endpoint = redactUrl(options.baseUrl);
    this.structuredMode = options.structuredMode ?? 'json_schema';
  }

  async generateStructured(request: StructuredRequest): Promise<Completion> {
    const messages = [...request.messages] as BaseMessage[];
    try {
      if (this.structuredMode === 'json_schema') {
        const message = await this.invoke(messages, {
          response_format: { type: 'json_schema', json_schema: { name: request.schemaName, schema: request.jsonSchema, strict: false } },
          ...(request.signal ? { signal: request.signal } : {}),
        });
        // eslint-disable-next-line no-restricted-syntax -- caught below and wrapped by remoteError into an LLM_* StewardError
        if (typeof message.content !== 'string') throw new Error('the answer content is not text');
        return { text: message.content, usage: usageOf(message) };
      }
      const message = await this.invoke(messages, {
        tools: [
          { type: 'function', function: { name: request.schemaName, description: 'Report the decision.', parameters: request.jsonSchema } },
        ],
        tool_choice: { type: 'function', function: { name: request.schemaName } },
        ...(request.signal ? { signal: request.signal } : {}),
      });
      // The raw arguments string, not LangChain's parsed copy: decide() validates and records it.
      const rawCalls = (message.additional_kwargs as { tool_calls?: Array<{ function?: { arguments?: string } }> }).tool_calls;
      const raw = rawCalls?.[0]?.function?.arguments;
      // eslint-disable-next-line no-restricted-syntax -- caught below and wrapped by remoteError into an LLM_* StewardError
      if (typeof raw !== 'string') throw new Error(`the answer has no call of the tool "${request.schemaName}"`);
      return { text: raw, usage: usageOf(message) };
    } catch (error) {
      throw remoteError(error, this.endpoint, this.model);
    }
  }

  async modelIdentity(): Promise<ModelIdentity> {
    return { backend: 'remote', model: this.model, endpoint: this.endpoint };
  }

  async close(): Promise<void> {
    // HTTP keeps no state to free; present so both backends close the same way.
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function usageOf(message: { usage_metadata?: UsageMetadata | undefined }): GenerationUsage {
  const usage = message.usage_metadata;
  const cached = usage?.input_token_details?.cache_read;
  return {
    promptTokens: usage?.input_tokens ?? 0,
    completionTokens: usage?.output_tokens ?? 0,
    ...(cached === undefined ? {} : { cachedPromptTokens: cached }),
  };
}
