// Issue #19, item 2: transactions with cross-program calls come back in shapes web3.js accepts
// (it validates every response), and System, SPL Token, Memo and ATA instructions are parsed
// as a validator's jsonParsed renders them; other programs stay partially decoded.
import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  createAssociatedTokenAccountInstruction,
  createMint,
  createTransferCheckedInstruction,
  getAssociatedTokenAddressSync,
  mintTo,
} from '@solana/spl-token';
import {
  ComputeBudgetProgram,
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
  type Connection,
  type ParsedInstruction,
  type PartiallyDecodedInstruction,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmbeddedChain } from '../../src/chain/index.js';
import { startLocalnet } from './localnet-fixture.js';

const MEMO = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');
let running: RunningEmbeddedChain;
let connection: Connection;
let payer: Keypair;
const wallet = Keypair.generate().publicKey;
let mint: PublicKey;
let source: PublicKey;

beforeAll(async () => {
  ({ running, connection, payer } = await startLocalnet());
  mint = await createMint(connection, payer, payer.publicKey, null, 6);
  source = getAssociatedTokenAddressSync(mint, payer.publicKey);
  const tx = new Transaction().add(createAssociatedTokenAccountInstruction(payer.publicKey, source, payer.publicKey, mint));
  await connection.sendTransaction(tx, [payer]);
  await mintTo(connection, payer, mint, source, payer, 10_000_000n);
});
afterAll(async () => {
  await running?.close();
});

/** A transaction with a compute budget, a SOL transfer, an ATA creation (CPIs), a checked token transfer and a memo. */
function instructions(): TransactionInstruction[] {
  const destination = getAssociatedTokenAddressSync(mint, wallet);
  return [
    ComputeBudgetProgram.setComputeUnitLimit({ units: 300_000 }),
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: wallet, lamports: 2_000_000 }),
    createAssociatedTokenAccountInstruction(payer.publicKey, destination, wallet, mint),
    createTransferCheckedInstruction(source, mint, destination, payer.publicKey, 1_500_000n, 6),
    new TransactionInstruction({ programId: MEMO, keys: [], data: Buffer.from('steward: parsed ✓') }),
  ];
}

const isParsed = (ix: ParsedInstruction | PartiallyDecodedInstruction): ix is ParsedInstruction => 'parsed' in ix;

describe('jsonParsed transactions through web3.js', () => {
  it('getParsedTransaction accepts a transaction with cross-program calls and parses every known program', async () => {
    const signature = await connection.sendTransaction(new Transaction().add(...instructions()), [payer]);
    const parsed = await connection.getParsedTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(parsed).not.toBeNull();
    const outer = parsed!.transaction.message.instructions;
    const destination = getAssociatedTokenAddressSync(mint, wallet).toBase58();
    expect(outer[0]).toEqual({ programId: ComputeBudgetProgram.programId, accounts: [], data: expect.any(String), stackHeight: null });
    expect(outer[1]).toEqual({
      program: 'system',
      programId: SystemProgram.programId,
      parsed: { type: 'transfer', info: { source: payer.publicKey.toBase58(), destination: wallet.toBase58(), lamports: 2_000_000 } },
      stackHeight: null,
    });
    expect(outer[2]).toMatchObject({
      program: 'spl-associated-token-account',
      parsed: {
        type: 'create',
        info: { account: destination, wallet: wallet.toBase58(), mint: mint.toBase58(), source: payer.publicKey.toBase58() },
      },
    });
    expect(outer[3]).toMatchObject({
      program: 'spl-token',
      parsed: {
        type: 'transferChecked',
        info: {
          source: source.toBase58(),
          mint: mint.toBase58(),
          destination,
          authority: payer.publicKey.toBase58(),
          tokenAmount: { amount: '1500000', decimals: 6, uiAmount: 1.5, uiAmountString: '1.5' },
        },
      },
    });
    expect(outer[4]).toMatchObject({ program: 'spl-memo', parsed: 'steward: parsed ✓' });

    // The ATA program's CPIs, parsed, with their stack heights.
    const inner = parsed!.meta!.innerInstructions!;
    expect(inner.map((set) => set.index)).toEqual([2]);
    const calls = inner[0]!.instructions.map((ix) => (isParsed(ix) ? `${ix.program}:${ix.parsed.type}` : ix.programId.toBase58()));
    expect(calls).toEqual([
      'spl-token:getAccountDataSize',
      'system:createAccount',
      'spl-token:initializeImmutableOwner',
      'spl-token:initializeAccount3',
    ]);
    const create = inner[0]!.instructions[1] as ParsedInstruction & { stackHeight?: number };
    expect(create.parsed.info).toMatchObject({
      source: payer.publicKey.toBase58(),
      newAccount: destination,
      owner: TOKEN_PROGRAM_ID.toBase58(),
      space: 165,
    });
    expect(create.stackHeight).toBe(2);
  });

  it('getTransaction (json) keeps compiled inner instructions that index the account keys', async () => {
    const owner = Keypair.generate().publicKey;
    const create = createAssociatedTokenAccountInstruction(payer.publicKey, getAssociatedTokenAddressSync(mint, owner), owner, mint);
    const signature = await connection.sendTransaction(new Transaction().add(create), [payer]);
    const tx = await connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    const keys = tx!.transaction.message.staticAccountKeys.map((k) => k.toBase58());
    const inner = tx!.meta!.innerInstructions![0]!.instructions;
    expect(inner.map((ix) => keys[ix.programIdIndex])).toEqual([
      TOKEN_PROGRAM_ID.toBase58(),
      SystemProgram.programId.toBase58(),
      TOKEN_PROGRAM_ID.toBase58(),
      TOKEN_PROGRAM_ID.toBase58(),
    ]);
  });

  it('simulateTransaction with innerInstructions returns parsed inner instructions web3.js accepts', async () => {
    const other = Keypair.generate().publicKey;
    const { blockhash } = await connection.getLatestBlockhash();
    const message = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: blockhash,
      instructions: [
        createAssociatedTokenAccountInstruction(
          payer.publicKey,
          getAssociatedTokenAddressSync(mint, other),
          other,
          mint,
          TOKEN_PROGRAM_ID,
          ASSOCIATED_TOKEN_PROGRAM_ID,
        ),
      ],
    }).compileToV0Message();
    const tx = new VersionedTransaction(message);
    tx.sign([payer]);
    const result = await connection.simulateTransaction(tx, { innerInstructions: true, commitment: 'confirmed' });
    expect(result.value.err).toBeNull();
    const inner = result.value.innerInstructions!;
    expect(inner[0]!.index).toBe(0);
    expect(inner[0]!.instructions.map((ix) => (isParsed(ix) ? ix.parsed.type : '?'))).toEqual([
      'getAccountDataSize',
      'createAccount',
      'initializeImmutableOwner',
      'initializeAccount3',
    ]);
  });
});
