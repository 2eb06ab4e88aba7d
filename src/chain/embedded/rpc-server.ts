// JSON-RPC over HTTP and the PubSub websocket for the embedded chain, as a validator serves
// them: single and batch requests, -32700/-32600/-32601/-32602 errors, a body size limit, and
// the subscriptions of rpc-subscriptions.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../shared/index.js';
import type { EmbeddedChain } from './embedded-chain.js';
import { createRpcMethods, type RpcMethod } from './rpc-methods.js';
import { RPC_INTERNAL_ERROR, RPC_INVALID_REQUEST, RPC_METHOD_NOT_FOUND, RPC_PARSE_ERROR, RpcError, asParams } from './rpc-params.js';
import { rpcJson } from './rpc-json.js';
import { attachPubSub } from './rpc-subscriptions.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type Id = string | number | null;
interface RpcResponse {
  jsonrpc: '2.0';
  id: Id;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

function errorResponse(id: Id, error: unknown, logger?: Logger): RpcResponse {
  if (error instanceof RpcError) {
    return {
      jsonrpc: '2.0',
      error:
        error.data === undefined
          ? { code: error.code, message: error.message }
          : { code: error.code, message: error.message, data: error.data },
      id,
    };
  }
  logger?.error({ err: error }, 'embedded chain: internal error in an RPC method');
  return {
    jsonrpc: '2.0',
    error: { code: RPC_INTERNAL_ERROR, message: `Internal error: ${(error as Error)?.message ?? String(error)}` },
    id,
  };
}

/** Dispatches one parsed JSON-RPC request object; null for a notification (no id). */
export function dispatch(methods: Record<string, RpcMethod>, request: unknown, logger?: Logger): RpcResponse | null {
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    return { jsonrpc: '2.0', error: { code: RPC_INVALID_REQUEST, message: 'Invalid request' }, id: null };
  }
  const { jsonrpc, id, method, params } = request as Record<string, unknown>;
  const replyId: Id = typeof id === 'string' || typeof id === 'number' ? id : null;
  if (jsonrpc !== '2.0' || typeof method !== 'string' || (id !== undefined && id !== null && replyId === null)) {
    return { jsonrpc: '2.0', error: { code: RPC_INVALID_REQUEST, message: 'Invalid request' }, id: replyId };
  }
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  let response: RpcResponse;
  if (!handler) response = { jsonrpc: '2.0', error: { code: RPC_METHOD_NOT_FOUND, message: 'Method not found' }, id: replyId };
  else {
    try {
      response = { jsonrpc: '2.0', result: handler(asParams(params)), id: replyId };
    } catch (error) {
      response = errorResponse(replyId, error, logger);
    }
  }
  return id === undefined ? null : response;
}

/** Handles a raw HTTP body: single request or batch. Returns the JSON text to send, or '' for none. */
export function handleBody(methods: Record<string, RpcMethod>, body: string, logger?: Logger): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return JSON.stringify({ jsonrpc: '2.0', error: { code: RPC_PARSE_ERROR, message: 'Parse error' }, id: null });
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0)
      return JSON.stringify({ jsonrpc: '2.0', error: { code: RPC_INVALID_REQUEST, message: 'Invalid request' }, id: null });
    const out = parsed.map((request) => dispatch(methods, request, logger)).filter((r) => r !== null);
    return out.length === 0 ? '' : rpcJson(out);
  }
  const response = dispatch(methods, parsed, logger);
  return response ? rpcJson(response) : '';
}

export interface RpcServers {
  http: Server;
  ws: WebSocketServer;
  wsHttp: Server;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const closeServer = (server: Server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

export interface ServeOptions {
  host: string;
  /** 0: pick a free pair of ports (HTTP on p, websocket on p + 1, as web3.js assumes). */
  port: number;
  maxBodyBytes?: number;
  logger?: Logger;
  /**
   * Runs before the chain answers a request (the parsed body, one entry per call): a fork
   * fetches what the calls need from its upstream here. A failure answers every call with
   * -32603 and the reason.
   */
  prepare?: (requests: readonly unknown[]) => Promise<void>;
  /** More methods (a fork's steward_forkInfo). */
  methods?: Record<string, RpcMethod>;
}

export async function serveRpc(chain: EmbeddedChain, options: ServeOptions): Promise<RpcServers & { port: number; wsPort: number }> {
  const methods = { ...createRpcMethods(chain), ...(options.methods ?? {}) };
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const http = createServer((request, response) => handleHttp(methods, maxBody, request, response, options.logger, options.prepare));
  http.keepAliveTimeout = 60_000;
  const wsHttp = createServer((_request, response) => {
    response.writeHead(426).end('websocket only');
  });
  for (let attempt = 0; ; attempt++) {
    const port = await listen(http, options.host, options.port);
    try {
      await listen(wsHttp, options.host, port + 1);
      break;
    } catch (error) {
      await closeServer(http);
      if (options.port !== 0 || attempt >= 20 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  const ws = new WebSocketServer({ server: wsHttp, maxPayload: maxBody });
  const detach = attachPubSub(chain, ws, (id, error) => errorResponse(id, error, options.logger), options.logger);
  const port = (http.address() as AddressInfo).port;
  return {
    http,
    ws,
    wsHttp,
    port,
    wsPort: port + 1,
    async close() {
      detach();
      for (const client of ws.clients) client.terminate();
      await new Promise<void>((resolve) => ws.close(() => resolve()));
      http.closeAllConnections();
      wsHttp.closeAllConnections();
      await Promise.all([closeServer(http), closeServer(wsHttp)]);
    },
  };
}

function handleHttp(
  methods: Record<string, RpcMethod>,
  maxBody: number,
  request: IncomingMessage,
  response: ServerResponse,
  logger?: Logger,
  prepare?: (requests: readonly unknown[]) => Promise<void>,
): void {
  if (request.method === 'GET' && request.url === '/health') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (request.method !== 'POST') {
    response.writeHead(405, { allow: 'POST' }).end('Used HTTP Method is not allowed. POST or OPTIONS is required');
    return;
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBody) {
    response.writeHead(413, { connection: 'close' }).end('Payload Too Large');
    request.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  request.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > maxBody) {
      refused = true;
      response.writeHead(413, { connection: 'close' }).end('Payload Too Large');
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (refused) return;
    const body = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
    const answer = (text: string) =>
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    if (!prepare) return void answer(handleBody(methods, body, logger));
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return void answer(handleBody(methods, body, logger));
    }
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    prepare(calls).then(
      () => answer(handleBody(methods, body, logger)),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        const code = (error as { code?: unknown } | null)?.code;
        const out = calls.map((call) => ({
          jsonrpc: '2.0',
          id: (call as { id?: Id } | null)?.id ?? null,
          error: {
            code: RPC_INTERNAL_ERROR,
            message: `fork upstream: ${message}`,
            ...(typeof code === 'string' ? { data: { code } } : {}),
          },
        }));
        answer(rpcJson(Array.isArray(parsed) ? out : out[0]));
      },
    );
  });
}
