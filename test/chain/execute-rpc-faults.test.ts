// RPC faults between the executor and the embedded chain: a small HTTP proxy that answers 429
// and 500, swallows sendTransaction requests (forwarded or not, never answered), and delays
// answers past the client deadline. The transfer must land exactly once, with bounded retries.
// The same proxy also lies: null signature statuses with a block height far ahead (once, or
// every time), a swallowed send answered with a fake signature, statuses that flip. No landed
// transfer may be journalled expired or leave the windows; a fake signature is never confirmed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnection } from '../../src/chain/connection.js';
import { DEMO } from '../../src/demo/addresses.js';
import { attemptsOf, readAction, recoverPending } from '../../src/execute/index.js';
import { readSpendWindows } from '../../src/execute/index.js';
import { execute, propose, startFixture, tokenBalance, usdc, type ExecFixture } from './execute-fixture.js';

let f: ExecFixture;
let proxy: Server;
let proxyUrl: string;
const viaProxy = () => createConnection(proxyUrl, { commitment: 'confirmed' });
const seen: Record<string, number> = {};
// Faults per method, consumed in order: '429', '500', 'swallow' (forward, never answer), 'drop'
// (never forward or answer), 'delay'; lies: 'null' (getSignatureStatuses: no status), 'far'
// (getBlockHeight: far ahead), 'fake' (sendTransaction: not forwarded, answered with a made-up
// signature), 'pass' (answer honestly this once).
const faults: Record<string, string[]> = {};
/** Lies told on every call until removed: 'statuses-null', 'height-far'. */
const lies = new Set<string>();
const FAKE_SIGNATURE = '5'.repeat(87);

