// The one boundary where RPC failures become Steward errors, and where the executor's bounded
// retries live. Timeouts, 429 and 5xx (and dropped connections) are retried with exponential
// backoff; anything else (a JSON-RPC error, a malformed answer) is not, because asking again
// would get the same answer. Every request is raced against a timeout: a proxy that swallows a
// request must not hang the executor. Credentials in RPC URLs never reach a message.
import { StewardError, type ErrorCode } from '../errors/index.js';
import { redactUrl } from '../shared/index.js';

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

export interface RpcFailure {
  code: ErrorCode;
  retryable: boolean;
  /** HTTP status when the transport gave one. */
  status: number | undefined;
  text: string;
}

class RpcTimeout extends Error {
  constructor(readonly method: string, readonly ms: number) {
    super(`${method} did not answer within ${ms} ms`);
  }
}

/** What kind of failure `error` is, from web3.js's error shapes and messages. */
export function classifyRpcError(error: unknown): RpcFailure {
  if (error instanceof StewardError) return { code: error.code, retryable: false, status: undefined, text: error.message };
  if (error instanceof RpcTimeout) return { code: 'RPC_TIMEOUT', retryable: true, status: undefined, text: error.message };
  const text = error instanceof Error ? error.message : String(error);
  // web3.js: `${status} ${statusText}: ${body}` for a non-200 answer (retries on 429 disabled),
  // often wrapped: "failed to get recent blockhash: Error: 429 Too Many Requests: ...".
  const status = /(?:^|Error: )(\d{3}) [A-Z]/.exec(text)?.[1];
  if (status !== undefined) {
    const n = Number(status);
    if (n === 429) return { code: 'RPC_RATE_LIMITED', retryable: true, status: n, text };
    if (n >= 500) return { code: 'RPC_FAILED', retryable: true, status: n, text };
    return { code: 'RPC_FAILED', retryable: false, status: n, text };
  }
  if (/fetch failed|ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|other side closed|network|terminated|UND_ERR/i.test(text)) {
    return { code: 'RPC_FAILED', retryable: true, status: undefined, text };
  }
  if (/timed? ?out|ETIMEDOUT/i.test(text)) return { code: 'RPC_TIMEOUT', retryable: true, status: undefined, text };
  if ((error as Error | null)?.name === 'SolanaJSONRPCError' || typeof (error as { code?: unknown } | null)?.code === 'number') {
    return { code: 'RPC_FAILED', retryable: false, status: undefined, text };
  }
  return { code: 'RPC_BAD_RESPONSE', retryable: false, status: undefined, text };
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

/**
 * Runs one RPC request with a deadline and bounded retries. `run` must be safe to repeat:
 * reads are, and so is re-sending the same signed bytes (same signature, lands at most once).
 */
export async function rpcCall<T>(
  method: string,
  endpoint: string,
  run: () => Promise<T>,
  options: RetryOptions = defaultRetryOptions,
  stats?: RpcCallStats,
): Promise<T> {
  let last: RpcFailure | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (stats) stats.tries++;
    try {
      return await withTimeout(run(), method, options.timeoutMs);
    } catch (error) {
      last = classifyRpcError(error);
      if (!last.retryable || attempt === options.attempts) {
        throw toRpcError(method, endpoint, last, attempt, error);
      }
      if (stats) stats.retries++;
      const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      await options.sleep(delay);
    }
  }
  /* c8 ignore next */
  throw new StewardError('INTERNAL', `rpcCall(${method}) ended without a result`);
}

function toRpcError(method: string, endpoint: string, failure: RpcFailure, tries: number, cause: unknown): StewardError {
  if (cause instanceof StewardError) return cause;
  const where = redactUrl(endpoint);
  const hints: Partial<Record<ErrorCode, string>> = {
    RPC_TIMEOUT: 'the RPC endpoint is slow or unreachable; retry later or point --url / STEWARD_RPC_URL at another endpoint',
    RPC_RATE_LIMITED: 'the RPC endpoint is rate limiting this key; use a paid endpoint or run less often',
    RPC_FAILED: 'check the endpoint is up (steward doctor) and retry; a signed transaction is journalled and `recoverPending` resolves it',
    RPC_BAD_RESPONSE: 'the endpoint answered something that is not a Solana JSON-RPC answer; check --url',
  };
  return new StewardError(failure.code, `${method} at ${where} failed after ${tries} tr${tries === 1 ? 'y' : 'ies'}: ${failure.text.replaceAll(endpoint, where).slice(0, 500)}`, {
    hint: hints[failure.code] ?? 'see the message above',
    context: { method, endpoint: where, status: failure.status, tries },
    cause,
  });
}
