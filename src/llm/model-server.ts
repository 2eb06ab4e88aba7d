// An OpenAI-compatible chat-completions server on 127.0.0.1, backed by the local llama.cpp
// backend: `steward serve-model` lets other tools (or other Steward runtimes) share one loaded
// model, and the remote backend's tests run against it — real inference behind a real API.
// Supports response_format json_schema, forced tool calls (grammar on the arguments), and
// stream: true (server-sent events).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { StewardError } from '../errors/index.js';
import type { JsonSchema } from './json-schema.js';
import { LocalChatModel } from './local-chat-model.js';

export interface ModelServerOptions {
  /** A loaded local model, or a GGUF path to open (and close with the server). */
  model: LocalChatModel | string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The model name reported by /v1/models (default: the file name). */
  modelName?: string;
}

export interface ModelServer {
  /** Base URL including /v1, ready for ChatOpenAI's baseURL. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 2 ** 20;

class BadRequest extends Error {}

interface ChatRequest {
  messages?: Array<{ role?: string; content?: unknown }>;
  stream?: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  seed?: number;
  response_format?: { type?: string; json_schema?: { schema?: JsonSchema } };
  tools?: Array<{ type?: string; function?: { name?: string; parameters?: JsonSchema } }>;
  tool_choice?: unknown;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest(`request body over ${MAX_BODY_BYTES} bytes`));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
      )
      .join('');
  }
  if (content === null || content === undefined) return '';
  throw new BadRequest('message content must be a string or an array of text parts');
}

function toMessages(request: ChatRequest): BaseMessage[] {
  if (!Array.isArray(request.messages) || request.messages.length === 0) throw new BadRequest('messages must be a non-empty array');
  return request.messages.map((message) => {
    const text = textOf(message.content);
    switch (message.role) {
      case 'system':
      case 'developer':
        return new SystemMessage(text);
      case 'assistant':
        return new AIMessage(text);
      case 'user':
      case 'tool':
        return new HumanMessage(text);
      default:
        throw new BadRequest(`unknown message role ${JSON.stringify(message.role)}`);
    }
  });
}

/** The forced tool of a request, if any: its name and argument schema. */
function forcedTool(request: ChatRequest): { name: string; parameters: JsonSchema } | undefined {
  if (!request.tools?.length) return undefined;
  const choice = request.tool_choice as { function?: { name?: string } } | string | undefined;
  const name =
    typeof choice === 'object' ? choice.function?.name : request.tools.length === 1 ? request.tools[0]?.function?.name : undefined;
  const tool = request.tools.find((candidate) => candidate.function?.name === name);
  if (!name || !tool?.function?.parameters)
    throw new BadRequest('tools are supported only with tool_choice naming one function with parameters');
  return { name, parameters: tool.function.parameters };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const owned = typeof options.model === 'string';
  const model = typeof options.model === 'string' ? await LocalChatModel.open({ path: options.model }) : options.model;
  const modelName = options.modelName ?? basename(model.runtime.path);

  async function chatCompletions(request: ChatRequest, response: ServerResponse, signal: AbortSignal): Promise<void> {
    const messages = toMessages(request);
    const tool = forcedTool(request);
    const jsonSchema =
      tool?.parameters ?? (request.response_format?.type === 'json_schema' ? request.response_format.json_schema?.schema : undefined);
    if (request.response_format?.type === 'json_schema' && !jsonSchema)
      throw new BadRequest('response_format json_schema needs json_schema.schema');
    const maxTokens = request.max_completion_tokens ?? request.max_tokens;
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const base = { id, created, model: modelName };
    const streaming = request.stream === true && !tool;
    if (streaming) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const event = (delta: Record<string, unknown>, finish: string | null): void => {
        response.write(
          `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
        );
      };
      event({ role: 'assistant', content: '' }, null);
      const streamed = await model.complete(messages, {
        ...(jsonSchema ? { jsonSchema } : {}),
        ...(maxTokens === undefined ? {} : { maxTokens }),
        ...(request.seed === undefined ? {} : { seed: request.seed }),
        signal,
        onTextChunk: (text) => event({ content: text }, null),
      });
      event({}, streamed.finishReason === 'length' ? 'length' : 'stop');
      response.end('data: [DONE]\n\n');
      return;
    }
    const completion = await model.complete(messages, {
      ...(jsonSchema ? { jsonSchema } : {}),
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(request.seed === undefined ? {} : { seed: request.seed }),
      signal,
    });
    const { usage } = completion;
    const message = tool
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: `call_${randomUUID()}`, type: 'function', function: { name: tool.name, arguments: completion.text } }],
        }
      : { role: 'assistant', content: completion.text };
    send(response, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message, finish_reason: completion.finishReason === 'length' ? 'length' : tool ? 'tool_calls' : 'stop' }],
      usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        total_tokens: usage.promptTokens + usage.completionTokens,
        prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens ?? 0 },
      },
    });
  }

  const server = createServer((request, response) => {
    const abort = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) abort.abort();
    });
    void (async () => {
      try {
        const path = (request.url ?? '/').split('?')[0];
        if (request.method === 'GET' && path === '/v1/models') {
          send(response, 200, { object: 'list', data: [{ id: modelName, object: 'model', owned_by: 'steward' }] });
        } else if (request.method === 'POST' && path === '/v1/chat/completions') {
          let body: ChatRequest;
          try {
            body = JSON.parse(await readBody(request)) as ChatRequest;
          } catch (error) {
            throw error instanceof BadRequest ? error : new BadRequest('the body is not JSON');
          }
          await chatCompletions(body, response, abort.signal);
        } else {
          send(response, 404, { error: { message: `no route ${request.method} ${path}`, type: 'not_found' } });
        }
      } catch (error) {
        if (response.headersSent) {
          response.destroy();
          return;
        }
        const bad = error instanceof BadRequest;
        send(response, bad ? 400 : 500, {
          error: {
            message: (error as Error).message,
            type: bad ? 'invalid_request_error' : 'server_error',
            code: error instanceof StewardError ? error.code : null,
          },
        });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new StewardError('LLM_FAILED', `could not listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}: ${error.message}`, {
          cause: error,
          hint: 'Pick another --port, or stop the process that holds it.',
        }),
      ),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  let closed = false;
  return {
    url: `http://${address.address}:${address.port}/v1`,
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (owned) await model.close();
    },
  };
}
