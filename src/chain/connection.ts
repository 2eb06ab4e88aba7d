// The one way Steward opens a web3.js Connection. A counting fetch records every HTTP request
// (and every JSON-RPC method in it, batches included) so tests can pin how many round trips an
// operation costs, e.g. "observing a treasury takes at most 4 RPC requests".
import { Connection, type Commitment } from '@solana/web3.js';

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

export interface CreateConnectionOptions {
  commitment?: Commitment;
  counter?: RpcCounter;
  /** Websocket endpoint; web3.js derives it (port + 1) when absent. */
  wsUrl?: string;
}

/**
 * An RPC URL with `user:pass@` cannot go to fetch as it is (fetch refuses credentials in a URL):
 * the credentials move to a Basic Authorization header and the URL keeps no secret, so no error
 * quoting it can leak them.
 */
export function splitUrlCredentials(url: string): { url: string; headers: Record<string, string> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, headers: {} };
  }
  if (!parsed.username && !parsed.password) return { url, headers: {} };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), headers: { Authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` } };
}

export function createConnection(rpcUrl: string, options: CreateConnectionOptions = {}): Connection {
  const { counter } = options;
  const { url, headers } = splitUrlCredentials(rpcUrl);
  return new Connection(url, {
    commitment: options.commitment ?? 'confirmed',
    ...(Object.keys(headers).length > 0 ? { httpHeaders: headers } : {}),
    ...(options.wsUrl ? { wsEndpoint: options.wsUrl } : {}),
    // web3.js otherwise retries 429s with sleeps: callers decide about retries.
    disableRetryOnRateLimit: true,
    ...(counter
      ? {
          fetch: (input, init) => {
            counter.record(init?.body);
            return fetch(input, init);
          },
        }
      : {}),
  });
}
