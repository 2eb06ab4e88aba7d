// @solana/spl-token helpers end to end against the served embedded chain: mint, ATA, mintTo,
// approveChecked, a delegate's transferChecked (within and over the allowance), revoke, and
// the jsonParsed views a treasury reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Keypair,
  LAMPORTS_PER_SOL,
  SendTransactionError,
  Transaction,
  type Connection,
  type ParsedAccountData,
  PublicKey,
} from '@solana/web3.js';
import {
  TOKEN_PROGRAM_ID,
  approveChecked,
  createMint,
  createTransferCheckedInstruction,
  getAccount,
  getOrCreateAssociatedTokenAccount,
  mintTo,
  revoke,
  transferChecked,
} from '@solana/spl-token';
import { createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { rpc } from './rpc-client.js';

let running: RunningEmbeddedChain;
let connection: Connection;
const payer = Keypair.generate();
const treasury = Keypair.generate();
const agent = Keypair.generate();
const vendor = Keypair.generate();
let mint: PublicKey;
let treasuryAta: PublicKey;
let vendorAta: PublicKey;

beforeAll(async () => {
  running = await startEmbeddedChain({ slotMs: 50 });
  connection = createConnection(running.url, { commitment: 'confirmed' });
  const signature = await connection.requestAirdrop(payer.publicKey, 100 * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
  await connection.requestAirdrop(agent.publicKey, LAMPORTS_PER_SOL);
  mint = await createMint(connection, payer, payer.publicKey, null, 6);
  treasuryAta = (await getOrCreateAssociatedTokenAccount(connection, payer, mint, treasury.publicKey)).address;
  vendorAta = (await getOrCreateAssociatedTokenAccount(connection, payer, mint, vendor.publicKey)).address;
  await mintTo(connection, payer, mint, treasuryAta, payer, 1_000_000_000n);
});

afterAll(async () => {
  await running?.close();
});

describe('spl-token helpers against the embedded chain', () => {
  it('mints into the treasury ATA and reports balances exactly', async () => {
    const balance = await connection.getTokenAccountBalance(treasuryAta);
    expect(balance.value).toEqual({ amount: '1000000000', decimals: 6, uiAmount: 1000, uiAmountString: '1000' });
    const supply = await connection.getTokenSupply(mint);
    expect(supply.value.amount).toBe('1000000000');
  });

  it('lets a delegate spend within its allowance and refuses beyond it with the token program logs', async () => {
    await approveChecked(connection, payer, mint, treasuryAta, agent.publicKey, treasury, 250_000_000n, 6);
    const parsed = await connection.getParsedAccountInfo(treasuryAta);
    const info = (parsed.value?.data as ParsedAccountData).parsed.info;
    expect(info.delegate).toBe(agent.publicKey.toBase58());
    expect(info.delegatedAmount).toEqual({ amount: '250000000', decimals: 6, uiAmount: 250, uiAmountString: '250' });

    await transferChecked(connection, payer, treasuryAta, mint, vendorAta, agent, 100_000_000n, 6);
    expect((await getAccount(connection, vendorAta)).amount).toBe(100_000_000n);
    expect((await getAccount(connection, treasuryAta)).delegatedAmount).toBe(150_000_000n);

    const byDelegate = await rpc(running.url, 'getTokenAccountsByDelegate', [
      agent.publicKey.toBase58(),
      { programId: TOKEN_PROGRAM_ID.toBase58() },
      { encoding: 'base64' },
    ]);
    expect(byDelegate.result.value.map((a: { pubkey: string }) => a.pubkey)).toEqual([treasuryAta.toBase58()]);

    const over = new Transaction().add(createTransferCheckedInstruction(treasuryAta, mint, vendorAta, agent.publicKey, 200_000_000n, 6));
    const error = await connection.sendTransaction(over, [payer, agent]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendTransactionError);
    const sendError = error as SendTransactionError;
    expect(sendError.message).toContain('custom program error: 0x1');
    expect((sendError as unknown as { transactionError: { message: string } }).transactionError.message).toContain(
      'Error processing Instruction 0',
    );
    expect(sendError.logs?.join('\n')).toContain('Error: insufficient funds');
    // A failed preflight does not land: the vendor still holds what it had.
    expect((await getAccount(connection, vendorAta)).amount).toBe(100_000_000n);
  });

  it('revoke removes the delegate: the agent can no longer move funds', async () => {
    await revoke(connection, payer, treasuryAta, treasury);
    const account = await getAccount(connection, treasuryAta);
    expect(account.delegate).toBeNull();
    expect(account.delegatedAmount).toBe(0n);
    const attempt = transferChecked(connection, payer, treasuryAta, mint, vendorAta, agent, 1n, 6);
    await expect(attempt).rejects.toThrow(/custom program error: 0x4/);
    const byDelegate = await rpc(running.url, 'getTokenAccountsByDelegate', [agent.publicKey.toBase58(), { mint: mint.toBase58() }]);
    expect(byDelegate.result.value).toEqual([]);
  });

  it('lists token accounts by owner in jsonParsed with the RPC shape', async () => {
    const owned = await connection.getParsedTokenAccountsByOwner(vendor.publicKey, { mint });
    expect(owned.value).toHaveLength(1);
    const data = owned.value[0]?.account.data as ParsedAccountData;
    expect(data.program).toBe('spl-token');
    expect(data.space).toBe(165);
    expect(data.parsed).toEqual({
      type: 'account',
      info: {
        isNative: false,
        mint: mint.toBase58(),
        owner: vendor.publicKey.toBase58(),
        state: 'initialized',
        tokenAmount: { amount: '100000000', decimals: 6, uiAmount: 100, uiAmountString: '100' },
      },
    });
    const parsedMint = await connection.getParsedAccountInfo(mint);
    expect((parsedMint.value?.data as ParsedAccountData).parsed).toEqual({
      type: 'mint',
      info: { decimals: 6, freezeAuthority: null, isInitialized: true, mintAuthority: payer.publicKey.toBase58(), supply: '1000000000' },
    });
  });
});
