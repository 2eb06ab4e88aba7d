// The one RPC boundary. Every read and every send Steward makes goes through here:
// - a deadline per request (an AbortSignal on the HTTP request, and a race for calls whose
//   transport is web3.js's);
// - bounded retries with exponential backoff on 429, 5xx and transport failures, for reads; a
//   send is retried only when the request provably never reached a node (connection refused,
//   429): when its outcome is unknown (a timeout, a reset, a 5xx from a proxy that may have
//   forwarded it) the caller is told so and decides, because the executor's exactly-once logic
//   settles a sent transaction by its signature status, never by asking again blindly;
// - failures classified into Steward error codes, with the endpoint's credentials redacted;
// - request counting: every HTTP request and every JSON-RPC call in it, per process (one CLI
//   command) and per counter a caller attaches (a bench, a test, one observation);
// - `minContextSlot` on reads that take it (see account-reader.ts).
// HTTP goes through `httpFetch` (http-fetch.ts: node:http with keep-alive sockets, undici's error
// shapes), not the global fetch, which costs twice as much per round trip.
// The raw JSON-RPC transport here also carries batches (one HTTP request, many calls), which the
// observation's account reader uses to keep its request count independent of the owners.
import { StewardError, type ErrorCode } from '../errors/index.js';
import { redactUrl } from '../shared/redact.js';
import { httpFetch } from './http-fetch.js';

/** Counts HTTP requests to an RPC endpoint and the JSON-RPC methods they carried. */
export class RpcCounter {
  #requests = 0;
  #methods = new Map<string, number>();

  /** HTTP requests sent (a batch counts once). */
  get requests(): number {
    return this.#requests;
  }

  /** Calls of each JSON-RPC method (each entry of a batch counts). */
  get methods(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#methods);
  }

