// Issue #19, item 3: the SlotHashes sysvar follows the slots, so address lookup tables can be
// created at a recent slot the way web3.js's docs do it (getSlot, then createLookupTable), used
// in a v0 transaction, and refused for a slot older than the 512 SlotHashes keeps.
import {
  AddressLookupTableProgram,
  Keypair,
  SYSVAR_SLOT_HASHES_PUBKEY,
  SystemProgram,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
  type Connection,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmbeddedChain } from '../../src/chain/index.js';
import { startLocalnet } from './localnet-fixture.js';

let running: RunningEmbeddedChain;
let connection: Connection;
let payer: Keypair;

beforeAll(async () => {
  ({ running, connection, payer } = await startLocalnet());
  running.chain.advanceSlots(600);
});
afterAll(async () => {
  await running?.close();
});

describe('SlotHashes and lookup tables', () => {
  it('SlotHashes holds the 512 most recent slots, newest first, up to the current slot', async () => {
    const slot = await connection.getSlot();
    const info = await connection.getAccountInfo(SYSVAR_SLOT_HASHES_PUBKEY);
    const data = info!.data;
    expect(data.readBigUInt64LE(0)).toBe(512n);
    expect(data.readBigUInt64LE(8)).toBe(BigInt(slot));
    expect(data.readBigUInt64LE(8 + 40)).toBe(BigInt(slot - 1));
    expect(data.readBigUInt64LE(8 + 511 * 40)).toBe(BigInt(slot - 511));
  });

  it('creates a table at getSlot(), extends it and sends a v0 transaction through it', async () => {
    const recentSlot = await connection.getSlot();
    const [create, table] = AddressLookupTableProgram.createLookupTable({ authority: payer.publicKey, payer: payer.publicKey, recentSlot });
    const recipients = Array.from({ length: 3 }, () => Keypair.generate().publicKey);
    const extend = AddressLookupTableProgram.extendLookupTable({
      lookupTable: table,
      authority: payer.publicKey,
      payer: payer.publicKey,
      addresses: recipients,
    });
    await connection.sendTransaction(new Transaction().add(create, extend), [payer]);
    running.chain.advanceSlots(1); // a table is usable from the slot after its extension
    const lookup = (await connection.getAddressLookupTable(table)).value!;
    expect(lookup.state.addresses.map((a) => a.toBase58())).toEqual(recipients.map((r) => r.toBase58()));
    const { blockhash } = await connection.getLatestBlockhash();
    const message = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: blockhash,
      instructions: recipients.map((to) => SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1_000_000 })),
    }).compileToV0Message([lookup]);
    expect(message.addressTableLookups).toHaveLength(1);
    const tx = new VersionedTransaction(message);
    tx.sign([payer]);
    const signature = await connection.sendTransaction(tx);
    const status = await connection.getSignatureStatus(signature);
    expect(status.value?.err).toBeNull();
    expect(await connection.getBalance(recipients[2]!)).toBe(1_000_000);
  });

  it('refuses a table whose recent slot fell out of SlotHashes, as a validator does', async () => {
    const old = (await connection.getSlot()) - 600;
    const [create] = AddressLookupTableProgram.createLookupTable({ authority: payer.publicKey, payer: payer.publicKey, recentSlot: old });
    const error = await connection.sendTransaction(new Transaction().add(create), [payer]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as { logs?: string[] }).logs ?? (error as Error).message)).toContain(`${old} is not a recent slot`);
  });
});
