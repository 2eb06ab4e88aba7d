// The demo DAO's Squads vault, on the real Squads v4 program (../shared/programs in CI): a
// `steward localnet --demo` child loads the program as it loads SPL Governance, and the seed
// creates the multisig, funds the vault and adds the agent's USDC spending limit through the
// program. The agent's transfer to the grantee lands through the limit; one above what remains
// is refused by the program itself (every off-chain check out of the way); `steward allowance`
// with an agent file naming the vault reads the limit and finds no drift from the demo policy.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAssociatedTokenAddressSync } from '@solana/spl-token';
import { Connection, SendTransactionError, Transaction, type TransactionInstruction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRetryOptions, spawnEmbeddedChain, type EmbeddedChainChild } from '../../src/chain/index.js';
import { policySchema } from '../../src/config/schemas/policy.js';
import { DEMO, DEMO_SQUADS, DEMO_SQUADS_ADDRESSES, demoKeypair, describeSquadsMode } from '../../src/demo/index.js';
import { buildTransfer } from '../../src/execute/builders/transfer.js';
import type { BuildContext } from '../../src/execute/builders/types.js';
import { compilePolicy } from '../../src/policy/index.js';
import { SQUADS_PROGRAM_ID, readSquadsTreasury } from '../../src/squads/index.js';
import { runCli } from '../helpers/cli.js';
import { NO_SQUADS_PROGRAM, squadsProgram } from '../helpers/programs.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = join(import.meta.dirname, '../..');
const USDC = (n: number) => BigInt(n) * 1_000_000n;

