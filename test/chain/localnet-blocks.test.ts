// Issue #19, item 5: getBlock and the block-history methods through web3.js: the block of a
// landed transaction holds it (json and jsonParsed, v0 included), signatures-only blocks,
// block lists over a range, and a future slot answered -32004 as a validator does.
import { Keypair, SystemProgram, TransactionMessage, VersionedTransaction, type Connection } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmbeddedChain } from '../../src/chain/index.js';
import { startLocalnet } from './localnet-fixture.js';
import { rpc } from './rpc-client.js';

let running: RunningEmbeddedChain;
let connection: Connection;
let payer: Keypair;

beforeAll(async () => {
  ({ running, connection, payer } = await startLocalnet());
  running.chain.advanceSlots(2);
});
afterAll(async () => {
  await running?.close();
});

async function sendV0(lamports: number): Promise<{ signature: string; slot: number; blockhash: string }> {
  const { blockhash } = await connection.getLatestBlockhash();
  const message = new TransactionMessage({
    payerKey: payer.publicKey,
    recentBlockhash: blockhash,
    instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports })],
  }).compileToV0Message();
  const tx = new VersionedTransaction(message);
  tx.sign([payer]);
  const signature = await connection.sendTransaction(tx);
  return { signature, slot: (await connection.getSignatureStatus(signature)).value!.slot, blockhash };
}

describe('blocks', () => {
  it("getBlock holds the slot's transactions, chained by parent slot and blockhash", async () => {
    const first = await sendV0(1_000_000);
    const second = await sendV0(2_000_000);
    expect(second.slot).toBe(first.slot);
    const block = await connection.getBlock(first.slot, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
    expect(block!.transactions.map((t) => t.transaction.signatures[0])).toEqual([first.signature, second.signature]);
    expect(block!.transactions[0]!.version).toBe(0);
    expect(block!.blockhash).toBe(first.blockhash);
    expect(block!.parentSlot).toBe(first.slot - 1);
    expect(block!.blockTime).toBe(await connection.getBlockTime(first.slot));
    running.chain.advanceSlots(1);
    const next = await connection.getBlock(first.slot + 1, { maxSupportedTransactionVersion: 0 });
    expect(next!.previousBlockhash).toBe(block!.blockhash);
    expect(next!.transactions).toEqual([]);

    const parsed = await connection.getParsedBlock(first.slot, { maxSupportedTransactionVersion: 0 });
    const parsedTx = parsed.transactions[0]!.transaction as unknown as { message: { instructions: unknown[] } };
    expect(parsedTx.message.instructions[0]).toMatchObject({
      program: 'system',
      parsed: { type: 'transfer', info: { lamports: 1_000_000 } },
    });
    const signatures = await connection.getBlockSignatures(first.slot);
    expect(signatures.signatures).toEqual([first.signature, second.signature]);
  });

  it('a v0 block without maxSupportedTransactionVersion, a future slot and a bad transactionDetails answer as a validator does', async () => {
    const { slot } = await sendV0(3_000_000);
    expect((await rpc(running.url, 'getBlock', [slot])).error).toMatchObject({ code: -32015 });
    const future = Number(running.chain.slot) + 10;
    expect((await rpc(running.url, 'getBlock', [future])).error).toEqual({
      code: -32004,
      message: `Block not available for slot ${future}`,
    });
    expect((await rpc(running.url, 'getBlock', [slot, { transactionDetails: 'everything' }])).error).toMatchObject({ code: -32602 });
  });

  it('getBlocks and getBlocksWithLimit list every slot up to the current one', async () => {
    const current = await connection.getSlot();
    expect(await connection.getBlocks(current - 3)).toEqual([current - 3, current - 2, current - 1, current]);
    expect(await connection.getBlocks(current - 3, current - 2)).toEqual([current - 3, current - 2]);
    expect((await rpc(running.url, 'getBlocksWithLimit', [current - 1, 5])).result).toEqual([current - 1, current]);
  });
});
