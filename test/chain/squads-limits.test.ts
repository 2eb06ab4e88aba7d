// Squads v4 spending limits on the real program (../shared/programs in CI): the multisig created
// by multisig_create_v2, limits added by a config transaction its members approve and execute,
// the agent's transfer through spending_limit_use, and what the program itself refuses with
// every off-chain check out of the way: more than the remaining amount, a destination off the
// list, a key the limit does not name. Also the two facts Steward's drift check rests on,
// established on the deployed binary: periods reset at fixed times (2× a Day limit inside one
// rolling 24 hours), and a key removed from the multisig keeps using a limit that lists it.
// SOL too: a limit on the default key pays the vault's lamports.
import { createAssociatedTokenAccountIdempotentInstruction, getAssociatedTokenAddressSync, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { Keypair, PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SQUADS_PROGRAM_ID,
  memberChange,
  readSquadsTreasury,
  remainingAt,
  spendingLimitAddress,
  spendingLimitUseInstruction,
  worstCaseInWindow,
  type SquadsSpendingLimit,
} from '../../src/squads/index.js';
import { defaultRetryOptions } from '../../src/chain/index.js';
import { policySchema } from '../../src/config/schemas/policy.js';
import { readAllowanceNow } from '../../src/execute/allowance-now.js';
import { buildTransfer } from '../../src/execute/builders/transfer.js';
import type { BuildContext } from '../../src/execute/builders/types.js';
import { compilePolicy } from '../../src/policy/index.js';
import { NO_SQUADS_PROGRAM, squadsProgram } from '../helpers/programs.js';
import { SQUADS_DECIMALS, startSquadsChain, type SquadsChain } from './squads-fixture.js';

const USDC = (n: number) => BigInt(Math.round(n * 1_000_000));

describe.skipIf(!squadsProgram)(`Squads v4 spending limits on the real program ${NO_SQUADS_PROGRAM}`, () => {
  let sq: SquadsChain;
  beforeAll(async () => {
    sq = await startSquadsChain();
  }, 120_000);
  afterAll(async () => {
    await sq?.close();
  });

  const limitKey = () => Keypair.generate().publicKey;
  const spend = (limit: PublicKey, member: Keypair, to: PublicKey, amount: bigint, symbol: 'USDC' | 'JUP' = 'USDC') => {
    const mint = sq.mints[symbol];
    const destinationTokenAccount = getAssociatedTokenAddressSync(mint, to, true);
    return sq.trySend(
      [member],
      [
        createAssociatedTokenAccountIdempotentInstruction(member.publicKey, destinationTokenAccount, to, mint),
        spendingLimitUseInstruction({
          multisig: sq.multisig,
          member: member.publicKey,
          spendingLimit: limit,
          vault: sq.vault,
          destination: to,
          amount,
          decimals: SQUADS_DECIMALS[symbol],
          token: { mint, vaultTokenAccount: sq.vaultAccounts[symbol], destinationTokenAccount, tokenProgram: TOKEN_PROGRAM_ID },
          memo: 'steward:test',
        }),
      ],
    );
  };
  const limitOf = async (address: PublicKey): Promise<SquadsSpendingLimit> => {
    const state = await readSquadsTreasury(sq.connection, { multisig: sq.multisig, vaultIndex: 0 });
    const limit = state.spendingLimits.find((l) => l.address === address.toBase58());
    if (!limit) throw new Error(`no limit ${address.toBase58()}`);
    return limit;
  };
  const buildContext = (policy: BuildContext['policy'], treasury: string[]): BuildContext => ({
    connection: sq.connection,
    endpoint: sq.chain.url,
    agent: sq.agent.publicKey,
    policy,
    context: { now: Date.now(), prices: {}, spent: {}, balances: {}, treasuryAddresses: new Set(treasury), paused: false },
    retry: defaultRetryOptions,
    jupiter: { baseUrl: 'http://127.0.0.1:9', fetch: () => Promise.reject(new Error('not used')) },
    squadsMultisig: sq.multisig.toBase58(),
    solFeeReserveLamports: 0n,
  });
  const programError = (result: Awaited<ReturnType<SquadsChain['trySend']>>) =>
    result.ok ? 'landed' : (result.logs.join('\n').match(/Error Code: (\w+)/)?.[1] ?? result.message);

  it('reads the multisig the real instruction created: members, threshold, time lock, autonomous', async () => {
    const info = await sq.connection.getAccountInfo(sq.multisig);
    expect(info?.owner.equals(SQUADS_PROGRAM_ID)).toBe(true);
    const state = await readSquadsTreasury(sq.connection, { multisig: sq.multisig, vaultIndex: 0 });
    expect(state.threshold).toBe(2);
    expect(state.timeLockSeconds).toBe(0);
    expect(state.configAuthority).toBeNull();
    expect(state.vault).toBe(sq.vault.toBase58());
    expect(state.members.map((m) => m.key).sort()).toEqual(
      Object.values(sq.members)
        .map((k) => k.publicKey.toBase58())
        .sort(),
    );
    expect(state.members.every((m) => m.initiate && m.vote && m.execute)).toBe(true);
    expect(state.spendingLimits).toEqual([]);
  });

  it('adds limits by a config transaction; the agent spends through spending_limit_use; the program refuses the rest', async () => {
    const usdcKey = limitKey();
    const jupKey = limitKey();
    await sq.configure([
      {
        kind: 'add',
        limit: {
          createKey: usdcKey,
          vaultIndex: 0,
          mint: sq.mints.USDC.toBase58(),
          amount: USDC(100),
          period: 'Day',
          members: [sq.agent.publicKey],
          destinations: [sq.grantee.publicKey],
        },
      },
      {
        kind: 'add',
        limit: {
          createKey: jupKey,
          vaultIndex: 0,
          mint: sq.mints.JUP.toBase58(),
          amount: USDC(1_000),
          period: 'Week',
          members: [sq.agent.publicKey],
          destinations: [],
        },
      },
    ]);
    const usdcLimit = spendingLimitAddress(sq.multisig, usdcKey);
    const limit = await limitOf(usdcLimit);
    expect(limit).toMatchObject({
      amount: USDC(100),
      remainingAmount: USDC(100),
      period: 'Day',
      members: [sq.agent.publicKey.toBase58()],
      destinations: [sq.grantee.publicKey.toBase58()],
      mint: sq.mints.USDC.toBase58(),
    });
    expect((await limitOf(spendingLimitAddress(sq.multisig, jupKey))).period).toBe('Week');

    const before = await sq.tokenBalance(sq.vaultAccounts.USDC);
    expect(programError(await spend(usdcLimit, sq.agent, sq.grantee.publicKey, USDC(60)))).toBe('landed');
    expect(await sq.tokenBalance(getAssociatedTokenAddressSync(sq.mints.USDC, sq.grantee.publicKey))).toBe(USDC(60));
    expect(await sq.tokenBalance(sq.vaultAccounts.USDC)).toBe(before - USDC(60));
    expect((await limitOf(usdcLimit)).remainingAmount).toBe(USDC(40));

    // The program's own refusals, with no Steward check in the way.
    expect(programError(await spend(usdcLimit, sq.agent, sq.grantee.publicKey, USDC(50)))).toBe('SpendingLimitExceeded');
    expect(programError(await spend(usdcLimit, sq.agent, Keypair.generate().publicKey, USDC(1)))).toBe('InvalidDestination');
    expect(programError(await spend(usdcLimit, sq.members.carol, sq.grantee.publicKey, USDC(1)))).toBe('Unauthorized');
    expect(await sq.tokenBalance(sq.vaultAccounts.USDC)).toBe(before - USDC(60));
    expect((await limitOf(usdcLimit)).remainingAmount).toBe(USDC(40));
    // An empty destination list pays anyone.
    expect(
      programError(await spend(spendingLimitAddress(sq.multisig, jupKey), sq.agent, Keypair.generate().publicKey, USDC(10), 'JUP')),
    ).toBe('landed');
  }, 120_000);

  it('resets at fixed times from last_reset, not over a rolling window: 2× a Day limit inside one rolling 24 hours', async () => {
    const key = limitKey();
    await sq.configure([
      {
        kind: 'add',
        limit: {
          createKey: key,
          vaultIndex: 0,
          mint: sq.mints.USDC.toBase58(),
          amount: USDC(10),
          period: 'Day',
          members: [sq.agent.publicKey],
          destinations: [],
        },
      },
    ]);
    const address = spendingLimitAddress(sq.multisig, key);
    const created = await limitOf(address);
    const now = (await readSquadsTreasury(sq.connection, { multisig: sq.multisig, vaultIndex: 0 })).chainTime;
    // 30 s before the period ends: the whole amount, then nothing more.
    await sq.advanceSeconds(Number(created.lastReset + 86_400n - 30n - now));
    const to = Keypair.generate().publicKey;
    expect(programError(await spend(address, sq.agent, to, USDC(10)))).toBe('landed');
    expect(programError(await spend(address, sq.agent, to, USDC(1)))).toBe('SpendingLimitExceeded');
    // A minute later the period has passed: the whole amount again.
    await sq.advanceSeconds(60);
    const state = await readSquadsTreasury(sq.connection, { multisig: sq.multisig, vaultIndex: 0 });
    const stored = state.spendingLimits.find((l) => l.address === address.toBase58())!;
    expect(stored.remainingAmount).toBe(0n);
    expect(remainingAt(stored, state.chainTime)).toBe(USDC(10));
    expect(programError(await spend(address, sq.agent, to, USDC(10)))).toBe('landed');
    expect(await sq.tokenBalance(getAssociatedTokenAddressSync(sq.mints.USDC, to))).toBe(USDC(20));
    // 20 USDC within about 90 seconds: what the worst-case arithmetic says a rolling 24 h allows.
    expect(worstCaseInWindow(stored, 86_400n)).toBe(USDC(20));
    expect((await limitOf(address)).lastReset).toBe(created.lastReset + 86_400n);
  }, 120_000);

  it("the executor's transfer builder finds the agent's limit and builds spending_limit_use; it lands, and what remains bounds the next one before signing", async () => {
    const key = limitKey();
    const payee = Keypair.generate().publicKey;
    // Only this test's JUP limit: the earlier one (any destination) goes first, in its own config transaction.
    const earlier = (await readSquadsTreasury(sq.connection, { multisig: sq.multisig, vaultIndex: 0 })).spendingLimits.filter(
      (l) => l.mint === sq.mints.JUP.toBase58(),
    );
    await sq.configure(earlier.map((l) => ({ kind: 'remove' as const, spendingLimit: new PublicKey(l.address) })));
    await sq.configure([
      {
        kind: 'add',
        limit: {
          createKey: key,
          vaultIndex: 0,
          mint: sq.mints.JUP.toBase58(),
          amount: USDC(30),
          period: 'Week',
          members: [sq.agent.publicKey],
          destinations: [payee],
        },
      },
    ]);
    const policy = compilePolicy(
      policySchema.parse({
        name: 'p',
        tokens: { JUP: { mint: sq.mints.JUP.toBase58(), decimals: 6 } },
        allow: { actions: ['transfer'], destinations: [payee.toBase58()] },
      }),
    );
    const token = policy.tokens.get('JUP')!;
    const ctx = buildContext(policy, [sq.vault.toBase58(), sq.vaultAccounts.JUP.toBase58()]);
    const transfer = (amount: bigint, to = payee) =>
      buildTransfer(
        {
          kind: 'transfer',
          token,
          amount,
          to: to.toBase58() as never,
          internal: false,
          memo: undefined,
          outflow: { token, amount } as never,
          reason: undefined,
        },
        ctx,
      );
    const built = await transfer(USDC(20));
    if (built.kind !== 'instructions') throw new Error(JSON.stringify(built));
    expect(built.allowance).toMatchObject({
      account: spendingLimitAddress(sq.multisig, key).toBase58(),
      needed: USDC(20),
      remaining: USDC(30),
    });
    expect(built.instructions.at(-1)!.programId.equals(SQUADS_PROGRAM_ID)).toBe(true);
    expect(programError(await sq.trySend([sq.agent], built.instructions))).toBe('landed');
    expect(await sq.tokenBalance(getAssociatedTokenAddressSync(sq.mints.JUP, payee))).toBe(USDC(20));
    // The next one: the builder and the re-read before signing both say 10 remain, so 15 is refused before signing.
    const next = await transfer(USDC(15));
    if (next.kind !== 'instructions') throw new Error(JSON.stringify(next));
    expect(next.allowance!.remaining).toBe(USDC(10));
    expect(
      await readAllowanceNow(
        { connection: sq.connection, endpoint: sq.chain.url, retry: defaultRetryOptions },
        sq.agent.publicKey,
        next.allowance!,
        0n,
      ),
    ).toBe(USDC(10));
    // And, with that check out of the way, the program refuses it itself.
    expect(programError(await sq.trySend([sq.agent], next.instructions))).toBe('SpendingLimitExceeded');
    // A destination the limit does not list is refused when building.
    const elsewhere = await transfer(USDC(1), Keypair.generate().publicKey);
    expect(elsewhere.kind).toBe('refused');
  }, 120_000);

  it('SOL from the vault: a limit on the default key; the builder spends through it instead of the agent float, and the program refuses more than remains', async () => {
    const SOL = (n: number) => BigInt(n) * 1_000_000_000n;
    await sq.connection.confirmTransaction(await sq.connection.requestAirdrop(sq.vault, Number(SOL(10))), 'confirmed');
    const key = limitKey();
    const payee = Keypair.generate().publicKey;
    await sq.configure([
      {
        kind: 'add',
        limit: {
          createKey: key,
          vaultIndex: 0,
          mint: 'native',
          amount: SOL(3),
          period: 'Day',
          members: [sq.agent.publicKey],
          destinations: [payee],
        },
      },
    ]);
    const limit = await limitOf(spendingLimitAddress(sq.multisig, key));
    expect(limit).toMatchObject({ mint: 'native', amount: SOL(3) });
    const policy = compilePolicy(
      policySchema.parse({
        name: 'p',
        tokens: { SOL: { mint: 'native', decimals: 9 } },
        allow: { actions: ['transfer'], destinations: [payee.toBase58()] },
      }),
    );
    const token = policy.tokens.get('SOL')!;
    const ctx = buildContext(policy, [sq.vault.toBase58()]);
    const transfer = (amount: bigint) =>
      buildTransfer(
        {
          kind: 'transfer',
          token,
          amount,
          to: payee.toBase58() as never,
          internal: false,
          memo: undefined,
          outflow: { token, amount } as never,
          reason: undefined,
        },
        ctx,
      );
    const agentBefore = BigInt(await sq.connection.getBalance(sq.agent.publicKey, 'confirmed'));
    const built = await transfer(SOL(2));
    if (built.kind !== 'instructions') throw new Error(JSON.stringify(built));
    expect(built.allowance).toMatchObject({ account: limit.address, needed: SOL(2), remaining: SOL(3) });
    expect(built.instructions).toHaveLength(1);
    expect(built.instructions[0]!.programId.equals(SQUADS_PROGRAM_ID)).toBe(true);
    expect(programError(await sq.trySend([sq.agent], built.instructions))).toBe('landed');
    expect(BigInt(await sq.connection.getBalance(payee, 'confirmed'))).toBe(SOL(2));
    // The vault paid; the agent paid only the fee.
    expect(agentBefore - BigInt(await sq.connection.getBalance(sq.agent.publicKey, 'confirmed'))).toBeLessThan(1_000_000n);
    // 1.5 SOL (not the same 2 SOL: an identical transaction under the same blockhash would be a duplicate, not a spend).
    const next = await transfer(SOL(1) + 500_000_000n);
    if (next.kind !== 'instructions') throw new Error(JSON.stringify(next));
    expect(next.allowance!.remaining).toBe(SOL(1));
    expect(
      await readAllowanceNow(
        { connection: sq.connection, endpoint: sq.chain.url, retry: defaultRetryOptions },
        sq.agent.publicKey,
        next.allowance!,
        0n,
      ),
    ).toBe(SOL(1));
    expect(programError(await sq.trySend([sq.agent], next.instructions))).toBe('SpendingLimitExceeded');
    // Without a SOL limit for the agent, SOL is still paid from its own float.
    const other = buildContext(policy, [Keypair.generate().publicKey.toBase58()]);
    const float = await buildTransfer(
      {
        kind: 'transfer',
        token,
        amount: SOL(1),
        to: payee.toBase58() as never,
        internal: false,
        memo: undefined,
        outflow: { token, amount: SOL(1) } as never,
        reason: undefined,
      },
      other,
    );
    if (float.kind !== 'instructions') throw new Error(JSON.stringify(float));
    expect(float.allowance!.account).toBe(sq.agent.publicKey.toBase58());
  }, 120_000);

  it('a key removed from the multisig keeps using a spending limit that lists it (the deployed binary)', async () => {
    const key = limitKey();
    const carol = sq.members.carol;
    await sq.configure([
      {
        kind: 'add',
        limit: {
          createKey: key,
          vaultIndex: 0,
          mint: sq.mints.USDC.toBase58(),
          amount: USDC(5),
          period: 'Day',
          members: [sq.agent.publicKey, carol.publicKey],
          destinations: [],
        },
      },
    ]);
    await sq.configure([{ kind: 'config', action: memberChange({ kind: 'remove', key: carol.publicKey }) }]);
    const state = await readSquadsTreasury(sq.connection, { multisig: sq.multisig, vaultIndex: 0 });
    expect(state.members.map((m) => m.key)).not.toContain(carol.publicKey.toBase58());
    const limit = state.spendingLimits.find((l) => l.createKey === key.toBase58())!;
    expect(limit.members).toContain(carol.publicKey.toBase58());
    expect(programError(await spend(new PublicKey(limit.address), carol, Keypair.generate().publicKey, USDC(5)))).toBe('landed');
  }, 120_000);
});
