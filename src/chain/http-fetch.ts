// The HTTP client under the RPC boundary (rpc.ts): a `fetch` over node:http / node:https with one
// keep-alive agent per protocol. Node 20's bundled fetch (undici) costs ~1.2 ms per JSON-RPC round
// trip to a local node where node:http with a kept-alive socket costs ~0.5 ms, and a run makes a
// dozen of them (issue #18). It takes what the transport and web3.js pass (method, headers as an
// object, `Headers` or pairs, a string or byte body, a signal; web3.js's `agent` is ignored) and
// answers a real `Response` with the whole body read and decoded (gzip, deflate, br).
//
// Failures keep undici's shapes, because `classifyRpcError` and its callers read them: a network
// failure rejects with `TypeError('fetch failed', { cause })`, the cause being node's error with
// its `code` (ECONNREFUSED: not delivered; ECONNRESET "socket hang up" / "aborted": outcome
// unknown); an abort rejects with the signal's reason (a deadline stays a `TimeoutError`). No
// redirect is followed: every caller POSTs JSON-RPC, and re-POSTing a send to wherever a 3xx
// points is not this layer's call, so a 3xx comes back as it is (rpc.ts reports it as a failure).
//
// A kept-alive socket the server closed between two requests. Idle sockets are closed after 4 s
// (undici's default; Node's agent lowers it further when the server announces `Keep-Alive:
// timeout=N`), under the idle timeouts of common servers and proxies (Node 5 s, nginx 75 s, load
// balancers 60 s+), and the most recently used socket is taken first, so the race is rare. When
// it happens anyway, the request is retried once on a fresh connection only where the failure
// proves the server never got the whole request: a reused socket, no byte of an answer, and a
// failed *write* (EPIPE, or an error raised by the write syscall). A write that fails leaves the
// request's last bytes unsent, and a JSON-RPC server cannot act on a body it did not receive in
// full. Every other failure on a reused socket ("socket hang up", ECONNRESET on read) is not
// retried: the request was handed to the kernel, and from the client "the server closed an idle
// socket just as the request arrived" cannot be told from "the server read the request, acted and
// died before answering". For a read the boundary retries it anyway; a send stays a send of
// unknown outcome, which the executor settles by the signature's status and a rebroadcast of the
// same signed bytes (send-and-confirm.ts), never by sending again blindly.
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** Idle keep-alive sockets are closed after this long (undici's default keepAliveTimeout). */
const IDLE_SOCKET_MS = 4_000;

// Per origin: a run's parallel reads stay well under 32; more wait for a socket (under their
// deadline). At most 8 idle sockets are kept per origin.
const agentOptions = { keepAlive: true, maxSockets: 32, maxFreeSockets: 8, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' } as const;
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

/** Answers that never carry a body (101 cannot be a `Response` at all: it is refused below). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);
// Lenient like undici: a body cut at a flush point still decodes what arrived.
const zlibOptions = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const brotliOptions = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

interface Prepared {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

/** `fetch` over node:http(s) with keep-alive agents; see the module header for what differs. */
export const httpFetch: typeof fetch = async (input, init) => {
  const prepared = await prepare(input, init);
  if (prepared.signal?.aborted) throw prepared.signal.reason;
  try {
    return await send(prepared, false);
  } catch (error) {
    if (!(error instanceof StaleSocket)) throw error;
    if (prepared.signal?.aborted) throw prepared.signal.reason;
    return send(prepared, true);
  }
};

async function prepare(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): Promise<Prepared> {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request ? request.url : input instanceof URL ? input.href : String(input));
  if (url.username || url.password) throw new TypeError('Request cannot be constructed from a URL that includes credentials');
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError('fetch failed', { cause: new Error(`unsupported scheme ${url.protocol} (http: and https: only)`) });
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  // As fetch: the init's headers replace the Request's; one name given twice is joined by ", ".
  const headers: Record<string, string> = {};
  for (const [name, value] of headerPairs(init?.headers ?? request?.headers)) {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  let body: string | Uint8Array | undefined;
  if (init?.body !== undefined && init.body !== null) body = bodyOf(init.body);
  else if (request?.body) body = new Uint8Array(await request.arrayBuffer());
  if (body && (method === 'GET' || method === 'HEAD')) throw new TypeError(`a ${method} request cannot have a body`);
  delete headers['content-length'];
  if (body || method === 'POST' || method === 'PUT' || method === 'PATCH')
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : (body?.byteLength ?? 0));
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  headers['accept'] ??= '*/*';
  headers['user-agent'] ??= 'node';
  return { url, method, headers, body, signal: init?.signal ?? request?.signal ?? undefined };
}

function headerPairs(source: RequestInit['headers']): Iterable<[string, string]> {
  if (!source) return [];
  if (source instanceof Headers) return source.entries();
  if (Array.isArray(source)) {
    return source.map((pair) => {
      if (pair.length !== 2) throw new TypeError(`a header pair must have 2 items, not ${pair.length}`);
      return [String(pair[0]), String(pair[1])];
    });
  }
  return Object.entries(source as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => [name, String(value)]);
}

/** A string stays a string: node:http then writes the head and the body in one piece. */
function bodyOf(body: NonNullable<RequestInit['body']>): string | Uint8Array {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError(`httpFetch sends a string or bytes as a body, not ${Object.prototype.toString.call(body)}`);
}

/** A reused socket failed before the request was fully written: safe to send once more on a new one. */
class StaleSocket extends Error {}

function networkFailure(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function send(prepared: Prepared, fresh: boolean): Promise<Response> {
  const { url, method, headers, body, signal } = prepared;
  const secure = url.protocol === 'https:';
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    let answered = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: unknown): void => finish(() => reject(error));
    const request = (secure ? https : http).request(
      {
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        // A fresh socket: a one-off agent (no reuse) for the single retry after a stale socket.
        agent: fresh ? false : secure ? httpsAgent : httpAgent,
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        // Node destroys an answer cut short with ECONNRESET "aborted": fetch failed, outcome unknown.
        response.on('error', (error) => fail(networkFailure(error)));
        response.on('end', () => {
          if (settled) return;
          const status = response.statusCode ?? 0;
          toResponse(status, response.statusMessage ?? '', response.rawHeaders, method, Buffer.concat(chunks)).then(
            (answer) => finish(() => resolve(answer)),
            fail,
          );
        });
      },
    );
    const onAbort = (): void => {
      fail(signal?.reason);
      request.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered && request.reusedSocket && !fresh && (error.code === 'EPIPE' || error.syscall === 'write'))
        return fail(new StaleSocket(error.message, { cause: error }));
      fail(networkFailure(error));
    });
    // Node answers a 101 only to an 'upgrade' listener (and otherwise closes quietly): undici fails it.
    request.on('upgrade', (_response, socket) => {
      socket.destroy();
      fail(networkFailure(new Error('bad upgrade: HTTP 101 to a request that asked for none')));
    });
    request.on('close', () => {
      if (!settled && !answered) fail(networkFailure(Object.assign(new Error('socket closed before an answer'), { code: 'ECONNRESET' })));
    });
    request.end(body);
  });
}

