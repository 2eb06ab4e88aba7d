// RPC faults between the executor and the embedded chain: a small HTTP proxy that answers 429
// and 500, swallows sendTransaction requests (forwarded or not, never answered), and delays
// answers past the client deadline. The transfer must land exactly once, with bounded retries.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../src/chain/connection.js';
import { DEMO } from '../../src/demo/addresses.js';
import { attemptsOf, executeAction, readAction } from '../../src/execute/index.js';
import { agentKeypair, demoContext, propose, startFixture, tokenBalance, usdc, type ExecFixture } from './execute-fixture.js';

let f: ExecFixture;
let proxy: Server;
let proxyUrl: string;
const seen: Record<string, number> = {};
// Faults per method, consumed in order: '429', '500', 'swallow' (forward, never answer), 'drop' (never forward or answer), 'delay'.
const faults: Record<string, string[]> = {};

beforeAll(async () => {
  f = await startFixture();
  proxy = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', async () => {
      const method = (JSON.parse(body) as { method?: string }).method ?? '?';
      seen[method] = (seen[method] ?? 0) + 1;
      const fault = faults[method]?.shift();
      if (fault === '429') return void res.writeHead(429, 'Too Many Requests').end('slow down');
      if (fault === '500') return void res.writeHead(500, 'Internal Server Error').end('boom');
      if (fault === 'drop') return; // never answered
      const forwarded = await fetch(f.running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await forwarded.text();
      if (fault === 'swallow') return; // the chain got it; the client never hears back
      if (fault === 'delay') await new Promise((r) => setTimeout(r, 600));
      res.writeHead(forwarded.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await f?.close();
});

describe('RPC faults', () => {
  it('429, 500, dropped, delayed and swallowed requests: retried within bounds, the transfer lands exactly once', async () => {
    const before = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '42', to: DEMO.grantee.toBase58() });
    faults['getLatestBlockhash'] = ['429', '500'];
    faults['getMultipleAccounts'] = ['drop'];
    faults['simulateTransaction'] = ['delay'];
    faults['sendTransaction'] = ['swallow', 'swallow', 'swallow', 'swallow', 'swallow', 'swallow'];
    faults['getSignatureStatuses'] = ['500'];
    for (const key of Object.keys(seen)) delete seen[key];
    const outcome = await executeAction({
      db: f.store.db,
      connection: createConnection(proxyUrl, { commitment: 'confirmed' }),
      agentKeypair,
      policy: f.policy,
      action: id,
      mode: 'execute',
      context: demoContext(f.policy, Date.now()),
      options: { retry: { attempts: 4, timeoutMs: 300, sleep: async () => {} }, confirm: { pollMs: 20, rebroadcastMs: 200, maxWaitMs: 20_000 } },
    });
    expect(outcome.status).toBe('confirmed');
    expect((await tokenBalance(f.connection, DEMO.granteeUsdcAccount)) - before).toBe(usdc(42));
    expect(attemptsOf(f.store.db, id).map((a) => a.state)).toEqual(['confirmed']);
    expect(readAction(f.store.db, id).state).toBe('confirmed');
    // Bounded: each faulted read was retried only as often as its faults needed.
    expect(seen['getLatestBlockhash']).toBeLessThanOrEqual(4);
    expect(seen['sendTransaction']).toBeGreaterThanOrEqual(2);
  });

  it('an RPC that keeps failing ends in a Steward error after bounded tries, before anything is signed', async () => {
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '1', to: DEMO.grantee.toBase58() });
    faults['getMultipleAccounts'] = ['429', '429', '429', '429', '429'];
    for (const key of Object.keys(seen)) delete seen[key];
    const attempt = executeAction({
      db: f.store.db,
      connection: createConnection(proxyUrl, { commitment: 'confirmed' }),
      agentKeypair,
      policy: f.policy,
      action: id,
      mode: 'execute',
      context: demoContext(f.policy, Date.now()),
      options: { retry: { attempts: 3, timeoutMs: 300, sleep: async () => {} } },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'RPC_RATE_LIMITED' });
    expect(seen['getMultipleAccounts']).toBe(3);
    expect(attemptsOf(f.store.db, id)).toEqual([]);
    faults['getMultipleAccounts'] = [];
  });
});
