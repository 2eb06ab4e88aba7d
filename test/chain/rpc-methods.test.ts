// The embedded chain's JSON-RPC, method by method, against a stock web3.js Connection and raw
// requests: shapes, error codes, blockhash expiry, simulation, history and subscriptions.
// Slots move only when the test says so (autoAdvance off).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
  type Connection,
} from '@solana/web3.js';
import { createMint, createAccount, mintTo, transfer } from '@solana/spl-token';
import { RpcCounter, createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { postRaw, rpc } from './rpc-client.js';

let running: RunningEmbeddedChain;
let connection: Connection;
const counter = new RpcCounter();
const payer = Keypair.generate();

function transferTx(from: Keypair, to: PublicKey, lamports: number, blockhash: string): Transaction {
  const tx = new Transaction({ feePayer: from.publicKey, recentBlockhash: blockhash }).add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }),
  );
  tx.sign(from);
  return tx;
}

beforeAll(async () => {
  running = await startEmbeddedChain({ autoAdvance: false });
  connection = createConnection(running.url, { commitment: 'confirmed', counter });
  running.chain.airdrop(payer.publicKey, 50n * BigInt(LAMPORTS_PER_SOL));
});

afterAll(async () => {
  await running?.close();
});

describe('cluster information', () => {
  it('answers version, health, slot, height, epoch and genesis like a validator', async () => {
    expect((await connection.getVersion())['solana-core']).toMatch(/^\d+\.\d+\.\d+/);
    expect((await rpc(running.url, 'getHealth')).result).toBe('ok');
    const slot = await connection.getSlot();
    expect(await connection.getBlockHeight()).toBe(slot);
    running.chain.advanceSlots(3);
    expect(await connection.getSlot()).toBe(slot + 3);
    const epoch = await connection.getEpochInfo();
    expect(epoch).toMatchObject({ absoluteSlot: slot + 3, epoch: 0, slotIndex: slot + 3, slotsInEpoch: 432000 });
    expect(await connection.getGenesisHash()).toBe(running.chain.genesisHash);
    expect(await connection.getMinimumBalanceForRentExemption(165)).toBe(2039280);
  });

  it('counts HTTP requests and methods through createConnection', async () => {
    counter.reset();
    await connection.getSlot();
    await connection.getBalance(payer.publicKey);
    expect(counter.requests).toBe(2);
    expect(counter.methods).toEqual({ getSlot: 1, getBalance: 1 });
    expect(counter.count('getBalance')).toBe(1);
  });
});

describe('blockhashes', () => {
  it('keeps a window of recent blockhashes and expires them after 150 slots', async () => {
    const old = await connection.getLatestBlockhash();
    expect(old.lastValidBlockHeight).toBe((await connection.getBlockHeight()) + 150);
    running.chain.advanceSlots(10);
    const newer = await connection.getLatestBlockhash();
    expect(newer.blockhash).not.toBe(old.blockhash);
    expect((await connection.isBlockhashValid(old.blockhash)).value).toBe(true);
    // A transaction on a 10-slot-old blockhash still lands, as on a cluster.
    const sig = await connection.sendRawTransaction(transferTx(payer, Keypair.generate().publicKey, 1_000_000, old.blockhash).serialize());
    expect((await connection.getSignatureStatus(sig)).value?.err).toBeNull();

    running.chain.advanceSlots(141);
    expect((await connection.isBlockhashValid(old.blockhash)).value).toBe(false);
    const stale = transferTx(payer, Keypair.generate().publicKey, 1_000_000, old.blockhash);
    const error = await connection.sendRawTransaction(stale.serialize()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendTransactionError);
    const raw = await rpc(running.url, 'sendTransaction', [stale.serialize().toString('base64'), { encoding: 'base64' }]);
    expect(raw.error).toEqual({
      code: -32002,
      message: 'Transaction simulation failed: Blockhash not found',
      data: {
        accounts: null,
        err: 'BlockhashNotFound',
        innerInstructions: null,
        logs: [],
        replacementBlockhash: null,
        returnData: null,
        unitsConsumed: 0,
      },
    });
    // With skipPreflight the cluster accepts it, and it never lands.
    const dropped = await connection.sendRawTransaction(stale.serialize(), { skipPreflight: true });
    expect((await connection.getSignatureStatus(dropped, { searchTransactionHistory: true })).value).toBeNull();
  });

  it('prices a message: 5000 lamports per signature, null for an unknown blockhash', async () => {
    const { blockhash } = await connection.getLatestBlockhash();
    const message = transferTx(payer, Keypair.generate().publicKey, 1, blockhash).compileMessage();
    expect((await connection.getFeeForMessage(message)).value).toBe(5000);
    const unknown = transferTx(payer, Keypair.generate().publicKey, 1, Keypair.generate().publicKey.toBase58()).compileMessage();
    expect((await connection.getFeeForMessage(unknown)).value).toBeNull();
  });
});