  /** JSON-RPC calls sent, all methods together. */
  get calls(): number {
    let sum = 0;
    for (const n of this.#methods.values()) sum += n;
    return sum;
  }

  count(method: string): number {
    return this.#methods.get(method) ?? 0;
  }

  record(body: unknown): void {
    this.#requests++;
    if (typeof body !== 'string') return;
    try {
      const parsed = JSON.parse(body) as unknown;
      for (const request of Array.isArray(parsed) ? parsed : [parsed]) {
        const method = (request as { method?: unknown } | null)?.method;
        if (typeof method === 'string') this.#methods.set(method, (this.#methods.get(method) ?? 0) + 1);
      }
    } catch {
      // Not JSON: counted as a request, no method.
    }
  }

  reset(): void {
    this.#requests = 0;
    this.#methods.clear();
  }
}

/** Every RPC request this process made (a CLI process runs one command): `steward … --json` and the bench read it. */
export const processRpcCounter = new RpcCounter();

export interface RetryOptions {
  /** Total tries per call (first one included). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-request deadline. */
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const defaultRetryOptions: RetryOptions = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  timeoutMs: 15_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * 'read': asking again cannot change anything on chain. 'send': the request may change state,
 * so it is repeated only when it provably never reached a node.
 */
export type RpcCallKind = 'read' | 'send';

export interface RpcFailure {
  code: ErrorCode;
  retryable: boolean;
  /** HTTP status when the transport gave one. */
  status: number | undefined;
  /**
   * For a send: 'not-delivered' when no node can have seen it (connection refused, 429);
   * 'unknown' when it may have been processed (timeout, reset, 5xx, an answer that did not parse).
   */
  delivery: 'not-delivered' | 'unknown';
  text: string;
}

class RpcTimeout extends Error {
  constructor(
    readonly method: string,
    readonly ms: number,
  ) {
    super(`${method} did not answer within ${ms} ms`);
  }
}

/** An HTTP answer that was not 200, as the raw transport sees it (web3.js formats it the same way). */
class RpcHttpError extends Error {
  constructor(
    readonly status: number,
    statusText: string,
    body: string,
  ) {
    super(`${status} ${statusText || 'HTTP error'}: ${body.slice(0, 300)}`);
  }
}

/** A JSON-RPC error object answered by the node. */
export class RpcAnswerError extends Error {
  override readonly name = 'SolanaJSONRPCError';
  constructor(
    readonly code: number,
    message: string,
    readonly data: unknown,
  ) {
    super(message);
  }
}

const NOT_DELIVERED = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH/;

/** What kind of failure `error` is, from web3.js's and this transport's error shapes and messages. */
export function classifyRpcError(error: unknown, kind: RpcCallKind = 'read'): RpcFailure {
  const send = kind === 'send';
  if (error instanceof StewardError)
    return { code: error.code, retryable: false, status: undefined, delivery: 'unknown', text: error.message };
  if (error instanceof RpcTimeout || (error as Error | null)?.name === 'TimeoutError') {
    const text = error instanceof RpcTimeout ? error.message : `no answer within the deadline (${(error as Error).message})`;
    return { code: 'RPC_TIMEOUT', retryable: !send, status: undefined, delivery: 'unknown', text };
  }
  const text = error instanceof Error ? `${error.message}${causeText(error)}` : String(error);
  // web3.js: `${status} ${statusText}: ${body}` for a non-200 answer (retries on 429 disabled),
  // often wrapped: "failed to get recent blockhash: Error: 429 Too Many Requests: ...".
  const status = error instanceof RpcHttpError ? String(error.status) : /(?:^|Error: )(\d{3}) [A-Z]/.exec(text)?.[1];
  if (status !== undefined) {
    const n = Number(status);
    // A 429 is the node refusing the request before doing anything: safe to repeat even a send.
    if (n === 429) return { code: 'RPC_RATE_LIMITED', retryable: true, status: n, delivery: 'not-delivered', text };
    if (n >= 500) return { code: 'RPC_FAILED', retryable: !send, status: n, delivery: 'unknown', text };
    return { code: 'RPC_FAILED', retryable: false, status: n, delivery: 'not-delivered', text };
  }
  if (NOT_DELIVERED.test(text)) return { code: 'RPC_FAILED', retryable: true, status: undefined, delivery: 'not-delivered', text };
  if (/fetch failed|ECONNRESET|EPIPE|socket hang up|other side closed|network|terminated|UND_ERR/i.test(text)) {
    return { code: 'RPC_FAILED', retryable: !send, status: undefined, delivery: 'unknown', text };
  }
  if (/timed? ?out|ETIMEDOUT|aborted/i.test(text))
    return { code: 'RPC_TIMEOUT', retryable: !send, status: undefined, delivery: 'unknown', text };
  const rpcCode = (error as { code?: unknown } | null)?.code;
  if (rpcCode === -32016 || /minimum context slot/i.test(text))
    return { code: 'RPC_STALE_SLOT', retryable: false, status: undefined, delivery: 'not-delivered', text };
  if ((error as Error | null)?.name === 'SolanaJSONRPCError' || typeof rpcCode === 'number') {
    return { code: 'RPC_FAILED', retryable: false, status: undefined, delivery: 'unknown', text };
  }
  return { code: 'RPC_BAD_RESPONSE', retryable: false, status: undefined, delivery: 'unknown', text };
}

function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (!cause || typeof cause !== 'object') return '';
  const code = (cause as { code?: unknown }).code;
  const message = (cause as { message?: unknown }).message;
  return ` (${[typeof code === 'string' ? code : '', typeof message === 'string' ? message : ''].filter(Boolean).join(': ')})`;
}

function withTimeout<T>(promise: Promise<T>, method: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RpcTimeout(method, ms)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export interface RpcCallStats {
  /** Tries made by rpcCall since the stats object was created (for tests and reports). */
  tries: number;
  retries: number;
}

export interface RpcCallOptions {
  kind?: RpcCallKind;
  stats?: RpcCallStats | undefined;
}

/**
 * Runs one RPC request with a deadline and bounded retries. A 'read' (the default) is repeated on
 * 429, 5xx, timeouts and transport failures; a 'send' only when it provably never reached a node.
 */
export async function rpcCall<T>(
  method: string,
  endpoint: string,
  run: () => Promise<T>,
  options: RetryOptions = defaultRetryOptions,
  stats?: RpcCallStats | RpcCallOptions,
): Promise<T> {
  const callOptions: RpcCallOptions = stats && 'kind' in stats ? stats : { stats: stats as RpcCallStats | undefined };
  const kind = callOptions.kind ?? 'read';
  const counters = callOptions.stats;
  let last: RpcFailure | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (counters) counters.tries++;
    try {
      return await withTimeout(run(), method, options.timeoutMs);
    } catch (error) {
      last = classifyRpcError(error, kind);
      if (!last.retryable || attempt === options.attempts) {
        throw toRpcError(method, endpoint, last, attempt, error, kind);
      }
      if (counters) counters.retries++;
      await options.sleep(backoffMs(options, attempt));
    }
  }
  /* c8 ignore next */
  throw new StewardError('INTERNAL', `rpcCall(${method}) ended without a result`);
}

function backoffMs(options: RetryOptions, attempt: number): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  RPC_TIMEOUT: 'the RPC endpoint is slow or unreachable; retry later or point --url / STEWARD_RPC_URL at another endpoint',
  RPC_RATE_LIMITED: 'the RPC endpoint is rate limiting this key; use a paid endpoint or run less often',
  RPC_FAILED: 'check the endpoint is up (steward doctor) and retry; a signed transaction is journalled and `recoverPending` resolves it',
  RPC_BAD_RESPONSE: 'the endpoint answered something that is not a Solana JSON-RPC answer; check --url',
  RPC_STALE_SLOT: 'the RPC node is behind the last recorded snapshot; retry in a few seconds or use another endpoint',
};

