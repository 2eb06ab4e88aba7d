// Issue #19, item 4: durable-nonce transactions as web3.js builds them land with and without
// preflight, advance the nonce, are confirmed by web3.js's nonce strategy, and a stale nonce is
// refused like an unknown blockhash.
import { Keypair, NONCE_ACCOUNT_LENGTH, NonceAccount, SystemProgram, Transaction, type Connection, type PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmbeddedChain } from '../../src/chain/index.js';
import { startLocalnet } from './localnet-fixture.js';
import { rpc } from './rpc-client.js';

let running: RunningEmbeddedChain;
let connection: Connection;
let payer: Keypair;
const nonceKeypair = Keypair.generate();

beforeAll(async () => {
  ({ running, connection, payer } = await startLocalnet());
  const lamports = await connection.getMinimumBalanceForRentExemption(NONCE_ACCOUNT_LENGTH);
  const create = new Transaction().add(
    ...SystemProgram.createNonceAccount({
      fromPubkey: payer.publicKey,
      noncePubkey: nonceKeypair.publicKey,
      authorizedPubkey: payer.publicKey,
      lamports,
    }).instructions,
  );
  await connection.sendTransaction(create, [payer, nonceKeypair]);
  running.chain.advanceSlots(1); // the stored nonce must differ from the next one
});
afterAll(async () => {
  await running?.close();
});

async function nonce(): Promise<string> {
  const info = await connection.getAccountInfo(nonceKeypair.publicKey);
  return NonceAccount.fromAccountData(info!.data).nonce;
}

function noncedTransfer(value: string, to: PublicKey, lamports: number): Transaction {
  const tx = new Transaction({
    feePayer: payer.publicKey,
    nonceInfo: {
      nonce: value,
      nonceInstruction: SystemProgram.nonceAdvance({ noncePubkey: nonceKeypair.publicKey, authorizedPubkey: payer.publicKey }),
    },
  });
  tx.add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports }));
  tx.sign(payer);
  return tx;
}

describe('durable nonce', () => {
  it('lands through preflight, advances the nonce and is confirmed by the nonce strategy', async () => {
    const before = await nonce();
    const to = Keypair.generate().publicKey;
    const tx = noncedTransfer(before, to, 2_000_000);
    const fee = await connection.getFeeForMessage(tx.compileMessage());
    expect(fee.value).toBe(5000);
    const slot = await connection.getSlot();
    const signature = await connection.sendRawTransaction(tx.serialize());
    const confirmed = await connection.confirmTransaction(
      { signature, minContextSlot: slot, nonceAccountPubkey: nonceKeypair.publicKey, nonceValue: before },
      'confirmed',
    );
    expect(confirmed.value.err).toBeNull();
    expect(await connection.getBalance(to)).toBe(2_000_000);
    expect(await nonce()).not.toBe(before);
  });

  it('lands with skipPreflight too', async () => {
    running.chain.advanceSlots(1);
    const to = Keypair.generate().publicKey;
    const signature = await connection.sendRawTransaction(noncedTransfer(await nonce(), to, 3_000_000).serialize(), {
      skipPreflight: true,
    });
    expect((await connection.getSignatureStatus(signature)).value?.err).toBeNull();
    expect(await connection.getBalance(to)).toBe(3_000_000);
  });

  it('refuses a used nonce as a validator refuses an unknown blockhash', async () => {
    running.chain.advanceSlots(1);
    const used = await nonce();
    await connection.sendRawTransaction(noncedTransfer(used, Keypair.generate().publicKey, 1_000_000).serialize());
    running.chain.advanceSlots(1);
    const again = noncedTransfer(used, Keypair.generate().publicKey, 1_000_001);
    const reply = await rpc(running.url, 'sendTransaction', [again.serialize().toString('base64'), { encoding: 'base64' }]);
    expect(reply.error).toMatchObject({ code: -32002, message: 'Transaction simulation failed: Blockhash not found' });
    expect((await rpc(running.url, 'getFeeForMessage', [again.compileMessage().serialize().toString('base64')])).result.value).toBeNull();
  });
});