describe('accounts and transactions', () => {
  it('reads balances and accounts in base64, missing ones as null', async () => {
    const fresh = Keypair.generate().publicKey;
    expect(await connection.getBalance(fresh)).toBe(0);
    expect(await connection.getAccountInfo(fresh)).toBeNull();
    const many = await connection.getMultipleAccountsInfo([payer.publicKey, fresh]);
    expect(many[0]?.owner.equals(SystemProgram.programId)).toBe(true);
    expect(many[1]).toBeNull();
    const raw = await rpc(running.url, 'getAccountInfo', [payer.publicKey.toBase58(), { encoding: 'base64' }]);
    expect(raw.result.value).toMatchObject({
      data: ['', 'base64'],
      executable: false,
      owner: '11111111111111111111111111111111',
      space: 0,
    });
    expect(raw.result.context).toMatchObject({ apiVersion: expect.any(String), slot: expect.any(Number) });
  });

  it('simulates with post-state of requested accounts, without changing state', async () => {
    const to = Keypair.generate().publicKey;
    const { blockhash } = await connection.getLatestBlockhash();
    const tx = new VersionedTransaction(
      new TransactionMessage({
        payerKey: payer.publicKey,
        recentBlockhash: blockhash,
        instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 7_000_000 })],
      }).compileToV0Message(),
    );
    tx.sign([payer]);
    const result = await connection.simulateTransaction(tx, {
      sigVerify: true,
      accounts: { addresses: [to.toBase58()], encoding: 'base64' },
    });
    expect(result.value.err).toBeNull();
    expect(result.value.accounts?.[0]?.lamports).toBe(7_000_000);
    expect(result.value.unitsConsumed).toBeGreaterThan(0);
    expect(result.value.logs).toContain('Program 11111111111111111111111111111111 success');
    expect(await connection.getBalance(to)).toBe(0);

    const stale = new VersionedTransaction(
      new TransactionMessage({
        payerKey: payer.publicKey,
        recentBlockhash: Keypair.generate().publicKey.toBase58(),
        instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1_000_000 })],
      }).compileToV0Message(),
    );
    const replaced = await connection.simulateTransaction(stale, { replaceRecentBlockhash: true });
    expect(replaced.value.err).toBeNull();
    const conflict = await rpc(running.url, 'simulateTransaction', [
      Buffer.from(stale.serialize()).toString('base64'),
      { encoding: 'base64', sigVerify: true, replaceRecentBlockhash: true },
    ]);
    expect(conflict.error).toEqual({ code: -32602, message: 'Invalid param: sigVerify may not be used with replaceRecentBlockhash' });
  });

  it('lands a transaction once, with statuses, history and signatures by address', async () => {
    const to = Keypair.generate().publicKey;
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
    const tx = transferTx(payer, to, 3_000_000, blockhash);
    const signature = await connection.sendRawTransaction(tx.serialize());
    const confirmed = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight });
    expect(confirmed.value.err).toBeNull();
    const again = await rpc(running.url, 'sendTransaction', [tx.serialize().toString('base64'), { encoding: 'base64' }]);
    expect(again.error?.code).toBe(-32002);
    expect(again.error?.message).toBe('Transaction simulation failed: This transaction has already been processed');
    expect(await connection.getBalance(to)).toBe(3_000_000);

    const status = await connection.getSignatureStatuses([signature]);
    expect(status.value[0]).toMatchObject({ err: null, confirmationStatus: 'finalized', status: { Ok: null } });

    const fetched = await connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(fetched?.meta?.fee).toBe(5000);
    expect(fetched?.meta?.err).toBeNull();
    expect(fetched?.meta?.postBalances[1]).toBe(3_000_000);
    expect(fetched?.meta?.preBalances[1]).toBe(0);
    expect((fetched?.meta?.preBalances[0] ?? 0) - (fetched?.meta?.postBalances[0] ?? 0)).toBe(3_005_000);
    expect(fetched?.transaction.message.staticAccountKeys.map((k) => k.toBase58())).toEqual([
      payer.publicKey.toBase58(),
      to.toBase58(),
      SystemProgram.programId.toBase58(),
    ]);
    const base64 = await rpc(running.url, 'getTransaction', [signature, { encoding: 'base64' }]);
    expect(base64.result.transaction).toEqual([tx.serialize().toString('base64'), 'base64']);

    const listed = await connection.getSignaturesForAddress(to);
    expect(listed.map((s) => s.signature)).toEqual([signature]);
    expect(await connection.getSignaturesForAddress(payer.publicKey, { limit: 1 })).toHaveLength(1);
  });

  it('lands a failing transaction with skipPreflight: error status, fee paid', async () => {
    const poor = Keypair.generate();
    running.chain.airdrop(poor.publicKey, 1_000_000n);
    const { blockhash } = await connection.getLatestBlockhash();
    const signature = await connection.sendRawTransaction(
      transferTx(poor, Keypair.generate().publicKey, 5_000_000, blockhash).serialize(),
      { skipPreflight: true },
    );
    const status = await connection.getSignatureStatus(signature);
    expect(status.value?.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(await connection.getBalance(poor.publicKey)).toBe(995_000);
  });

  it('reports token balances in transaction meta', async () => {
    const mint = await createMint(connection, payer, payer.publicKey, null, 2);
    const a = await createAccount(connection, payer, mint, payer.publicKey, Keypair.generate());
    const b = await createAccount(connection, payer, mint, Keypair.generate().publicKey, Keypair.generate());
    await mintTo(connection, payer, mint, a, payer, 500n);
    const signature = await transfer(connection, payer, a, b, payer, 125n);
    const fetched = await connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    const pre = fetched?.meta?.preTokenBalances?.map((t) => t.uiTokenAmount.uiAmountString).sort();
    const post = fetched?.meta?.postTokenBalances?.map((t) => t.uiTokenAmount.uiAmountString).sort();
    expect(pre).toEqual(['0', '5']);
    expect(post).toEqual(['1.25', '3.75']);
    expect(fetched?.meta?.postTokenBalances?.[0]).toMatchObject({
      mint: mint.toBase58(),
      programId: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
    });
  });

  it('notifies account subscribers over the websocket', async () => {
    const watched = Keypair.generate().publicKey;
    const seen = new Promise<number>((resolve) => {
      const id = connection.onAccountChange(watched, (account) => {
        void connection.removeAccountChangeListener(id);
        resolve(account.lamports);
      });
    });
    await new Promise((r) => setTimeout(r, 200)); // let the subscription reach the server
    await connection.requestAirdrop(watched, 42_000_000);
    expect(await seen).toBe(42_000_000);
  });
});

