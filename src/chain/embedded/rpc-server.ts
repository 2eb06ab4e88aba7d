// JSON-RPC over HTTP and the PubSub websocket for the embedded chain, as a validator serves
// them: single and batch requests, -32700/-32600/-32601/-32602 errors, a body size limit, and
// signature/account/slot subscriptions that web3.js's confirmTransaction relies on.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../shared/index.js';
import type { CommitEvent, EmbeddedChain } from './embedded-chain.js';
import { accountJson, closedAccountJson } from './rpc-encoding.js';
import { createRpcMethods, type RpcMethod } from './rpc-methods.js';
import {
  RPC_INTERNAL_ERROR,
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_PARSE_ERROR,
  RpcError,
  accountEncoding,
  asParams,
  configParam,
  invalidParam,
  pubkeyParam,
  stringParam,
  integerParam,
} from './rpc-params.js';

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
    return { jsonrpc: '2.0', error: error.data === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, data: error.data }, id };
  }
  logger?.error({ err: error }, 'embedded chain: internal error in an RPC method');
  return { jsonrpc: '2.0', error: { code: RPC_INTERNAL_ERROR, message: `Internal error: ${(error as Error)?.message ?? String(error)}` }, id };
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
    if (parsed.length === 0) return JSON.stringify({ jsonrpc: '2.0', error: { code: RPC_INVALID_REQUEST, message: 'Invalid request' }, id: null });
    const out = parsed.map((request) => dispatch(methods, request, logger)).filter((r) => r !== null);
    return out.length === 0 ? '' : JSON.stringify(out);
  }
  const response = dispatch(methods, parsed, logger);
  return response ? JSON.stringify(response) : '';
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
}

export async function serveRpc(chain: EmbeddedChain, options: ServeOptions): Promise<RpcServers & { port: number; wsPort: number }> {
  const methods = createRpcMethods(chain);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const http = createServer((request, response) => handleHttp(methods, maxBody, request, response, options.logger));
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
  const detach = attachPubSub(chain, ws, options.logger);
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

function handleHttp(methods: Record<string, RpcMethod>, maxBody: number, request: IncomingMessage, response: ServerResponse, logger?: Logger): void {
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
    const text = handleBody(methods, body, logger);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
}

interface Subscription {
  kind: 'signature' | 'account' | 'slot';
  socket: WebSocket;
  key?: string;
  encoding?: ReturnType<typeof accountEncoding>;
}

/** signatureSubscribe / accountSubscribe / slotSubscribe and their unsubscribes. */
function attachPubSub(chain: EmbeddedChain, wss: WebSocketServer, logger?: Logger): () => void {
  const subscriptions = new Map<number, Subscription>();
  const bySignature = new Map<string, Set<number>>();
  const byAccount = new Map<string, Set<number>>();
  let nextId = 0;
  const send = (socket: WebSocket, payload: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  };
  const notify = (id: number, method: string, result: unknown) => {
    const sub = subscriptions.get(id);
    if (sub) send(sub.socket, { jsonrpc: '2.0', method, params: { result, subscription: id } });
  };
  const remove = (id: number) => {
    const sub = subscriptions.get(id);
    if (!sub) return false;
    subscriptions.delete(id);
    const index = sub.kind === 'signature' ? bySignature : byAccount;
    if (sub.key) {
      index.get(sub.key)?.delete(id);
      if (index.get(sub.key)?.size === 0) index.delete(sub.key);
    }
    return true;
  };
  const signatureDone = (id: number, slot: bigint, err: unknown) => {
    notify(id, 'signatureNotification', { context: { slot: Number(slot) }, value: { err } });
    remove(id);
  };
  const accountNotification = (id: number, hex: string) => {
    const sub = subscriptions.get(id);
    if (!sub) return;
    const account = chain.readRaw(Buffer.from(hex, 'hex'));
    notify(id, 'accountNotification', { context: { slot: Number(chain.slot) }, value: account ? accountJson(chain, account, sub.encoding ?? 'base64') : closedAccountJson() });
  };

  const offCommit = chain.onCommit((event: CommitEvent) => {
    if (event.signature) {
      const ids = bySignature.get(event.signature);
      if (ids) for (const id of [...ids]) signatureDone(id, event.slot, event.err);
    }
    if (byAccount.size > 0) for (const hex of event.changed) for (const id of byAccount.get(hex) ?? []) accountNotification(id, hex);
  });
  const offSlot = chain.onSlot((slot) => {
    for (const [id, sub] of subscriptions) {
      if (sub.kind === 'slot') notify(id, 'slotNotification', { parent: Number(slot - 1n), root: Number(slot), slot: Number(slot) });
    }
  });

  const subscribeMethods: Record<string, (params: readonly unknown[], socket: WebSocket) => unknown> = {
    signatureSubscribe: (params, socket) => {
      const signature = stringParam(params, 0, 'signature');
      const config = configParam(params, 1);
      const id = ++nextId;
      subscriptions.set(id, { kind: 'signature', socket, key: signature });
      const record = chain.history.get(signature);
      // A validator notifies at once when the signature has already reached the commitment.
      if (record) queueMicrotask(() => signatureDone(id, record.slot, record.err));
      else {
        let set = bySignature.get(signature);
        if (!set) bySignature.set(signature, (set = new Set()));
        set.add(id);
        if (config.enableReceivedNotification === true) queueMicrotask(() => notify(id, 'signatureNotification', { context: { slot: Number(chain.slot) }, value: 'receivedSignature' }));
      }
      return id;
    },
    accountSubscribe: (params, socket) => {
      const key = pubkeyParam(params, 0, 'pubkey');
      const config = configParam(params, 1);
      const id = ++nextId;
      const hex = Buffer.from(key).toString('hex');
      subscriptions.set(id, { kind: 'account', socket, key: hex, encoding: accountEncoding(config, 'base64') });
      let set = byAccount.get(hex);
      if (!set) byAccount.set(hex, (set = new Set()));
      set.add(id);
      return id;
    },
    slotSubscribe: (_params, socket) => {
      const id = ++nextId;
      subscriptions.set(id, { kind: 'slot', socket });
      return id;
    },
  };
  for (const kind of ['signature', 'account', 'slot'] as const) {
    subscribeMethods[`${kind}Unsubscribe`] = (params) => {
      const id = integerParam(params, 0, 'subscription id');
      const sub = subscriptions.get(id);
      if (!sub || sub.kind !== kind) throw invalidParam('Invalid subscription id.');
      return remove(id);
    };
  }

  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      let request: Record<string, unknown>;
      try {
        request = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        send(socket, { jsonrpc: '2.0', error: { code: RPC_PARSE_ERROR, message: 'Parse error' }, id: null });
        return;
      }
      const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
      // web3.js sends a `ping` notification every few seconds to keep the socket alive.
      if (request.id === undefined) return;
      const method = typeof request.method === 'string' ? request.method : '';
      const handler = Object.hasOwn(subscribeMethods, method) ? subscribeMethods[method] : undefined;
      if (!handler) {
        send(socket, { jsonrpc: '2.0', error: { code: RPC_METHOD_NOT_FOUND, message: 'Method not found' }, id });
        return;
      }
      try {
        send(socket, { jsonrpc: '2.0', result: handler(asParams(request.params), socket), id });
      } catch (error) {
        send(socket, errorResponse(id, error, logger));
      }
    });
    socket.on('close', () => {
      for (const [id, sub] of subscriptions) if (sub.socket === socket) remove(id);
    });
  });

  return () => {
    offCommit();
    offSlot();
    subscriptions.clear();
  };
}
