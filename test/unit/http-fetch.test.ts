// The RPC boundary's HTTP client (src/chain/http-fetch.ts) against real node:http servers on
// 127.0.0.1: what goes out and comes back, compressed answers, one kept-alive socket for
// sequential requests, deadlines, and the failures `classifyRpcError` must keep telling apart
// (refused: not delivered; reset, cut answer: outcome unknown). The stale kept-alive socket cases
// run the server in a worker thread so this thread can stay blocked while the server closes it.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { httpFetch } from '../../src/chain/http-fetch.js';
import { classifyRpcError, createRpcTransport, rpcCall, type RetryOptions } from '../../src/chain/rpc.js';
import type { StewardError } from '../../src/errors/index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface TestServer {
  url: string;
  server: Server;
  seen: Seen[];
  connections: number;
  /** Sockets the server saw close. */
  closed: number;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

/** A server that records each request and answers through `answer` once the body is in. */
async function serve(answer: (res: ServerResponse, req: IncomingMessage, body: string) => void): Promise<TestServer> {
  const state = { seen: [] as Seen[], connections: 0, closed: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(res, req, body);
    });
  });
  server.on('connection', (socket) => {
    state.connections++;
    socket.on('close', () => state.closed++);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { url, server }) as TestServer;
}

async function rejection(promise: Promise<unknown>): Promise<Error & { cause?: NodeJS.ErrnoException }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { cause?: NodeJS.ErrnoException };
  }
  throw new Error('expected a rejection, got an answer');
}

const once: RetryOptions = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 5_000, sleep: async () => undefined };

/** The StewardError a send through the real transport ends in. */
async function sendFailure(url: string, timeoutMs = 5_000): Promise<StewardError> {
  const transport = createRpcTransport(url, { timeoutMs });
  const error = await rejection(
    rpcCall('sendTransaction', url, () => transport.fetch(url, { method: 'POST', body: '{"method":"sendTransaction"}' }), once, {
      kind: 'send',
    }),
  );
  return error as StewardError;
}