describe('protocol errors', () => {
  it('refuses unknown methods, bad params and malformed JSON with JSON-RPC codes', async () => {
    expect((await rpc(running.url, 'getNothing')).error).toEqual({ code: -32601, message: 'Method not found' });
    const bad = await rpc(running.url, 'getBalance', ['not-a-key']);
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toContain('pubkey (params[0])');
    expect((await rpc(running.url, 'getBalance', [])).error).toEqual({
      code: -32602,
      message: '`params` should have at least 1 argument(s)',
    });
    const filters = await rpc(running.url, 'getProgramAccounts', [
      SystemProgram.programId.toBase58(),
      { filters: [{ memcmp: { offset: -1, bytes: '1' } }] },
    ]);
    expect(filters.error?.message).toContain('filters[0].memcmp');
    const parse = await postRaw(running.url, '{"jsonrpc":"2.0","id":1,');
    expect(parse.json).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    const invalid = await postRaw(running.url, '{"id":1}');
    expect((invalid.json as { error: { code: number } }).error.code).toBe(-32600);
  });

  it('answers batches in order and refuses oversized bodies', async () => {
    const batch = await postRaw(
      running.url,
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'getSlot' },
        { jsonrpc: '2.0', id: 2, method: 'nope' },
        { jsonrpc: '2.0', id: 3, method: 'getBalance', params: [payer.publicKey.toBase58()] },
      ]),
    );
    const replies = batch.json as { id: number; result?: unknown; error?: { code: number } }[];
    expect(replies.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(replies[1]?.error?.code).toBe(-32601);
    expect(typeof replies[0]?.result).toBe('number');
    const huge = await postRaw(
      running.url,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getSlot', params: ['x'.repeat(1024 * 1024)] }),
    );
    expect(huge.status).toBe(413);
  });
});
