// Issue #19, item 7: jsonParsed for durable-nonce accounts and address lookup tables as a
// validator renders them (through web3.js's getParsedAccountInfo), and rentEpoch written as the
// exact integer u64::MAX, not the float JSON.stringify would make of it.
import {
  AddressLookupTableProgram,
  Keypair,
  NONCE_ACCOUNT_LENGTH,
  NonceAccount,
  SystemProgram,
  Transaction,
  type Connection,
  type ParsedAccountData,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmbeddedChain } from '../../src/chain/index.js';
import { startLocalnet } from './localnet-fixture.js';
import { postRaw } from './rpc-client.js';

let running: RunningEmbeddedChain;
let connection: Connection;
let payer: Keypair;

beforeAll(async () => {
  ({ running, connection, payer } = await startLocalnet());
});
afterAll(async () => {
  await running?.close();
});

describe('jsonParsed accounts and rentEpoch', () => {
  it('writes rentEpoch as 18446744073709551615 exactly', async () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'getAccountInfo',
      params: [payer.publicKey.toBase58(), { encoding: 'base64' }],
    });
    const { text } = await postRaw(running.url, body);
    expect(text).toContain('"rentEpoch":18446744073709551615');
    expect(text).not.toContain('18446744073709552000');
  });

  it('parses a durable-nonce account', async () => {
    const nonce = Keypair.generate();
    const lamports = await connection.getMinimumBalanceForRentExemption(NONCE_ACCOUNT_LENGTH);
    await connection.sendTransaction(
      new Transaction().add(
        ...SystemProgram.createNonceAccount({
          fromPubkey: payer.publicKey,
          noncePubkey: nonce.publicKey,
          authorizedPubkey: payer.publicKey,
          lamports,
        }).instructions,
      ),
      [payer, nonce],
    );
    const raw = await connection.getAccountInfo(nonce.publicKey);
    const parsed = (await connection.getParsedAccountInfo(nonce.publicKey)).value!.data as ParsedAccountData;
    expect(parsed).toEqual({
      program: 'nonce',
      parsed: {
        type: 'initialized',
        info: {
          authority: payer.publicKey.toBase58(),
          blockhash: NonceAccount.fromAccountData(raw!.data).nonce,
          feeCalculator: { lamportsPerSignature: '5000' },
        },
      },
      space: 80,
    });
  });

  it('parses an address lookup table', async () => {
    const recentSlot = await connection.getSlot();
    const [create, table] = AddressLookupTableProgram.createLookupTable({ authority: payer.publicKey, payer: payer.publicKey, recentSlot });
    const addresses = [Keypair.generate().publicKey, Keypair.generate().publicKey];
    const extend = AddressLookupTableProgram.extendLookupTable({
      lookupTable: table,
      authority: payer.publicKey,
      payer: payer.publicKey,
      addresses,
    });
    await connection.sendTransaction(new Transaction().add(create, extend), [payer]);
    const parsed = (await connection.getParsedAccountInfo(table)).value!.data as ParsedAccountData;
    expect(parsed).toEqual({
      program: 'address-lookup-table',
      parsed: {
        type: 'lookupTable',
        info: {
          addresses: addresses.map((a) => a.toBase58()),
          authority: payer.publicKey.toBase58(),
          deactivationSlot: '18446744073709551615',
          lastExtendedSlot: String(recentSlot),
          lastExtendedSlotStartIndex: 0,
        },
      },
      space: 56 + 64,
    });
  });
});