describe('httpFetch: what goes out and what comes back', () => {
  it('sends method, headers and body; answers status, statusText, headers and the body bytes', async () => {
    const s = await serve((res) => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(201, 'Made It', { 'content-type': 'application/octet-stream', 'x-answer': 'yes' }).end(Buffer.from([0, 1, 2, 255]));
    });
    const response = await httpFetch(`${s.url}/rpc?key=1`, {
      method: 'post',
      headers: { 'Content-Type': 'application/json', 'solana-client': 'js/1' },
      body: '{"jsonrpc":"2.0","id":1,"method":"getSlot","note":"é"}',
      // web3.js passes its own agent: ignored.
      agent: { not: 'an agent' },
    } as RequestInit);
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made It');
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    const [seen] = s.seen;
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/rpc?key=1');
    expect(seen?.body).toBe('{"jsonrpc":"2.0","id":1,"method":"getSlot","note":"é"}');
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength(seen?.body ?? '')));
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers['solana-client']).toBe('js/1');
    expect(seen?.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(seen?.headers['connection']).toBe('keep-alive');
  });

  it('takes headers as Headers or pairs, bytes as a body, and keeps an accept-encoding the caller set', async () => {
    const s = await serve((res) => res.end('ok'));
    await httpFetch(s.url, {
      method: 'PUT',
      headers: new Headers({ 'x-a': '1', 'accept-encoding': 'identity' }),
      body: new Uint8Array([104, 105]),
    });
    await httpFetch(s.url, {
      method: 'POST',
      headers: [
        ['x-b', '2'],
        ['x-b', '3'],
      ],
    });
    expect(s.seen[0]).toMatchObject({
      method: 'PUT',
      body: 'hi',
      headers: { 'x-a': '1', 'accept-encoding': 'identity', 'content-length': '2' },
    });
    expect(s.seen[1]).toMatchObject({ method: 'POST', body: '', headers: { 'x-b': '2, 3', 'content-length': '0' } });
  });

  it('refuses what fetch refuses: credentials in the URL, a scheme other than http(s), a GET with a body', async () => {
    await expect(httpFetch('http://user:pw@127.0.0.1:1/')).rejects.toThrow(/credentials/);
    await expect(httpFetch('ftp://127.0.0.1/')).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { message: /unsupported scheme/ },
    });
    await expect(httpFetch('http://127.0.0.1:1/', { method: 'GET', body: 'x' })).rejects.toThrow(/GET request cannot have a body/);
  });

  it.each([
    ['gzip', (data: Buffer) => gzipSync(data)],
    ['br', (data: Buffer) => brotliCompressSync(data)],
    ['deflate', (data: Buffer) => deflateSync(data)],
    ['deflate', (data: Buffer) => deflateRawSync(data)],
    ['deflate, gzip', (data: Buffer) => gzipSync(deflateSync(data))],
  ])('decodes a %s answer', async (encoding, encode) => {
    const json = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { value: 'x'.repeat(5_000) } });
    const s = await serve((res) => res.writeHead(200, { 'content-encoding': encoding }).end(encode(Buffer.from(json))));
    const response = await httpFetch(s.url, { method: 'POST', body: '{}' });
    expect(await response.text()).toBe(json);
  });

  it('a compressed answer that does not decode is a network failure, as fetch reports it', async () => {
    const s = await serve((res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'));
    const error = await rejection(httpFetch(s.url, { method: 'POST', body: '{}' }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
  });

  it.each([204, 205, 304])('a %i answer has a null body', async (status) => {
    const s = await serve((res) => res.writeHead(status).end());
    const response = await httpFetch(s.url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(status);
    expect(response.body).toBeNull();
    expect(await response.text()).toBe('');
  });

  it('a HEAD answer has a null body', async () => {
    const s = await serve((res) => res.writeHead(200, { 'content-length': '10' }).end());
    const response = await httpFetch(s.url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.body).toBeNull();
  });

  it('does not follow a redirect: the 3xx comes back as it is, and the POST went out once', async () => {
    const s = await serve((res) => res.writeHead(307, { location: '/elsewhere' }).end('moved'));
    const response = await httpFetch(s.url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('/elsewhere');
    expect(s.seen.map((seen) => seen.url)).toEqual(['/']);
  });

  it('a 101 nobody asked for is a network failure (undici: "bad upgrade")', async () => {
    const s = await serve((res) => {
      res.writeHead(101, { connection: 'upgrade', upgrade: 'nothing' });
      res.end();
    });
    const error = await rejection(httpFetch(s.url, { method: 'POST', body: '{}' }));
    expect(error.message).toBe('fetch failed');
    expect(error.cause?.message).toMatch(/bad upgrade/);
  });
});

describe('httpFetch: kept-alive sockets', () => {
  it('20 sequential requests go over one connection', async () => {
    const s = await serve((res, _req, body) => res.end(body));
    for (let i = 0; i < 20; i++) {
      const response = await httpFetch(s.url, { method: 'POST', body: `{"id":${i}}` });
      expect(await response.text()).toBe(`{"id":${i}}`);
    }
    expect(s.seen).toHaveLength(20);
    expect(s.connections).toBe(1);
  });

  it('an idle kept-alive socket does not keep a process alive', async () => {
    const s = await serve((res) => res.end('ok'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { httpFetch } from ${JSON.stringify(new URL('../../src/chain/http-fetch.ts', import.meta.url).href)};
         console.log(await (await httpFetch(${JSON.stringify(s.url)}, { method: 'POST', body: '{}' })).text());`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let answeredAt = 0;
    child.stdout.on('data', () => (answeredAt ||= Date.now()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(0);
    expect(answeredAt).toBeGreaterThan(0);
    // Referenced, the socket would hold the child until the idle timeout (4 s) closes it.
    expect(Date.now() - answeredAt).toBeLessThan(2_500);
    expect(s.connections).toBe(1);
  });
});

describe('httpFetch: deadlines and failures, as classifyRpcError reads them', () => {
  it('an abort during the request destroys it and rejects with the signal reason: RPC_TIMEOUT', async () => {
    const s = await serve(() => undefined); // never answers
    const error = await rejection(httpFetch(s.url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) }));
    expect(error.name).toBe('TimeoutError');
    expect(classifyRpcError(error, 'send')).toMatchObject({ code: 'RPC_TIMEOUT', delivery: 'unknown', retryable: false });
    await expect.poll(() => s.closed).toBe(1);
    // The transport's own deadline, combined with a caller's signal, ends the same way.
    const caller = new AbortController();
    const transport = createRpcTransport(s.url, { timeoutMs: 50 });
    const viaTransport = await rejection(transport.fetch(s.url, { method: 'POST', body: '{}', signal: caller.signal }));
    expect(viaTransport.name).toBe('TimeoutError');
    expect((await sendFailure(s.url, 50)).code).toBe('RPC_TIMEOUT');
  });

  it("the caller's abort rejects with its reason", async () => {
    const s = await serve(() => undefined);
    const caller = new AbortController();
    const pending = httpFetch(s.url, { method: 'POST', body: '{}', signal: caller.signal });
    await expect.poll(() => s.seen.length).toBe(1);
    caller.abort(new Error('the caller gave up'));
    await expect(pending).rejects.toThrow('the caller gave up');
  });

  it('an already aborted signal rejects at once: nothing is sent', async () => {
    const s = await serve((res) => res.end('ok'));
    const error = await rejection(httpFetch(s.url, { method: 'POST', body: '{}', signal: AbortSignal.abort() }));
    expect(error.name).toBe('AbortError');
    expect(s.connections).toBe(0);
  });

  it('a refused connection: fetch failed, ECONNREFUSED, a send not delivered', async () => {
    const s = await serve(() => undefined);
    servers.splice(servers.indexOf(s.server), 1);
    await new Promise((done) => s.server.close(done));
    const error = await rejection(httpFetch(s.url, { method: 'POST', body: '{}' }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(error.cause?.code).toBe('ECONNREFUSED');
    expect(classifyRpcError(error, 'send')).toMatchObject({ code: 'RPC_FAILED', delivery: 'not-delivered', retryable: true });
    const failure = await sendFailure(s.url);
    expect(failure.code).toBe('RPC_FAILED');
    expect(failure.context).toMatchObject({ delivery: 'not-delivered' });
  });

  it('a server that drops the connection before answering: fetch failed, ECONNRESET, a send of unknown outcome', async () => {
    const s = await serve((_res, req) => req.socket.destroy());
    const error = await rejection(httpFetch(s.url, { method: 'POST', body: '{}' }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(error.cause).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    expect(classifyRpcError(error, 'send')).toMatchObject({ code: 'RPC_FAILED', delivery: 'unknown', retryable: false });
    expect(classifyRpcError(error, 'read')).toMatchObject({ code: 'RPC_FAILED', retryable: true });
    const failure = await sendFailure(s.url);
    expect(failure.code).toBe('RPC_FAILED');
    expect(failure.context).toMatchObject({ delivery: 'unknown' });
    expect(failure.message).toContain('its outcome is unknown');
  });

  it('an answer cut short: fetch failed, ECONNRESET "aborted", a send of unknown outcome', async () => {
    const s = await serve((res, req) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"jsonrpc":"2.0",', () => req.socket.destroy());
    });
    const error = await rejection(httpFetch(s.url, { method: 'POST', body: '{}' }));
    expect(error.message).toBe('fetch failed');
    expect(error.cause).toMatchObject({ code: 'ECONNRESET', message: 'aborted' });
    expect(classifyRpcError(error, 'send')).toMatchObject({ code: 'RPC_FAILED', delivery: 'unknown', retryable: false });
  });
});

// The server runs in a worker: this thread blocks (Atomics.wait) while the server closes the
// kept-alive socket, so the close is in the kernel but not yet seen here when the next request
// takes the socket from the pool.
const staleServer = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const flag = new Int32Array(workerData.flag);
let last; let requests = 0; let connections = 0;
const server = http.createServer((req, res) => {
  last = req.socket;
  req.resume();
  req.on('end', () => res.end('answer ' + ++requests));
});
server.on('connection', () => connections++);
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'stats') return parentPort.postMessage({ requests, connections });
  if (m === 'reset') last.resetAndDestroy(); else last.destroy();
  setTimeout(() => { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); }, 20);
});`;

async function staleSocket(close: 'reset' | 'close'): Promise<{ second: Promise<Response>; stats: () => Promise<unknown> }> {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(staleServer, { eval: true, workerData: { flag } });
  const { port } = await new Promise<{ port: number }>((done) => worker.once('message', done));
  const url = `http://127.0.0.1:${port}/`;
  expect(await (await httpFetch(url, { method: 'POST', body: '{"n":1}' })).text()).toBe('answer 1');
  worker.postMessage(close);
  Atomics.wait(new Int32Array(flag), 0, 0, 5_000);
  const second = httpFetch(url, { method: 'POST', body: '{"n":2}' });
  const stats = async () => {
    await second.catch(() => undefined);
    worker.postMessage('stats');
    const answer = await new Promise((done) => worker.once('message', done));
    await worker.terminate();
    return answer;
  };
  return { second, stats };
}

describe('httpFetch: a kept-alive socket the server closed', () => {
  it('reset before the request was written (the write fails): sent once more on a fresh connection', async () => {
    const { second, stats } = await staleSocket('reset');
    expect(await (await second).text()).toBe('answer 2');
    expect(await stats()).toEqual({ requests: 2, connections: 2 });
  });

  it('closed, the request written before the close was seen: not repeated, a send of unknown outcome', async () => {
    const { second, stats } = await staleSocket('close');
    const error = await rejection(second);
    expect(error.message).toBe('fetch failed');
    expect(error.cause).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    expect(classifyRpcError(error, 'send')).toMatchObject({ code: 'RPC_FAILED', delivery: 'unknown', retryable: false });
    expect(await stats()).toEqual({ requests: 1, connections: 1 });
  });
});