async function toResponse(status: number, statusText: string, rawHeaders: string[], method: string, bytes: Buffer): Promise<Response> {
  if (status < 200 || status > 599) throw networkFailure(new Error(`HTTP status ${status} is not a final answer`));
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) headers.append(rawHeaders[i] as string, rawHeaders[i + 1] as string);
  if (NULL_BODY_STATUSES.has(status) || method === 'HEAD') return new Response(null, { status, statusText, headers });
  let body: Buffer;
  try {
    body = await decode(headers.get('content-encoding'), bytes);
  } catch (error) {
    throw networkFailure(error);
  }
  return new Response(body, { status, statusText, headers });
}

/** Undoes the codings of `content-encoding` (last applied first); an unknown coding leaves the bytes as they came, as undici does. */
async function decode(encoding: string | null, bytes: Buffer): Promise<Buffer> {
  if (!encoding || bytes.byteLength === 0) return bytes;
  const codings = encoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
  if (codings.some((coding) => !['gzip', 'x-gzip', 'deflate', 'br'].includes(coding))) return bytes;
  let out = bytes;
  for (const coding of codings) {
    if (coding === 'br') out = await brotli(out, brotliOptions);
    // "deflate" is a zlib stream by the RFC; some servers send raw deflate (no zlib header).
    else if (coding === 'deflate')
      out = ((out[0] ?? 0) & 0x0f) === 8 ? await inflate(out, zlibOptions) : await inflateRaw(out, zlibOptions);
    else out = await gunzip(out, zlibOptions);
  }
  return out;
}
