// An RPC endpoint for chain tests: a real HTTP proxy in front of a JSON-RPC server that counts
// what passes (HTTP requests, and JSON-RPC calls by method, batches included), lets the test
// rewrite chosen answers (a batch's answers are tampered one by one), and can refuse requests
// before they reach the server (`refuse`: an HTTP status such as 429 for the whole request, or a
// JSON-RPC error for one call, e.g. -32010 for getProgramAccounts on the token programs), and
// can move the upstream's slot ahead before forwarding a request (`advanceSlots`: the upstream
// is an embedded chain, moved by its steward_advanceSlots method, so its slot and clock really
// advance between reads as a live cluster's do).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RpcRequest {
  id?: unknown;
  method: string;
  params: unknown[];
}
export type Tamper = (request: RpcRequest, answer: Record<string, unknown>) => Record<string, unknown>;

/** What to do with a request before forwarding it: nothing, an HTTP status for the whole request, or a JSON-RPC error for this call. */
export type Refusal = undefined | { status: number; text?: string } | { error: { code: number; message: string } };
export type Refuse = (request: RpcRequest, requestIndex: number) => Refusal;

export interface RpcProxy {
  url: string;
  /** HTTP requests received (a batch counts once), refused ones included. */
  readonly requests: number;
  /** JSON-RPC calls received, by method. */
  readonly methods: Readonly<Record<string, number>>;
  reset(): void;
  close(): Promise<void>;
}

const passThrough: Tamper = (_request, answer) => answer;

export interface RpcProxyOptions {
  /** Slots to move the upstream (an embedded chain) ahead before forwarding this request; 0: none. */
  advanceSlots?: (calls: readonly RpcRequest[], requestIndex: number) => number;
}

export async function startRpcProxy(
  upstream: () => string,
  tamper: () => Tamper = () => passThrough,
  refuse: Refuse = () => undefined,
  options: RpcProxyOptions = {},
): Promise<RpcProxy> {
  let requests = 0;
  const methods = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      void (async () => {
        const index = requests++;
        const request = JSON.parse(body) as RpcRequest | RpcRequest[];
        const calls = Array.isArray(request) ? request : [request];
        for (const call of calls) methods.set(call.method, (methods.get(call.method) ?? 0) + 1);
        const refusals = calls.map((call) => refuse(call, index));
        const whole = refusals.find(
          (refusal): refusal is { status: number; text?: string } => refusal !== undefined && 'status' in refusal,
        );
        if (whole) return void res.writeHead(whole.status, { 'content-type': 'text/plain' }).end(whole.text ?? 'refused');
        const forward = calls.filter((_, i) => refusals[i] === undefined);
        let answers: Record<string, unknown>[] = [];
        const advance = forward.length > 0 ? (options.advanceSlots?.(forward, index) ?? 0) : 0;
        if (advance > 0) {
          // The proxy's own call: not counted among the requests it received.
          const moved = await fetch(upstream(), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 'advance', method: 'steward_advanceSlots', params: [advance] }),
          });
          const answer = (await moved.json()) as { error?: { message?: string } };
          if (answer.error)
            return void res
              .writeHead(500, { 'content-type': 'text/plain' })
              .end(`steward_advanceSlots on the upstream: ${answer.error.message ?? 'failed'}`);
        }
        if (forward.length > 0) {
          const answered = await fetch(upstream(), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(forward),
          });
          answers = (await answered.json()) as Record<string, unknown>[];
        }
        const byId = new Map(answers.map((answer) => [answer['id'], answer]));
        const out = calls.map((call, i) => {
          const refusal = refusals[i];
          if (refusal !== undefined && 'error' in refusal) return { jsonrpc: '2.0', id: call.id, error: refusal.error };
          return tamper()(call, byId.get(call.id) as Record<string, unknown>);
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.isArray(request) ? out : out[0]));
      })();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    get methods() {
      return Object.fromEntries(methods);
    },
    reset() {
      requests = 0;
      methods.clear();
    },
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
