// Issue #19, items 1 and 6: the localnet's PubSub as third-party clients use it. web3.js's
// onLogs, onProgramAccountChange, onRootChange and onSlotUpdate fire with shapes web3.js
// accepts (it validates every notification), an unknown subscription answers -32601 once
// without a retry storm, and a notification caused by a request never arrives before that
// request's reply.
import { createTransferInstruction, createAccount, createMint, mintTo, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { ComputeBudgetProgram, Keypair, SystemProgram, Transaction, type Connection, type Logs } from '@solana/web3.js';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmbeddedChain } from '../../src/chain/index.js';
import { startLocalnet } from './localnet-fixture.js';
import { rpc } from './rpc-client.js';

let running: RunningEmbeddedChain;
let connection: Connection;
let payer: Keypair;
const wsUrl = () => running.url.replace(/^http/, 'ws').replace(/:(\d+)/, (_, port: string) => `:${Number(port) + 1}`);

beforeAll(async () => {
  ({ running, connection, payer } = await startLocalnet());
});
afterAll(async () => {
  await running?.close();
});

/** Resolves with the first value `subscribe` hands its callback, or rejects after `ms`. */
function first<T>(
  subscribe: (resolve: (value: T) => void) => number,
  unsubscribe: (id: number) => Promise<void>,
  ms = 5_000,
): { id: number; value: Promise<T> } {
  let id = -1;
  const value = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no notification within ${ms} ms`)), ms);
    id = subscribe((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
  return { id, value: value.finally(() => unsubscribe(id)) };
}

async function transfer(lamports: number, to = Keypair.generate().publicKey): Promise<string> {
  const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports }));
  return connection.sendTransaction(tx, [payer]);
}

describe('logsSubscribe, programSubscribe, rootSubscribe, slotsUpdatesSubscribe through web3.js', () => {
  it('onLogs("all") and onLogs(mentions) deliver the landed transaction with its logs', async () => {
    const to = Keypair.generate().publicKey;
    const all = first<Logs>(
      (cb) => connection.onLogs('all', (logs) => cb(logs), 'confirmed'),
      (id) => connection.removeOnLogsListener(id),
    );
    const mentions = first<Logs>(
      (cb) => connection.onLogs(to, (logs) => cb(logs), 'confirmed'),
      (id) => connection.removeOnLogsListener(id),
    );
    const other = Keypair.generate().publicKey;
    let unrelated = 0;
    const otherId = connection.onLogs(other, () => unrelated++, 'confirmed');
    await new Promise((r) => setTimeout(r, 200)); // web3.js subscribes asynchronously
    const signature = await transfer(1_000_000, to);
    for (const logs of [await all.value, await mentions.value]) {
      expect(logs).toEqual({
        signature,
        err: null,
        logs: ['Program 11111111111111111111111111111111 invoke [1]', 'Program 11111111111111111111111111111111 success'],
      });
    }
    expect(unrelated).toBe(0);
    await connection.removeOnLogsListener(otherId);
  });

  it('onLogs reports a failed transaction that landed with its error', async () => {
    const mint = await createMint(connection, payer, payer.publicKey, null, 0);
    const a = await createAccount(connection, payer, mint, payer.publicKey, Keypair.generate());
    const b = await createAccount(connection, payer, mint, payer.publicKey, Keypair.generate());
    const sub = first<Logs>(
      (cb) => connection.onLogs(a, (logs) => cb(logs), 'confirmed'),
      (id) => connection.removeOnLogsListener(id),
    );
    await new Promise((r) => setTimeout(r, 200));
    const tx = new Transaction().add(createTransferInstruction(a, b, payer.publicKey, 5n));
    const signature = await connection.sendTransaction(tx, [payer], { skipPreflight: true });
    const logs = await sub.value;
    expect(logs.signature).toBe(signature);
    expect(logs.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(logs.logs.join('\n')).toContain('insufficient funds');
  });

  it('onProgramAccountChange fires for token accounts, honouring filters', async () => {
    const mint = await createMint(connection, payer, payer.publicKey, null, 6);
    const account = await createAccount(connection, payer, mint, payer.publicKey, Keypair.generate());
    const seen: string[] = [];
    const filtered = first<{ pubkey: string; amount: bigint }>(
      (cb) =>
        connection.onProgramAccountChange(
          TOKEN_PROGRAM_ID,
          (info) => {
            seen.push(info.accountId.toBase58());
            cb({ pubkey: info.accountId.toBase58(), amount: info.accountInfo.data.readBigUInt64LE(64) });
          },
          { commitment: 'confirmed', filters: [{ dataSize: 165 }, { memcmp: { offset: 0, bytes: mint.toBase58() } }] },
        ),
      (id) => connection.removeProgramAccountChangeListener(id),
    );
    await new Promise((r) => setTimeout(r, 200));
    await mintTo(connection, payer, mint, account, payer, 77n);
    expect(await filtered.value).toEqual({ pubkey: account.toBase58(), amount: 77n });
    expect(seen).not.toContain(mint.toBase58()); // the mint changed too, but is 82 bytes
  });

  it('onRootChange and onSlotUpdate follow the slots, with no subscription error for web3.js to retry on', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    const root = first<number>(
      (cb) => connection.onRootChange((slot) => cb(slot)),
      (id) => connection.removeRootChangeListener(id),
    );
    const update = first<{ type: string; slot: number }>(
      (cb) => connection.onSlotUpdate((u) => cb(u)),
      (id) => connection.removeSlotUpdateListener(id),
    );
    await new Promise((r) => setTimeout(r, 200));
    const before = running.chain.slot;
    running.chain.advanceSlots(1);
    expect(await root.value).toBe(Number(before) + 1);
    expect(await update.value).toMatchObject({ type: 'createdBank', slot: Number(before) + 1 });
    console.error = original;
    // web3.js v1 logs and immediately retries a refused subscription (the -32601 retry storm).
    expect(errors).toEqual([]);
  });
});

describe('the websocket as a raw client sees it', () => {
  async function socket(): Promise<{ ws: WebSocket; messages: any[]; next: () => Promise<any> }> {
    const ws = new WebSocket(wsUrl());
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const messages: any[] = [];
    const waiters: ((m: any) => void)[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      const waiter = waiters.shift();
      if (waiter) waiter(m);
      else messages.push(m);
    });
    const next = () => (messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiters.push(resolve)));
    return { ws, messages, next };
  }

  it('an unknown subscription answers -32601 once; invalid logs filters answer -32602', async () => {
    const { ws, next } = await socket();
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'blockSubscribe', params: ['all'] }));
    expect(await next()).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 1 });
    ws.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'logsSubscribe',
        params: [{ mentions: [payer.publicKey.toBase58(), payer.publicKey.toBase58()] }],
      }),
    );
    expect(await next()).toMatchObject({ error: { code: -32602, message: 'Invalid Request: Only 1 address supported' }, id: 2 });
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'rootUnsubscribe', params: [999] }));
    expect(await next()).toMatchObject({ error: { code: -32602 }, id: 3 });
    ws.close();
  });

  it('notifications caused by sendTransaction arrive after its reply', async () => {
    const { ws, next } = await socket();
    const target = Keypair.generate().publicKey;
    ws.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'accountSubscribe',
        params: [target.toBase58(), { encoding: 'base64', commitment: 'confirmed' }],
      }),
    );
    ws.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'logsSubscribe',
        params: [{ mentions: [target.toBase58()] }, { commitment: 'confirmed' }],
      }),
    );
    expect((await next()).id).toBe(1);
    expect((await next()).id).toBe(2);
    for (let round = 0; round < 5; round++) {
      const order: string[] = [];
      const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: running.chain.latestBlockhash() }).add(
        ComputeBudgetProgram.setComputeUnitPrice({ microLamports: round + 1 }),
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: target, lamports: 1_000_000 + round }),
      );
      tx.sign(payer);
      const body = JSON.stringify({
        jsonrpc: '2.0',
        id: 9,
        method: 'sendTransaction',
        params: [tx.serialize().toString('base64'), { encoding: 'base64' }],
      });
      const notified = Promise.all([next(), next()]).then((ms) => {
        order.push('notifications');
        return ms;
      });
      const replied = new Promise<void>((resolve, reject) => {
        const req = request(running.url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          order.push('reply');
          res.resume().on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
      });
      const [notifications] = await Promise.all([notified, replied]);
      expect(order).toEqual(['reply', 'notifications']);
      expect(notifications.map((m: any) => m.method).sort()).toEqual(['accountNotification', 'logsNotification']);
    }
    ws.close();
  });
});

describe('getRecentPrioritizationFees', () => {
  it('reports the lowest priority fee of each recent slot with transactions, and per written account', async () => {
    const target = Keypair.generate().publicKey;
    running.chain.advanceSlots(1);
    const slot = Number(running.chain.slot);
    for (const microLamports of [700, 300]) {
      const tx = new Transaction().add(
        ComputeBudgetProgram.setComputeUnitPrice({ microLamports }),
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: target, lamports: 1_000_000 + microLamports }),
      );
      await connection.sendTransaction(tx, [payer]);
    }
    const all = await connection.getRecentPrioritizationFees();
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThanOrEqual(150);
    expect(all.find((f) => f.slot === slot)).toEqual({ slot, prioritizationFee: 300 });
    const byTarget = await connection.getRecentPrioritizationFees({ lockedWritableAccounts: [target] });
    expect(byTarget.find((f) => f.slot === slot)).toEqual({ slot, prioritizationFee: 300 });
    // As on a validator: an account without its own fee in the slot gets the slot's lowest.
    const untouched = await connection.getRecentPrioritizationFees({ lockedWritableAccounts: [Keypair.generate().publicKey] });
    expect(untouched.find((f) => f.slot === slot)).toEqual({ slot, prioritizationFee: 300 });
    expect((await rpc(running.url, 'getRecentPrioritizationFees', [['not-a-key']])).error).toMatchObject({ code: -32602 });
  });
});