describe.skipIf(!squadsProgram)(`the demo DAO's Squads vault ${NO_SQUADS_PROGRAM}`, () => {
  let chain: EmbeddedChainChild;
  let connection: Connection;
  beforeAll(async () => {
    // STEWARD_PROGRAMS_DIR (or the cache) supplies both demo programs, as for `steward demo`.
    chain = await spawnEmbeddedChain({ demo: true });
    connection = new Connection(chain.url, 'confirmed');
  }, 120_000);
  afterAll(async () => {
    await chain?.close();
  });

  const agent = demoKeypair('agent');
  const send = async (instructions: TransactionInstruction[]) => {
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash('confirmed');
    const tx = new Transaction({ feePayer: agent.publicKey, blockhash, lastValidBlockHeight }).add(...instructions);
    tx.sign(agent);
    try {
      const signature = await connection.sendRawTransaction(tx.serialize());
      await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, 'confirmed');
      return 'landed';
    } catch (error) {
      const logs = error instanceof SendTransactionError ? ((await error.getLogs(connection).catch(() => null)) ?? []) : [];
      return logs.join('\n').match(/Error Code: (\w+)/)?.[1] ?? (error as Error).message;
    }
  };

  it('was made by the program: members, threshold, time lock, the agent limit, the vault funded', async () => {
    const squads = await readSquadsTreasury(connection, { multisig: DEMO_SQUADS_ADDRESSES.multisig, vaultIndex: 0 });
    expect(squads.vault).toBe(DEMO_SQUADS_ADDRESSES.vault.toBase58());
    expect(squads).toMatchObject({
      threshold: DEMO_SQUADS.threshold,
      timeLockSeconds: DEMO_SQUADS.timeLockSeconds,
      configAuthority: null,
      transactionIndex: 1n,
    });
    const voters = squads.members
      .filter((m) => m.vote)
      .map((m) => m.key)
      .sort();
    expect(voters).toEqual(
      Object.values(DEMO.members)
        .map((k) => k.toBase58())
        .sort(),
    );
    expect(squads.members.some((m) => m.key === DEMO.agent.toBase58())).toBe(false);
    expect(squads.spendingLimits).toHaveLength(1);
    expect(squads.spendingLimits[0]).toMatchObject({
      address: DEMO_SQUADS_ADDRESSES.usdcLimit.toBase58(),
      mint: DEMO.mints.USDC.toBase58(),
      amount: USDC(Number(DEMO_SQUADS.limitUsdcPerDay)),
      period: 'Day',
      members: [DEMO.agent.toBase58()],
      destinations: [DEMO.grantee.toBase58()],
    });
    const balance = await connection.getTokenAccountBalance(DEMO_SQUADS_ADDRESSES.vaultUsdcAccount, 'confirmed');
    expect(BigInt(balance.value.amount)).toBe(USDC(Number(DEMO_SQUADS.vaultUsdc)));
    // What `steward demo` prints about it.
    const mode = await describeSquadsMode(connection);
    expect(mode.mode).toBe('program');
    expect(mode.line).toContain(`vault ${DEMO_SQUADS_ADDRESSES.vault.toBase58()}`);
  });

  it("the agent's transfer to the grantee lands through the limit; one above what remains is refused by the program", async () => {
    const policy = compilePolicy(
      policySchema.parse({
        name: 'p',
        tokens: { USDC: { mint: DEMO.mints.USDC.toBase58(), decimals: 6 } },
        allow: { actions: ['transfer'], destinations: [DEMO.grantee.toBase58()] },
      }),
    );
    const token = policy.tokens.get('USDC')!;
    const ctx: BuildContext = {
      connection,
      endpoint: chain.url,
      agent: agent.publicKey,
      policy,
      context: {
        now: Date.now(),
        prices: {},
        spent: {},
        balances: {},
        treasuryAddresses: new Set([DEMO_SQUADS_ADDRESSES.vault.toBase58(), DEMO_SQUADS_ADDRESSES.vaultUsdcAccount.toBase58()]),
        paused: false,
      },
      retry: defaultRetryOptions,
      jupiter: { baseUrl: 'http://127.0.0.1:9', fetch: () => Promise.reject(new Error('not used')) },
      squadsMultisig: DEMO_SQUADS_ADDRESSES.multisig.toBase58(),
      solFeeReserveLamports: 0n,
    };
    const transfer = (amount: bigint) =>
      buildTransfer(
        {
          kind: 'transfer',
          token,
          amount,
          to: DEMO.grantee.toBase58() as never,
          internal: false,
          memo: undefined,
          outflow: { token, amount } as never,
          reason: undefined,
        },
        ctx,
      );
    const granteeAccount = getAssociatedTokenAddressSync(DEMO.mints.USDC, DEMO.grantee);
    const before = BigInt((await connection.getTokenAccountBalance(granteeAccount, 'confirmed')).value.amount);
    const first = await transfer(USDC(1_500));
    if (first.kind !== 'instructions') throw new Error(JSON.stringify(first));
    expect(first.instructions.at(-1)!.programId.equals(SQUADS_PROGRAM_ID)).toBe(true);
    expect(first.allowance).toMatchObject({ account: DEMO_SQUADS_ADDRESSES.usdcLimit.toBase58(), remaining: USDC(2_000) });
    expect(await send(first.instructions)).toBe('landed');
    expect(BigInt((await connection.getTokenAccountBalance(granteeAccount, 'confirmed')).value.amount) - before).toBe(USDC(1_500));
    // Above what remains: Steward's executor would refuse it before signing (remaining 500); sent anyway, the program refuses it.
    const second = await transfer(USDC(1_000));
    if (second.kind !== 'instructions') throw new Error(JSON.stringify(second));
    expect(second.allowance!.remaining).toBe(USDC(500));
    expect(await send(second.instructions)).toBe('SpendingLimitExceeded');
  });

  it('steward allowance, with an agent file naming the vault, reads the limit and no drift from the demo policy', async () => {
    const dir = tempDir('steward-squads-demo-');
    mkdirSync(join(dir, 'agents'));
    mkdirSync(join(dir, 'policies'));
    copyFileSync(join(ROOT, 'policies', 'treasury.yaml'), join(dir, 'policies', 'treasury.yaml'));
    writeFileSync(
      join(dir, 'agents', 'vault-guardian.yaml'),
      `name: vault-guardian
tasks: [treasury]
policy: treasury
treasury:
  owners: [${DEMO_SQUADS_ADDRESSES.vault.toBase58()}]
  squads: { multisig: ${DEMO_SQUADS_ADDRESSES.multisig.toBase58()} }
mode: autonomous
instructions: Pay the grantee from the DAO's Squads vault within policy.
`,
    );
    const result = await runCli([
      '--config',
      dir,
      '--db',
      join(dir, 'steward.db'),
      '--url',
      chain.url,
      '--log-level',
      'silent',
      'allowance',
      '--agent-key',
      DEMO.agent.toBase58(),
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      squads: { limits: { address: string; forAgent: boolean }[]; flags: { id: string; message: string }[] };
    };
    expect(json.squads.limits.filter((l) => l.forAgent).map((l) => l.address)).toEqual([DEMO_SQUADS_ADDRESSES.usdcLimit.toBase58()]);
    expect(json.squads.flags.map((f) => `${f.id}: ${f.message}`)).toEqual([]);
  });
});