function toRpcError(method: string, endpoint: string, failure: RpcFailure, tries: number, cause: unknown, kind: RpcCallKind): StewardError {
  if (cause instanceof StewardError) return cause;
  const where = redactUrl(endpoint);
  const outcome =
    kind === 'send' && failure.delivery === 'unknown' ? ' (the request may have reached the node: its outcome is unknown)' : '';
  return new StewardError(
    failure.code,
    `${method} at ${where} failed after ${tries} tr${tries === 1 ? 'y' : 'ies'}${outcome}: ${failure.text.replaceAll(endpoint, where).slice(0, 500)}`,
    {
      hint: HINTS[failure.code] ?? 'see the message above',
      context: { method, endpoint: where, status: failure.status, tries, ...(kind === 'send' ? { delivery: failure.delivery } : {}) },
      cause,
    },
  );
}

// ---------------------------------------------------------------------------------------------
// The raw JSON-RPC transport: what web3.js's Connection fetches through (see connection.ts), and
// what batched reads use directly.

export interface RpcTransportOptions {
  /** Extra headers (Basic credentials moved out of the URL). */
  headers?: Record<string, string>;
  /** Counts this transport's requests besides the process counter. */
  counter?: RpcCounter | undefined;
  /** Per-request deadline, also applied to web3.js's requests through `fetch`. */
  timeoutMs?: number;
}

export interface RpcCall {
  method: string;
  params: unknown[];
}

/** One call's answer within a batch: its result, or the error that call (alone) got. */
export type RpcCallResult = { ok: true; result: unknown } | { ok: false; error: Error };

export interface RpcTransport {
  /** The URL without credentials (credentials travel as a header). */
  readonly url: string;
  /** The fetch web3.js uses: counted, with the deadline. */
  readonly fetch: typeof fetch;
  readonly headers: Readonly<Record<string, string>>;
  /** One JSON-RPC request with retries as a read. */
  request(method: string, params: unknown[], retry?: RetryOptions): Promise<unknown>;
  /**
   * One JSON-RPC request, one try: its result, or what went wrong thrown as it came (HTTP status,
   * transport failure, the node's error object as RpcAnswerError), for callers that retry and
   * classify through rpcCall themselves.
   */
  call(method: string, params: unknown[]): Promise<unknown>;
  /**
   * Several reads in one HTTP request (a JSON-RPC batch), retried as a whole on 429/5xx/transport
   * failures. A node that refuses batches gets the calls one by one, in parallel.
   */
  batch(calls: readonly RpcCall[], retry?: RetryOptions, counter?: RpcCounter): Promise<RpcCallResult[]>;
}

