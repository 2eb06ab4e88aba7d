// The RPC boundary's rules (src/chain/rpc.ts): which failures are repeated for a read and for a
// send, what code each becomes, that the endpoint's credentials never reach a message, and that
// the transport counts and batches against a real local HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyRpcError, createRpcTransport, processRpcCounter, rpcCall, RpcCounter, type RetryOptions } from '../../src/chain/rpc.js';
import { StewardError } from '../../src/errors/index.js';

const retry: RetryOptions = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 200, sleep: async () => undefined };

async function triesUntilThrown(error: () => unknown, kind: 'read' | 'send'): Promise<{ tries: number; thrown: StewardError }> {
  let tries = 0;
  try {
    await rpcCall(
      'm',
      'https://user:secret@rpc.example.com/?api-key=abc',
      async () => {
        tries++;
        throw error();
      },
      retry,
      { kind },
    );
  } catch (thrown) {
    return { tries, thrown: thrown as StewardError };
  }
  throw new Error('rpcCall did not throw');
}

describe('retries at the boundary', () => {
  const cases: Array<[string, () => unknown, number, number, string]> = [
    // name, error, tries as a read, tries as a send, code
    ['429', () => new Error('429 Too Many Requests: slow down'), 4, 4, 'RPC_RATE_LIMITED'],
    ['503', () => new Error('failed to get info: Error: 503 Service Unavailable: busy'), 4, 1, 'RPC_FAILED'],
    [
      'connection refused',
      () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } }),
      4,
      4,
      'RPC_FAILED',
    ],
    [
      'reset',
      () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', message: 'other side closed' } }),
      4,
      1,
      'RPC_FAILED',
    ],
    [
      'abort on deadline',
      () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      4,
      1,
      'RPC_TIMEOUT',
    ],
    [
      'JSON-RPC error',
      () =>
        Object.assign(new Error('failed to send transaction: Transaction simulation failed'), { name: 'SolanaJSONRPCError', code: -32002 }),
      1,
      1,
      'RPC_FAILED',
    ],
    ['stale slot', () => Object.assign(new Error('Minimum context slot has not been reached'), { code: -32016 }), 1, 1, 'RPC_STALE_SLOT'],
    ['malformed answer', () => new Error('Expected string, received number at path result'), 1, 1, 'RPC_BAD_RESPONSE'],
  ];
  it.each(cases)(
    '%s: repeated as a read, repeated as a send only when it never reached a node',
    async (_name, error, readTries, sendTries, code) => {
      const read = await triesUntilThrown(error, 'read');
      expect(read.tries).toBe(readTries);
      expect(read.thrown.code).toBe(code);
      const send = await triesUntilThrown(error, 'send');
      expect(send.tries).toBe(sendTries);
      expect(send.thrown.code).toBe(code);
      for (const thrown of [read.thrown, send.thrown]) {
        expect(thrown.message).not.toContain('secret');
        expect(thrown.message).not.toContain('abc');
      }
    },
  );

  it('says when a send may have reached the node', async () => {
    const { thrown } = await triesUntilThrown(
      () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      'send',
    );
    expect(thrown.message).toContain('its outcome is unknown');
    expect((thrown.context as Record<string, unknown>)['delivery']).toBe('unknown');
    expect(classifyRpcError(new Error('429 Too Many Requests: x'), 'send').delivery).toBe('not-delivered');
  });

  it('a call that never answers fails at its deadline', async () => {
    let tries = 0;
    await expect(
      rpcCall(
        'getSlot',
        'http://127.0.0.1:1',
        () => {
          tries++;
          return new Promise(() => undefined);
        },
        { ...retry, attempts: 2, timeoutMs: 20 },
      ),
    ).rejects.toMatchObject({ code: 'RPC_TIMEOUT' });
    expect(tries).toBe(2);
  });
});

describe('the raw transport against a local JSON-RPC server', () => {
  let server: Server;
  let url: string;
  let refuseNext = 0;
  let batches = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (refuseNext > 0) {
          refuseNext--;
          return void res.writeHead(429, 'Too Many Requests').end('slow down');
        }
        const parsed = JSON.parse(body) as { id: number; method: string } | Array<{ id: number; method: string }>;
        const answer = (call: { id: number; method: string }) =>
          call.method === 'boom'
            ? { jsonrpc: '2.0', id: call.id, error: { code: -32010, message: 'excluded from account secondary indexes' } }
            : { jsonrpc: '2.0', id: call.id, result: call.method };
        if (Array.isArray(parsed)) batches++;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(Array.isArray(parsed) ? parsed.map(answer).reverse() : answer(parsed)));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('sends a batch as one request, matches answers by id, keeps per-call errors apart, and retries 429', async () => {
    const counter = new RpcCounter();
    const transport = createRpcTransport(url, { counter });
    const before = processRpcCounter.requests;
    refuseNext = 1;
    const answers = await transport.batch(
      [
        { method: 'a', params: [] },
        { method: 'boom', params: [] },
        { method: 'c', params: [] },
      ],
      retry,
    );
    expect(answers[0]).toEqual({ ok: true, result: 'a' });
    expect(answers[2]).toEqual({ ok: true, result: 'c' });
    expect(answers[1]?.ok).toBe(false);
    expect(answers[1]?.ok === false && answers[1].error.message).toContain('-32010');
    expect(batches).toBe(1);
    // The refused try and the answered one.
    expect(counter.requests).toBe(2);
    expect(counter.methods).toEqual({ a: 2, boom: 2, c: 2 });
    expect(processRpcCounter.requests - before).toBe(2);
    await expect(transport.request('boom', [])).rejects.toMatchObject({ code: -32010 });
  });
});
