// The account index behind getProgramAccounts and the by-owner queries: after a sequence of
// creates, transfers and closes, filtered scans return exactly the live accounts; Token-2022
// accounts with extensions parse in jsonParsed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  Transaction,
  sendAndConfirmTransaction,
  type Connection,
  type ParsedAccountData,
} from '@solana/web3.js';
import {
  ExtensionType,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  closeAccount,
  createAccount,
  createInitializeMintInstruction,
  createInitializePermanentDelegateInstruction,
  createInitializeTransferFeeConfigInstruction,
  createMint,
  getMintLen,
  mintTo,
  transfer,
} from '@solana/spl-token';
import { createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { rpc } from './rpc-client.js';

let running: RunningEmbeddedChain;
let connection: Connection;
const payer = Keypair.generate();
const alice = Keypair.generate();
const bob = Keypair.generate();

beforeAll(async () => {
  running = await startEmbeddedChain({ autoAdvance: false });
  connection = createConnection(running.url, { commitment: 'confirmed' });
  running.chain.airdrop(payer.publicKey, 100n * BigInt(LAMPORTS_PER_SOL));
});

afterAll(async () => {
  await running?.close();
});

const sorted = (keys: (PublicKey | string)[]) => keys.map((k) => k.toString()).sort();

describe('getProgramAccounts over the account index', () => {
  it('returns exactly the live accounts after creates, transfers and closes', async () => {
    const mintA = await createMint(connection, payer, payer.publicKey, null, 0);
    const mintB = await createMint(connection, payer, payer.publicKey, null, 0);
    const a1 = await createAccount(connection, payer, mintA, alice.publicKey, Keypair.generate());
    const a2 = await createAccount(connection, payer, mintA, bob.publicKey, Keypair.generate());
    const a3 = await createAccount(connection, payer, mintA, alice.publicKey, Keypair.generate());
    const b1 = await createAccount(connection, payer, mintB, alice.publicKey, Keypair.generate());
    await mintTo(connection, payer, mintA, a1, payer, 10n);
    await transfer(connection, payer, a1, a2, alice, 10n);
    await closeAccount(connection, payer, a3, payer.publicKey, alice);
    await closeAccount(connection, payer, a1, payer.publicKey, alice);

    const ofMintA = await connection.getProgramAccounts(TOKEN_PROGRAM_ID, {
      filters: [{ dataSize: 165 }, { memcmp: { offset: 0, bytes: mintA.toBase58() } }],
    });
    expect(sorted(ofMintA.map((a) => a.pubkey))).toEqual(sorted([a2]));
    const alices = await connection.getProgramAccounts(TOKEN_PROGRAM_ID, {
      filters: [{ dataSize: 165 }, { memcmp: { offset: 32, bytes: alice.publicKey.toBase58() } }],
    });
    expect(sorted(alices.map((a) => a.pubkey))).toEqual(sorted([b1]));
    const mints = await connection.getProgramAccounts(TOKEN_PROGRAM_ID, { filters: [{ dataSize: 82 }] });
    expect(sorted(mints.map((a) => a.pubkey))).toEqual(sorted([mintA, mintB]));
    const byOwner = await connection.getTokenAccountsByOwner(alice.publicKey, { programId: TOKEN_PROGRAM_ID });
    expect(sorted(byOwner.value.map((a) => a.pubkey))).toEqual(sorted([b1]));
    expect(await connection.getAccountInfo(a1)).toBeNull();

    const withContext = await rpc(running.url, 'getProgramAccounts', [
      TOKEN_PROGRAM_ID.toBase58(),
      {
        encoding: 'base64',
        withContext: true,
        dataSlice: { offset: 64, length: 8 },
        filters: [{ memcmp: { offset: 0, bytes: mintA.toBase58() } }],
      },
    ]);
    expect(withContext.result.context.slot).toEqual(expect.any(Number));
    expect(withContext.result.value).toEqual([
      {
        pubkey: a2.toBase58(),
        account: expect.objectContaining({ data: [Buffer.from([10, 0, 0, 0, 0, 0, 0, 0]).toString('base64'), 'base64'], space: 165 }),
      },
    ]);
    const base64Filter = await rpc(running.url, 'getProgramAccounts', [
      TOKEN_PROGRAM_ID.toBase58(),
      { encoding: 'base64', filters: [{ memcmp: { offset: 32, bytes: bob.publicKey.toBuffer().toString('base64'), encoding: 'base64' } }] },
    ]);
    expect(base64Filter.result.map((a: { pubkey: string }) => a.pubkey)).toEqual([a2.toBase58()]);
  });

  it('finds accounts injected through the ChainWriter', async () => {
    const owner = Keypair.generate().publicKey;
    const injected = Keypair.generate().publicKey;
    running.chain.setAccount(injected, { lamports: 1_000_000n, data: new Uint8Array([1, 2, 3]), owner });
    const found = await connection.getProgramAccounts(owner);
    expect(found.map((a) => a.pubkey.toBase58())).toEqual([injected.toBase58()]);
    expect([...(found[0]?.account.data ?? [])]).toEqual([1, 2, 3]);
  });
});

describe('Token-2022 in jsonParsed', () => {
  it('parses a mint with transfer-fee and permanent-delegate extensions', async () => {
    const mint = Keypair.generate();
    const delegate = Keypair.generate().publicKey;
    const extensions = [ExtensionType.TransferFeeConfig, ExtensionType.PermanentDelegate];
    const space = getMintLen(extensions);
    const lamports = await connection.getMinimumBalanceForRentExemption(space);
    const tx = new Transaction().add(
      SystemProgram.createAccount({
        fromPubkey: payer.publicKey,
        newAccountPubkey: mint.publicKey,
        space,
        lamports,
        programId: TOKEN_2022_PROGRAM_ID,
      }),
      createInitializeTransferFeeConfigInstruction(mint.publicKey, payer.publicKey, payer.publicKey, 50, 5000n, TOKEN_2022_PROGRAM_ID),
      createInitializePermanentDelegateInstruction(mint.publicKey, delegate, TOKEN_2022_PROGRAM_ID),
      createInitializeMintInstruction(mint.publicKey, 6, payer.publicKey, null, TOKEN_2022_PROGRAM_ID),
    );
    await sendAndConfirmTransaction(connection, tx, [payer, mint]);
    const parsed = await connection.getParsedAccountInfo(mint.publicKey);
    const data = parsed.value?.data as ParsedAccountData;
    expect(data.program).toBe('spl-token-2022');
    expect(data.parsed.type).toBe('mint');
    expect(data.parsed.info).toMatchObject({ decimals: 6, supply: '0', mintAuthority: payer.publicKey.toBase58(), isInitialized: true });
    expect(data.parsed.info.extensions).toEqual([
      {
        extension: 'transferFeeConfig',
        state: {
          transferFeeConfigAuthority: payer.publicKey.toBase58(),
          withdrawWithheldAuthority: payer.publicKey.toBase58(),
          withheldAmount: 0,
          olderTransferFee: { epoch: 0, maximumFee: 5000, transferFeeBasisPoints: 50 },
          newerTransferFee: { epoch: 0, maximumFee: 5000, transferFeeBasisPoints: 50 },
        },
      },
      { extension: 'permanentDelegate', state: { delegate: delegate.toBase58() } },
    ]);
    const supply = await connection.getTokenSupply(mint.publicKey);
    expect(supply.value).toEqual({ amount: '0', decimals: 6, uiAmount: 0, uiAmountString: '0' });
    const account = await createAccount(
      connection,
      payer,
      mint.publicKey,
      alice.publicKey,
      Keypair.generate(),
      undefined,
      TOKEN_2022_PROGRAM_ID,
    );
    const owned = await connection.getParsedTokenAccountsByOwner(alice.publicKey, { programId: TOKEN_2022_PROGRAM_ID });
    expect(owned.value.map((a) => a.pubkey.toBase58())).toEqual([account.toBase58()]);
    const info = (owned.value[0]?.account.data as ParsedAccountData).parsed.info;
    expect(info.extensions).toEqual([{ extension: 'transferFeeAmount', state: { withheldAmount: 0 } }]);
  });
});
