// `steward grant --squads` for a CONTROLLED multisig on the real Squads program: one with a
// config authority (the demo member alice), which the program changes only through that
// authority's own instructions (a config transaction is refused). Planted drift: the agent a
// voting member, no time lock, a USDC limit looser than the policy that pays anyone and has a
// second member, no JUP limit. grant prints one authority-signed instruction per change;
// --execute has alice sign them on the embedded chain; every flag clears and a second grant has
// nothing to change.
import { join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlledInstruction, planConfigTransaction, readSquadsTreasury } from '../../src/squads/index.js';
import { runCli } from '../helpers/cli.js';
import { NO_SQUADS_PROGRAM, squadsProgram } from '../helpers/programs.js';
import { startSquadsChain, writeSquadsStewardConfig, type SquadsChain } from './squads-fixture.js';

describe.skipIf(!squadsProgram)(`steward grant --squads on a controlled multisig ${NO_SQUADS_PROGRAM}`, () => {
  let sq: SquadsChain;
  let dir: string;

  beforeAll(async () => {
    sq = await startSquadsChain({ demoKeys: true, controlled: true, agentPermissions: { initiate: true, vote: true, execute: false } });
    const loose = {
      createKey: Keypair.generate().publicKey,
      vaultIndex: 0,
      mint: sq.mints.USDC.toBase58(),
      amount: 5_000_000_000n,
      period: 'Day' as const,
      members: [sq.agent.publicKey, sq.members.bob.publicKey],
      destinations: [],
    };
    await sq.send(
      [sq.members.alice],
      [
        controlledInstruction({
          multisig: sq.multisig,
          configAuthority: sq.members.alice.publicKey,
          change: { kind: 'add', limit: loose },
        }),
      ],
    );
    ({ dir } = await writeSquadsStewardConfig(sq));
  }, 180_000);
  afterAll(async () => {
    await sq?.close();
  });

  const cli = (args: string[]) =>
    runCli(['--url', sq.chain.url, '--config', dir, '--db', join(dir, 'steward.db'), '--log-level', 'silent', ...args]);
  const flagIds = async () => {
    const result = await cli(['allowance', '--json']);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { squads: { flags: { id: string }[] } }).squads.flags.map((flag) => flag.id).sort();
  };

  it('the program refuses a config transaction on a controlled multisig (why grant signs with the authority)', async () => {
    const state = await readSquadsTreasury(sq.connection, { multisig: sq.multisig, vaultIndex: 0 });
    expect(state.configAuthority).toBe(sq.members.alice.publicKey.toBase58());
    const plan = planConfigTransaction({
      multisig: sq.multisig,
      currentIndex: state.transactionIndex,
      creator: sq.members.alice.publicKey,
      changes: [{ kind: 'remove', spendingLimit: Keypair.generate().publicKey }],
    });
    const tried = await sq.trySend([sq.members.alice], plan.create);
    expect(tried.ok).toBe(false);
  });

  it('grant --execute has the config authority sign each change; every flag clears, a second grant changes nothing', async () => {
    expect(await flagIds()).toEqual([
      'agent-votes-or-executes',
      'destinations-broader',
      'limit-looser-than-policy',
      'limit-looser-than-policy',
      'limit-looser-than-policy',
      'members-beyond-agent',
      'missing-limit',
      'time-lock-zero',
    ]);

    const printed = await cli(['grant', '--squads', sq.multisig.toBase58(), '--time-lock', '3600']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`Instruction for the config authority ${sq.members.alice.publicKey.toBase58()}:`);

    const grant = await cli(['grant', '--squads', sq.multisig.toBase58(), '--time-lock', '3600', '--execute', '--json']);
    expect(grant.code, grant.stderr).toBe(0);
    const plan = JSON.parse(grant.stdout) as {
      kind: string;
      transactions: { configTransactionIndex: string | null; steps: string[]; unsignedTransaction: { feePayer: string } }[];
      executed: { flagsAfter: unknown[]; signatures: string[]; notes: string[] };
    };
    expect(plan.kind).toBe('controlled');
    // Removal first, then the two limits, then the member and the time lock: one instruction each.
    expect(plan.transactions.map((t) => t.steps[0]!.split(' ').slice(0, 2).join(' '))).toEqual([
      'remove spending',
      'add spending',
      'add spending',
      'remove the',
      'set the',
    ]);
    for (const t of plan.transactions) {
      expect(t.configTransactionIndex).toBeNull();
      expect(t.unsignedTransaction.feePayer).toBe(sq.members.alice.publicKey.toBase58());
    }
    expect(plan.executed.signatures).toHaveLength(5);
    expect(plan.executed.notes.join(' ')).toMatch(/signed by the config authority/);
    expect(plan.executed.flagsAfter).toEqual([]);
    expect(await flagIds()).toEqual([]);
    const state = await readSquadsTreasury(sq.connection, { multisig: sq.multisig, vaultIndex: 0 });
    expect(state.timeLockSeconds).toBe(3600);
    expect(state.members.some((m) => m.key === sq.agent.publicKey.toBase58())).toBe(false);

    const again = await cli(['grant', '--squads', sq.multisig.toBase58()]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Nothing to change: the multisig already holds exactly these limits/);
  }, 240_000);
});
