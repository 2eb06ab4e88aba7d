// The remote backend (ChatOpenAI) against Steward's own OpenAI-compatible server: real inference
// behind a real HTTP API, plus small proxies in front of it that fail, stall or lie.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HumanMessage } from '@langchain/core/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  buildPrompt,
  decide,
  ensureTestModel,
  LocalChatModel,
  RemoteChatModel,
  startModelServer,
  type ModelServer,
} from '../../src/llm/index.js';
import { tempDir } from '../helpers/tmp.js';

const schema = z.strictObject({ action: z.enum(['hold', 'transfer']), note: z.string().max(20) });
let local: LocalChatModel;
let server: ModelServer;
const proxies: Server[] = [];

/** A proxy in front of the model server; `handle` may answer itself instead of forwarding. */
async function proxy(
  handle: (count: number, forward: () => void, respond: (status: number, body: string) => void) => void,
): Promise<string> {
  const target = new URL(server.url);
  let count = 0;
  const proxyServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count++;
      const forward = (): void => {
        const upstream = httpRequest(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.end(Buffer.concat(chunks));
      };
      handle(count, forward, (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      });
    });
  });
  proxies.push(proxyServer);
  await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxyServer.address() as AddressInfo).port}/v1`;
}

beforeAll(async () => {
  const path = await ensureTestModel({ dir: tempDir('steward-remote-'), seed: 11 });
  local = await LocalChatModel.open({ path, maxTokens: 256, temperature: 0.8 });
  server = await startModelServer({ model: local, modelName: 'tiny' });
});
afterAll(async () => {
  for (const p of proxies) {
    p.closeAllConnections();
    p.close();
  }
  await server.close();
  await local.close();
});

describe('remote backend against the local OpenAI-compatible server', () => {
  it('decides with response_format json_schema and reports usage', async () => {
    const remote = new RemoteChatModel({ baseUrl: server.url, model: 'tiny', maxRetries: 0, timeoutMs: 30_000 });
    const decision = await decide({ model: remote, schema, prompt: buildPrompt({ system: 'Agent.', task: 'Decide.' }) });
    expect(schema.parse(JSON.parse(decision.raw))).toEqual(decision.value);
    expect(decision.usage.promptTokens).toBeGreaterThan(0);
    expect(decision.usage.completionTokens).toBeGreaterThan(0);
    expect(await remote.modelIdentity()).toEqual({ backend: 'remote', model: 'tiny', endpoint: server.url });
  });

  it('decides through a forced tool call when the server lacks json_schema', async () => {
    const remote = new RemoteChatModel({ baseUrl: server.url, model: 'tiny', maxRetries: 0, structuredMode: 'tool_calling' });
    const decision = await decide({ model: remote, schema, prompt: [new HumanMessage('Decide.')] });
    expect(schema.safeParse(decision.value).success).toBe(true);
  });

  it('streams plain text as server-sent events', async () => {
    const remote = new RemoteChatModel({ baseUrl: server.url, model: 'tiny', maxRetries: 0, maxTokens: 16 });
    let chunks = 0;
    let text = '';
    for await (const chunk of await remote.stream([new HumanMessage('Say something.')])) {
      chunks++;
      text += typeof chunk.content === 'string' ? chunk.content : '';
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text.length).toBeGreaterThan(0);
  });

  it('retries a 500 once and then succeeds', async () => {
    const url = await proxy((count, forward, respond) => (count === 1 ? respond(500, '{"error":{"message":"boom"}}') : forward()));
    const remote = new RemoteChatModel({ baseUrl: url, model: 'tiny', maxRetries: 1 });
    const decision = await decide({ model: remote, schema, prompt: [new HumanMessage('Decide.')] });
    expect(decision.attempts).toBe(1);
  });

  it('fails with a clear error when the endpoint keeps failing', async () => {
    const url = await proxy((_count, _forward, respond) => respond(500, '{"error":{"message":"boom"}}'));
    const remote = new RemoteChatModel({ baseUrl: url, model: 'tiny', maxRetries: 0 });
    await expect(decide({ model: remote, schema, prompt: [new HumanMessage('Decide.')] })).rejects.toMatchObject({
      code: 'LLM_FAILED',
      message: expect.stringContaining('HTTP 500'),
    });
  });

  it('times out a stalled endpoint', async () => {
    const url = await proxy(() => undefined); // never answers
    const remote = new RemoteChatModel({ baseUrl: url, model: 'tiny', maxRetries: 0, timeoutMs: 300 });
    await expect(decide({ model: remote, schema, prompt: [new HumanMessage('Decide.')] })).rejects.toMatchObject({
      code: 'LLM_FAILED',
      message: expect.stringContaining('did not answer in time'),
    });
  });

  it('reports a malformed response clearly', async () => {
    const url = await proxy((_count, _forward, respond) => respond(200, '{"id":"x","object":"chat.completion","choices":"nope"}'));
    const remote = new RemoteChatModel({ baseUrl: url, model: 'tiny', maxRetries: 0 });
    await expect(decide({ model: remote, schema, prompt: [new HumanMessage('Decide.')] })).rejects.toMatchObject({
      code: 'LLM_FAILED',
      message: expect.stringContaining('malformed response'),
    });
  });

  it('reports finish_reason length when max_tokens cuts the answer', async () => {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
    });
    const body = (await response.json()) as { choices: Array<{ finish_reason: string }>; usage: { completion_tokens: number } };
    expect(body.choices[0]?.finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBe(2);
  });

  it('answers bad requests with 400 and an OpenAI-style error', async () => {
    const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{"messages":[]}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
