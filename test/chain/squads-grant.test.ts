// `steward allowance` and `steward grant --squads` on the real Squads program: a multisig with
// every drift flag planted (agent a voting member, no time lock, a USDC limit that is looser
// than both the per-token and the USD windows, pays anyone and has a second member, a limit
// kept by a removed member, no JUP limit), then the config transaction grant computes, proposed,
// approved and executed by the (demo) members through the program: every flag clears, and a
// second grant has nothing to change. `steward status` shows the same flags with their fixes,
// and none after the grant; `validate --chain` counts the agent's limits and notes the drift. Two mints (USDC, JUP), a per-token and a USD window.
import { join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../src/llm/index.js';
import { memberChange } from '../../src/squads/index.js';
import { runCli } from '../helpers/cli.js';
import { NO_SQUADS_PROGRAM, squadsProgram } from '../helpers/programs.js';
import { startSquadsChain, writeSquadsStewardConfig, type SquadsChain } from './squads-fixture.js';

describe.skipIf(!squadsProgram)(`steward grant --squads on the real program ${NO_SQUADS_PROGRAM}`, () => {
  let sq: SquadsChain;
  let dir: string;
  let grantee: string;

  beforeAll(async () => {
    sq = await startSquadsChain({ demoKeys: true, agentPermissions: { initiate: true, vote: true, execute: false } });
    // The planted misconfiguration, through the program.
    const usdcLimit = {
      createKey: Keypair.generate().publicKey,
      vaultIndex: 0,
      mint: sq.mints.USDC.toBase58(),
      amount: 5_000_000_000n,
      period: 'Day' as const,
      members: [sq.agent.publicKey, sq.members.bob.publicKey],
      destinations: [],
    };
    const carolLimit = {
      createKey: Keypair.generate().publicKey,
      vaultIndex: 0,
      mint: sq.mints.USDC.toBase58(),
      amount: 1_000_000n,
      period: 'Week' as const,
      members: [sq.members.carol.publicKey],
      destinations: [],
    };
    await sq.configure([
      { kind: 'add', limit: usdcLimit },
      { kind: 'add', limit: carolLimit },
    ]);
    await sq.configure([{ kind: 'config', action: memberChange({ kind: 'remove', key: sq.members.carol.publicKey }) }]);

    ({ dir, grantee } = await writeSquadsStewardConfig(sq));
  }, 180_000);
  afterAll(async () => {
    await sq?.close();
  });

  const cli = (args: string[]) =>
    runCli(['--url', sq.chain.url, '--config', dir, '--db', join(dir, 'steward.db'), '--log-level', 'silent', ...args]);
  const flagIds = async () => {
    const result = await cli(['allowance', '--agent-key', sq.agent.publicKey.toBase58(), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { squads: { flags: { id: string; fix: string }[] } };
    return json.squads.flags;
  };
  const statusDrift = async () => {
    const result = await cli(['status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      agents: {
        agent: string;
        squads?: { multisig: string; agentLimits: number; flags: { id: string; fix: string }[]; error: string | null };
      }[];
    };
    return json.agents.find((row) => row.agent === 'vault-agent')!.squads!;
  };

  /** `validate --chain` as the agent (the fixture's key file, the test model), in this process's environment. */
  const validateChain = async () => {
    const saved = { key: process.env['STEWARD_KEYPAIR'], model: process.env['STEWARD_MODEL'] };
    process.env['STEWARD_KEYPAIR'] = join(dir, 'agent.json');
    process.env['STEWARD_MODEL'] = await ensureTestModel();
    try {
      return await cli(['validate', '--chain']);
    } finally {
      for (const [name, value] of [
        ['STEWARD_KEYPAIR', saved.key],
        ['STEWARD_MODEL', saved.model],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };

  it('allowance flags every planted drift, each with what to change; grant --execute clears them through the program', async () => {
    const before = await flagIds();
    expect(before.map((f) => f.id).sort()).toEqual(
      [
        'agent-votes-or-executes',
        'destinations-broader',
        'limit-looser-than-policy',
        'limit-looser-than-policy',
        'limit-looser-than-policy',
        'members-beyond-agent',
        'missing-limit',
        'removed-member-keeps-limit',
        'time-lock-zero',
      ].sort(),
    );
    for (const flag of before) expect(flag.fix).not.toBe('');
    const text = await cli(['allowance', '--agent-key', sq.agent.publicKey.toBase58()]);
    expect(text.stdout).toMatch(/DRIFT {2}limit-looser-than-policy: the USDC limit\(s\) let up to 10000 USDC through in a rolling 24h/);
    // status reads the same drift, with what to change.
    const inStatus = await statusDrift();
    expect(inStatus.error).toBeNull();
    expect(inStatus.multisig).toBe(sq.multisig.toBase58());
    expect(inStatus.flags.map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());
    const statusText = await cli(['status']);
    expect(statusText.code, statusText.stderr).toBe(0);
    expect(statusText.stdout).toContain(
      `squads:    multisig ${sq.multisig.toBase58()} (vault 0): 1 spending limit(s) for the agent; 9 DRIFT flag(s)`,
    );
    expect(statusText.stdout).toMatch(/DRIFT time-lock-zero: .*\n +fix: set one with a SetTimeLock config action/);
    expect(statusText.stdout).toMatch(/DRIFT missing-limit: no spending limit lets the agent spend the vault's JUP/);
    // The preflight reads the same fence: the agent's planted USDC limit counts, the drift is named.
    const preflight = await validateChain();
    expect(preflight.code, preflight.stderr).toBe(0);
    expect(preflight.stdout).toMatch(/vault-agent: allowances: Squads USDC limit per Day/);
    expect(preflight.stdout).toMatch(/vault-agent: Squads drift missing-limit: /);

    const grant = await cli([
      'grant',
      '--squads',
      sq.multisig.toBase58(),
      '--agent-key',
      sq.agent.publicKey.toBase58(),
      '--time-lock',
      '3600',
      '--execute',
      '--json',
    ]);
    expect(grant.code, grant.stderr).toBe(0);
    const plan = JSON.parse(grant.stdout) as {
      kind: string;
      steps: string[];
      compiled: { symbol: string; period: string; priceDependent: boolean; destinations: string[] }[];
      transactions: { configTransactionIndex: string; steps: string[]; unsignedTransaction: { base64: string } }[];
      executed: { flagsAfter: unknown[]; signatures: string[] };
    };
    expect(plan.kind).toBe('autonomous');
    expect(plan.compiled.map((l) => `${l.symbol}/${l.period}/${l.priceDependent}`).sort()).toEqual(['JUP/Day/true', 'USDC/Day/true']);
    expect(plan.compiled[0]!.destinations).toEqual([grantee, sq.vault.toBase58()].sort());
    expect(plan.steps.filter((s) => s.startsWith('remove spending limit'))).toHaveLength(2);
    expect(plan.steps.filter((s) => s.startsWith('add spending limit'))).toHaveLength(2);
    expect(plan.steps.some((s) => s.startsWith('remove the agent'))).toBe(true);
    // Removals first, on their own (the program refuses closing and creating limits in one config transaction).
    expect(plan.transactions.map((t) => t.steps.every((s) => s.startsWith('remove spending limit')))).toEqual([true, false]);
    for (const t of plan.transactions) expect(t.unsignedTransaction.base64.length).toBeGreaterThan(100);
    expect(plan.executed.signatures.length).toBe(8);
    expect(plan.executed.flagsAfter).toEqual([]);
    expect(await flagIds()).toEqual([]);
    expect((await statusDrift()).flags).toEqual([]);
    expect((await cli(['status'])).stdout).toMatch(/squads: {4}multisig \S+ \(vault 0\): 2 spending limit\(s\) for the agent; drift none/);

    const again = await cli(['grant', '--squads', sq.multisig.toBase58(), '--agent-key', sq.agent.publicKey.toBase58()]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Nothing to change: the multisig already holds exactly these limits/);
    const clean = await validateChain();
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/vault-agent: allowances: .*Squads JUP limit per Day/);
    expect(clean.stdout).not.toContain('Squads drift');
  }, 240_000);

  it('refuses bad input before reading anything, saying what and where (exit 2)', async () => {
    const wrong = await cli(['grant', '--squads', Keypair.generate().publicKey.toBase58(), '--agent-key', sq.agent.publicKey.toBase58()]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/names Squads multisig .* not /);
    const mixed = await cli(['grant', '--squads', sq.multisig.toBase58(), '--token', 'USDC']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/--squads compiles the whole policy/);
    const notAddress = await cli(['grant', '--squads', 'nope']);
    expect(notAddress.code).toBe(2);
  });
});
