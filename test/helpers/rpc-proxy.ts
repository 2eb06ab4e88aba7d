// A lying RPC endpoint for chain tests: a real HTTP proxy in front of a JSON-RPC server that lets
// the test rewrite chosen answers (single requests; a batch's answers are tampered one by one).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RpcRequest {
  method: string;
  params: unknown[];
}
export type Tamper = (request: RpcRequest, answer: Record<string, unknown>) => Record<string, unknown>;

export interface RpcProxy {
  url: string;
  close(): Promise<void>;
}

export async function startRpcProxy(upstream: () => string, tamper: () => Tamper): Promise<RpcProxy> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      void (async () => {
        const request = JSON.parse(body) as RpcRequest | RpcRequest[];
        const answered = await fetch(upstream(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const answer = (await answered.json()) as Record<string, unknown> | Record<string, unknown>[];
        const tampered = Array.isArray(request)
          ? request.map((one, index) => tamper()(one, (answer as Record<string, unknown>[])[index]!))
          : tamper()(request, answer as Record<string, unknown>);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tampered));
      })();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
