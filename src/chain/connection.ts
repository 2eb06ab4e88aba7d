// The one way Steward opens a web3.js Connection: its fetch is the RPC boundary's transport
// (src/chain/rpc.ts), so every HTTP request (and every JSON-RPC method in it, batches included)
// is counted for the process and for an optional counter, and has a deadline. Tests pin how many
// round trips an operation costs, e.g. "an observation takes at most 6 RPC requests".
import { Connection, type Commitment } from '@solana/web3.js';
import { createRpcTransport, RpcCounter, type RpcTransport } from './rpc.js';

export { RpcCounter };

export interface CreateConnectionOptions {
  commitment?: Commitment;
  counter?: RpcCounter;
  /** Websocket endpoint; web3.js derives it (port + 1) when absent. */
  wsUrl?: string;
  /** Deadline of every HTTP request (default 15 s). */
  timeoutMs?: number;
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

const transports = new WeakMap<Connection, RpcTransport>();

/**
 * The raw transport under a Connection (batched reads use it). A Connection Steward did not open
 * gets a plain one for its endpoint (no credentials, counted for the process).
 */
export function transportOf(connection: Connection): RpcTransport {
  let transport = transports.get(connection);
  if (!transport) {
    transport = createRpcTransport(connection.rpcEndpoint);
    transports.set(connection, transport);
  }
  return transport;
}

export function createConnection(rpcUrl: string, options: CreateConnectionOptions = {}): Connection {
  const { url, headers } = splitUrlCredentials(rpcUrl);
  const transport = createRpcTransport(url, {
    headers,
    counter: options.counter,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const connection = new Connection(url, {
    commitment: options.commitment ?? 'confirmed',
    ...(Object.keys(headers).length > 0 ? { httpHeaders: headers } : {}),
    ...(options.wsUrl ? { wsEndpoint: options.wsUrl } : {}),
    // web3.js otherwise retries 429s with sleeps: the boundary (rpc.ts) decides about retries.
    disableRetryOnRateLimit: true,
    fetch: transport.fetch,
  });
  transports.set(connection, transport);
  return connection;
}