beforeAll(async () => {
  f = await startFixture();
  proxy = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', async () => {
      const request = JSON.parse(body) as { method?: string; id?: unknown };
      const method = request.method ?? '?';
      seen[method] = (seen[method] ?? 0) + 1;
      const fault =
        faults[method]?.shift() ??
        (method === 'getSignatureStatuses' && lies.has('statuses-null')
          ? 'null'
          : method === 'getBlockHeight' && lies.has('height-far')
            ? 'far'
            : undefined);
      const answer = (result: unknown) =>
        void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }));
      if (fault === 'null') return answer({ context: { slot: 1 }, value: [null] });
      if (fault === 'far') return answer(1_000_000_000);
      if (fault === 'fake') return answer(FAKE_SIGNATURE);
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
  beforeEach(() => {
    // Faults a previous test queued and did not use must not leak into the next one.
    for (const key of Object.keys(faults)) delete faults[key];
    lies.clear();
  });

  it('429, 500, dropped, delayed and swallowed requests: retried within bounds, the transfer lands exactly once', async () => {
    const before = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '42', to: DEMO.grantee.toBase58() });
    faults['getLatestBlockhash'] = ['429', '500'];
    faults['getMultipleAccounts'] = ['drop'];
    faults['simulateTransaction'] = ['delay'];
    faults['sendTransaction'] = ['swallow', 'swallow', 'swallow', 'swallow', 'swallow', 'swallow'];
    faults['getSignatureStatuses'] = ['500'];
    for (const key of Object.keys(seen)) delete seen[key];
    const outcome = await execute(f, id, {
      connection: viaProxy(),
      options: {
        retry: { attempts: 4, timeoutMs: 300, sleep: async () => {} },
        confirm: { pollMs: 20, rebroadcastMs: 200, maxWaitMs: 20_000 },
      },
    });
    expect(outcome.status).toBe('confirmed');
    expect((await tokenBalance(f.connection, DEMO.granteeUsdcAccount)) - before).toBe(usdc(42));
    expect(attemptsOf(f.store.db, id).map((a) => a.state)).toEqual(['confirmed']);
    expect(readAction(f.store.db, id).state).toBe('confirmed');
    // Bounded: each faulted read was retried only as often as its faults needed.
    expect(seen['getLatestBlockhash']).toBeLessThanOrEqual(4);
    // A swallowed send has an unknown outcome: the boundary does not repeat it (test/unit/chain-rpc.test.ts);
    // the status poll finds it landed, or a rebroadcast of the same bytes follows after rebroadcastMs.
    expect(seen['sendTransaction']).toBeGreaterThanOrEqual(1);
    expect(seen['sendTransaction']).toBeLessThanOrEqual(6);
  });

  it('null statuses with a block height far ahead, once: the second look finds the landed transfer (never expired)', async () => {
    const before = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '3', to: DEMO.grantee.toBase58() });
    faults['getSignatureStatuses'] = ['null'];
    faults['getBlockHeight'] = ['far'];
    let slept = 0;
    const outcome = await execute(f, id, {
      connection: viaProxy(),
      options: {
        retry: { sleep: async () => {} },
        confirm: { pollMs: 20, rebroadcastMs: 10_000, maxWaitMs: 20_000, expiryRecheckMs: 5_000 },
        sleep: async (ms) => {
          // The 5 s between the two looks is counted, not slept; short polls really wait.
          if (ms >= 1_000) slept += ms;
          else await new Promise((resolve) => setTimeout(resolve, ms));
        },
      },
    });
    expect(outcome.status).toBe('confirmed');
    expect(slept).toBeGreaterThanOrEqual(5_000);
    expect((await tokenBalance(f.connection, DEMO.granteeUsdcAccount)) - before).toBe(usdc(3));
    expect(attemptsOf(f.store.db, id).map((a) => a.state)).toEqual(['confirmed']);
  });

  it('a consistent lie (null statuses, height far ahead) against an honest second endpoint: unknown, counted as spent; recovery settles it once they agree', async () => {
    const before = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const now = Date.now();
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '4', to: DEMO.grantee.toBase58() }, now);
    lies.add('statuses-null');
    lies.add('height-far');
    const lying = createConnection(proxyUrl, { commitment: 'confirmed' });
    const honest = { connection: f.connection, endpoint: f.running.url };
    const fast = {
      retry: { sleep: async () => {} },
      confirm: { pollMs: 20, rebroadcastMs: 10_000, maxWaitMs: 20_000, expiryRecheckMs: 1 },
    };
    try {
      const outcome = await execute(f, id, { connection: lying, now, options: { ...fast, confirmWith: honest } });
      expect(outcome).toMatchObject({ status: 'unknown' });
      expect((await tokenBalance(f.connection, DEMO.granteeUsdcAccount)) - before).toBe(usdc(4));
      expect(readAction(f.store.db, id).state).toBe('unknown');
      expect(attemptsOf(f.store.db, id).map((a) => a.state)).toEqual(['unknown']);
      // Unknown counts as spent: the 24h window holds these 4 USDC.
      const withIt = readSpendWindows(f.store.db, f.policy.name, f.policy, Date.now());
      const without = readSpendWindows(f.store.db, f.policy.name, f.policy, Date.now(), id);
      expect((withIt['24h']?.tokens['USDC'] ?? 0n) - (without['24h']?.tokens['USDC'] ?? 0n)).toBe(usdc(4));
      // Still lying: recovery looks again and leaves it unknown, never expired.
      await recoverPending(f.store.db, lying, { ...fast, confirmWith: honest });
      expect(readAction(f.store.db, id).state).toBe('unknown');
    } finally {
      lies.clear();
    }
    await recoverPending(f.store.db, createConnection(proxyUrl, { commitment: 'confirmed' }), { ...fast, confirmWith: honest });
    expect(readAction(f.store.db, id).state).toBe('confirmed');
    expect(attemptsOf(f.store.db, id).map((a) => a.state)).toEqual(['confirmed']);
  });

  it('statuses that flip (null with height far ahead, then landed, then null): settled confirmed on the endpoints agreeing', async () => {
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '5', to: DEMO.grantee.toBase58() });
    faults['getSignatureStatuses'] = ['null', 'pass', 'null', 'null'];
    faults['getBlockHeight'] = ['far', 'far'];
    const outcome = await execute(f, id, {
      connection: viaProxy(),
      options: { retry: { sleep: async () => {} }, confirm: { pollMs: 20, rebroadcastMs: 10_000, maxWaitMs: 20_000, expiryRecheckMs: 1 } },
    });
    expect(outcome.status).toBe('confirmed');
    expect(readAction(f.store.db, id).state).toBe('confirmed');
    faults['getSignatureStatuses'] = [];
    faults['getBlockHeight'] = [];
  });

  it('a swallowed send answered with a fake signature: recorded as an RPC fault, never confirmed; the signed bytes land on rebroadcast', async () => {
    const before = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '6', to: DEMO.grantee.toBase58() });
    faults['sendTransaction'] = ['fake', 'fake'];
    const outcome = await execute(f, id, {
      connection: viaProxy(),
      options: { retry: { sleep: async () => {} }, confirm: { pollMs: 20, rebroadcastMs: 100, maxWaitMs: 20_000, expiryRecheckMs: 1 } },
    });
    expect(outcome.status).toBe('confirmed');
    const [attempt, ...others] = attemptsOf(f.store.db, id);
    expect(others).toEqual([]);
    expect(attempt?.signature).not.toBe(FAKE_SIGNATURE);
    expect(outcome).toMatchObject({ signature: attempt?.signature });
    expect(attempt?.rpc_fault).toContain(`sendTransaction answered signature ${FAKE_SIGNATURE}, not the signed ${attempt?.signature}`);
    expect(f.store.db.prepare('SELECT COUNT(*) FROM transactions WHERE signature = ?').pluck().get(FAKE_SIGNATURE)).toBe(0);
    expect((await tokenBalance(f.connection, DEMO.granteeUsdcAccount)) - before).toBe(usdc(6));
  });

  it('every send swallowed with a fake signature: nothing lands, and only past the last valid height and absent on two looks is it expired', async () => {
    const before = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '7', to: DEMO.grantee.toBase58() });
    faults['sendTransaction'] = Array.from({ length: 1_000 }, () => 'fake');
    let looks = 0;
    const outcome = await execute(f, id, {
      connection: viaProxy(),
      options: {
        retry: { sleep: async () => {} },
        confirm: { pollMs: 20, rebroadcastMs: 50, maxWaitMs: 30_000, expiryRecheckMs: 7 },
        // The chain moves on while we wait: past the blockhash's validity after a few polls.
        sleep: async (ms) => {
          if (ms === 7) looks++;
          f.running.chain.advanceSlots(40n);
        },
      },
    });
    faults['sendTransaction'] = [];
    expect(outcome.status).toBe('expired');
    expect(looks).toBe(1);
    expect(attemptsOf(f.store.db, id).map((a) => [a.state, a.signature === FAKE_SIGNATURE])).toEqual([['expired', false]]);
    expect(attemptsOf(f.store.db, id)[0]?.error).toContain('checked twice');
    expect((await tokenBalance(f.connection, DEMO.granteeUsdcAccount)) - before).toBe(0n);
  });

  it('an RPC that keeps failing ends in a Steward error after bounded tries, before anything is signed', async () => {
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '1', to: DEMO.grantee.toBase58() });
    faults['getMultipleAccounts'] = ['429', '429', '429', '429', '429'];
    for (const key of Object.keys(seen)) delete seen[key];
    const attempt = execute(f, id, { connection: viaProxy(), options: { retry: { attempts: 3, timeoutMs: 300, sleep: async () => {} } } });
    await expect(attempt).rejects.toMatchObject({ code: 'RPC_RATE_LIMITED' });
    expect(seen['getMultipleAccounts']).toBe(3);
    expect(attemptsOf(f.store.db, id)).toEqual([]);
    faults['getMultipleAccounts'] = [];
  });
});