export function createRpcTransport(url: string, options: RpcTransportOptions = {}): RpcTransport {
  const headers = { 'content-type': 'application/json', ...(options.headers ?? {}) };
  const timeoutMs = options.timeoutMs ?? defaultRetryOptions.timeoutMs;
  const counted: typeof fetch = (input, init) => {
    processRpcCounter.record(init?.body);
    options.counter?.record(init?.body);
    const signal = init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    return httpFetch(input, { ...init, signal });
  };
  let nextId = 1;
  const post = async (body: unknown, counter?: RpcCounter): Promise<unknown> => {
    const payload = JSON.stringify(body);
    counter?.record(payload);
    const response = await counted(url, { method: 'POST', headers, body: payload });
    const text = await response.text();
    if (response.status !== 200) throw new RpcHttpError(response.status, response.statusText, text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // eslint-disable-next-line no-restricted-syntax -- caught by the retry loop, which classifies it and throws an RPC_* StewardError
      throw new Error(`the answer is not JSON: ${text.slice(0, 200)}`);
    }
  };
  const toResult = (answer: unknown): RpcCallResult => {
    if (!answer || typeof answer !== 'object')
      return { ok: false, error: new Error(`a JSON-RPC answer that is not an object: ${JSON.stringify(answer)?.slice(0, 200)}`) };
    const { error, result } = answer as { error?: { code?: unknown; message?: unknown; data?: unknown }; result?: unknown };
    if (error !== undefined && error !== null) {
      const code = typeof error.code === 'number' ? error.code : -32603;
      return {
        ok: false,
        error: new RpcAnswerError(code, `${code}: ${typeof error.message === 'string' ? error.message : 'error'}`, error.data),
      };
    }
    if (!('result' in (answer as object))) return { ok: false, error: new Error('a JSON-RPC answer with neither result nor error') };
    return { ok: true, result };
  };
  const withRetry = async <T>(what: string, run: () => Promise<T>, retry: RetryOptions): Promise<T> =>
    rpcCall(what, url, run, { ...retry, timeoutMs: Math.max(retry.timeoutMs, timeoutMs) });
  const one = async (call: RpcCall, retry: RetryOptions, counter?: RpcCounter): Promise<RpcCallResult> => {
    try {
      return await withRetry(
        call.method,
        async () => toResult(await post({ jsonrpc: '2.0', id: nextId++, method: call.method, params: call.params }, counter)),
        retry,
      );
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  };
  return {
    url,
    headers,
    fetch: counted,
    async call(method, params) {
      const answer = toResult(await post({ jsonrpc: '2.0', id: nextId++, method, params }));
      if (!answer.ok) throw answer.error;
      return answer.result;
    },
    async request(method, params, retry = defaultRetryOptions) {
      const answer = await one({ method, params }, retry);
      if (!answer.ok) throw answer.error;
      return answer.result;
    },
    async batch(calls, retry = defaultRetryOptions, counter) {
      if (calls.length === 0) return [];
      if (calls.length === 1) return [await one(calls[0] as RpcCall, retry, counter)];
      const ids = calls.map(() => nextId++);
      const methods = [...new Set(calls.map((call) => call.method))].join('+');
      let answers: unknown;
      try {
        answers = await withRetry(
          `batch of ${calls.length} (${methods})`,
          () =>
            post(
              calls.map((call, index) => ({ jsonrpc: '2.0', id: ids[index], method: call.method, params: call.params })),
              counter,
            ),
          retry,
        );
      } catch (error) {
        // A node or proxy that does not take batches answers 4xx (not 429) or a single error object.
        const failure = classifyRpcError(error);
        if (failure.status === undefined || failure.status === 429 || failure.status >= 500)
          return calls.map(() => ({ ok: false, error: error as Error }));
        answers = undefined;
      }
      if (!Array.isArray(answers)) return Promise.all(calls.map((call) => one(call, retry, counter)));
      const byId = new Map<unknown, unknown>();
      for (const answer of answers) byId.set((answer as { id?: unknown } | null)?.id, answer);
      return calls.map((_, index) => {
        const answer = byId.get(ids[index]);
        return answer === undefined ? { ok: false, error: new Error('the batch answer has no entry for this call') } : toResult(answer);
      });
    },
  };
}
