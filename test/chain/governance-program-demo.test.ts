// The demo DAO on the real SPL Governance program (../shared/programs in CI): every governance
// account is created by the program from real instructions at the times the seed plan says,
// reads back with the SDK's parsers, and `steward review --all` gives the same flags as the
// written-accounts seed. Skipped, saying why, where the program file is truly absent.
// The chain runs in a child process, as for every command: in-process, LiteSVM corrupts bn.js
// numbers after a CPI (LiteSVM/litesvm#171), and the seed's deposits are CPIs.
import { getGovernance, getProposal, getRealm, getTokenOwnerRecord, ProposalState, VoteThresholdType } from '@solana/spl-governance';
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from '@solana/spl-token';
import { Connection } from '@solana/web3.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEmbeddedChain, type EmbeddedChainChild } from '../../src/chain/index.js';
import {
  DEMO,
  DEMO_GOVERNANCE_RULES,
  DEMO_MEMBER_TOKENS,
  DEMO_PROPOSALS,
  GOVERNANCE_PROGRAM_ID,
  describeGovernanceMode,
  proposalTransactionAddress,
} from '../../src/demo/index.js';
import { getProposals, type RealmView } from '../../src/governance/index.js';
import { runCli } from '../helpers/cli.js';
import { createCouncilProposal } from '../helpers/program-proposal.js';
import { governanceProgram, NO_GOVERNANCE_PROGRAM } from '../helpers/programs.js';

describe.skipIf(!governanceProgram)(`demo DAO created by the SPL Governance program ${NO_GOVERNANCE_PROGRAM}`, () => {
  let chain: EmbeddedChainChild;
  let connection: Connection;
  beforeAll(async () => {
    chain = await spawnEmbeddedChain({ demo: true, programs: [{ id: GOVERNANCE_PROGRAM_ID.toBase58(), path: governanceProgram!.path }] });
    connection = new Connection(chain.url, 'confirmed');
  });
  afterAll(async () => {
    await chain?.close();
  });

  it('was created by the program: realm, governance, records and proposals owned by it, as planned', async () => {
    const mode = await describeGovernanceMode(connection);
    expect(mode.mode).toBe('program');
    expect(mode.line).toMatch(/^governance \(program mode\): .*community and council mints/);
    const realm = await getRealm(connection, DEMO.realm);
    expect(realm.owner.equals(GOVERNANCE_PROGRAM_ID)).toBe(true);
    expect(realm.account.authority?.equals(DEMO.governance)).toBe(true);
    expect(realm.account.communityMint.equals(DEMO.communityMint)).toBe(true);
    const governance = await getGovernance(connection, DEMO.governance);
    expect(governance.account.realm.equals(DEMO.realm)).toBe(true);
    expect(governance.account.config.minInstructionHoldUpTime).toBe(DEMO_GOVERNANCE_RULES.holdUpTime);
    const native = await connection.getAccountInfo(DEMO.nativeTreasury);
    expect(native?.owner.toBase58()).toBe('11111111111111111111111111111111');
    for (const member of ['alice', 'bob', 'carol'] as const) {
      const record = await getTokenOwnerRecord(connection, DEMO.tokenOwnerRecords[member]);
      expect(record.owner.equals(GOVERNANCE_PROGRAM_ID)).toBe(true);
      expect(record.account.governingTokenOwner.equals(DEMO.members[member])).toBe(true);
      expect(record.account.governingTokenDepositAmount.toString()).toBe(DEMO_MEMBER_TOKENS[member].deposited.toString());
      expect(record.account.governanceDelegate?.toBase58() ?? null).toBe(member === 'alice' ? DEMO.agent.toBase58() : null);
    }
    const holding = await connection.getTokenAccountBalance(DEMO.communityTokenHolding);
    expect(holding.value.amount).toBe('25000000000000');
    // The council: the realm names its mint, and each member deposited one seat through the program.
    expect(realm.account.config.councilMint?.toBase58()).toBe(DEMO.councilMint.toBase58());
    expect((await connection.getTokenAccountBalance(DEMO.councilTokenHolding)).value.amount).toBe('3');
    for (const member of ['alice', 'bob', 'carol'] as const) {
      const seat = await getTokenOwnerRecord(connection, DEMO.councilTokenOwnerRecords[member]);
      expect(seat.owner.equals(GOVERNANCE_PROGRAM_ID)).toBe(true);
      expect(seat.account.governingTokenMint.equals(DEMO.councilMint)).toBe(true);
      expect(seat.account.governingTokenOwner.equals(DEMO.members[member])).toBe(true);
      expect(seat.account.governingTokenDepositAmount.toString()).toBe('1');
    }
    expect(governance.account.config.councilVoteThreshold).toMatchObject({ type: VoteThresholdType.YesVotePercentage, value: 60 });
    const { unixTimestamp } = await connection
      .getSlot()
      .then(async (slot) => ({ unixTimestamp: BigInt((await connection.getBlockTime(slot)) ?? 0) }));
    const deposited = (members: readonly ('alice' | 'bob' | 'carol')[]) =>
      members.reduce((total, m) => total + DEMO_MEMBER_TOKENS[m].deposited, 0n);
    for (const planned of DEMO_PROPOSALS) {
      const address = DEMO.proposals[planned.key];
      const { account } = await getProposal(connection, address);
      expect(account.state, planned.key).toBe(ProposalState.Voting);
      expect(account.name).toBe(planned.name);
      expect(account.descriptionLink).toBe(planned.description);
      // Signed off (and drafted an hour before) when the plan says, by the program's own clock.
      const votingAt = BigInt(account.votingAt!.toString());
      expect(Number(unixTimestamp - votingAt - BigInt(planned.votingStartedAgo))).toBeGreaterThanOrEqual(0);
      expect(Number(unixTimestamp - votingAt - BigInt(planned.votingStartedAgo))).toBeLessThan(120);
      expect(BigInt(account.draftAt.toString())).toBe(votingAt - 3_600n);
      expect(BigInt(account.options[0]!.voteWeight.toString())).toBe(deposited(planned.yes));
      expect(BigInt(account.denyVoteWeight!.toString())).toBe(deposited(planned.no));
      const transactions = planned.transactions();
      expect(account.options[0]!.instructionsCount).toBe(transactions.length);
      for (const index of transactions.keys()) {
        const info = await connection.getAccountInfo(proposalTransactionAddress(address, 0, index));
        expect(info?.owner.equals(GOVERNANCE_PROGRAM_ID), `${planned.key} transaction ${index}`).toBe(true);
      }
    }
  });

  it('the written seed leaves the same realm, mints, holdings and token owner records, byte for byte, as the program', async () => {
    // The written seed on its own chain: the program search turned off for that child only.
    const saved = process.env['STEWARD_PROGRAMS_DIR'];
    process.env['STEWARD_PROGRAMS_DIR'] = 'none';
    const written = await spawnEmbeddedChain({ demo: true }).finally(() => {
      if (saved === undefined) delete process.env['STEWARD_PROGRAMS_DIR'];
      else process.env['STEWARD_PROGRAMS_DIR'] = saved;
    });
    try {
      const other = new Connection(written.url, 'confirmed');
      const mode = await describeGovernanceMode(other);
      expect(mode.mode).toBe('written');
      expect(mode.line).toMatch(/^governance \(written mode\): .*steward programs pull --url mainnet-beta/);
      const councilWallet = (member: 'alice' | 'bob' | 'carol') =>
        getAssociatedTokenAddressSync(DEMO.councilMint, DEMO.members[member], false, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID);
      const compared = {
        realm: DEMO.realm,
        'realm config': DEMO.realmConfig,
        governance: DEMO.governance,
        'community mint': DEMO.communityMint,
        'community holding': DEMO.communityTokenHolding,
        'council mint': DEMO.councilMint,
        'council holding': DEMO.councilTokenHolding,
        ...Object.fromEntries(
          (['alice', 'bob', 'carol'] as const).flatMap((m) => [
            [`${m}'s community record`, DEMO.tokenOwnerRecords[m]],
            [`${m}'s council record`, DEMO.councilTokenOwnerRecords[m]],
            [`${m}'s council wallet`, councilWallet(m)],
          ]),
        ),
      };
      for (const [what, address] of Object.entries(compared)) {
        const [made, wrote] = await Promise.all([connection.getAccountInfo(address), other.getAccountInfo(address)]);
        expect(made, `${what} by the program`).not.toBeNull();
        expect(wrote?.owner.toBase58(), what).toBe(made!.owner.toBase58());
        expect(wrote?.lamports, what).toBe(made!.lamports);
        expect(Buffer.from(wrote!.data).toString('hex'), what).toBe(Buffer.from(made!.data).toString('hex'));
      }
    } finally {
      await written.close();
    }
  }, 60_000);

  it('steward review --all gives the same flags whether the program or the written seed made the DAO; the program path simulates ExecuteTransaction', async () => {
    type Review = {
      proposal: { address: string };
      recommendation: string;
      flags: { id: string; severity: string }[];
      simulation: { status: string; path?: string; ok?: boolean };
    };
    const reviewAll = async (env: Record<string, string>, url: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'steward-gov-modes-'));
      const saved = { ...process.env };
      Object.assign(process.env, { STEWARD_DB: join(dir, 'steward.db'), STEWARD_REPORTS_DIR: join(dir, 'reports'), ...env });
      try {
        const result = await runCli([...url, 'review', '--all', '--no-model', '--json', '--log-level', 'silent']);
        expect(result.code, result.stderr).toBe(0);
        return JSON.parse(result.stdout) as { realm: RealmView; reviews: Review[] };
      } finally {
        for (const key of ['STEWARD_DB', 'STEWARD_REPORTS_DIR', ...Object.keys(env)]) {
          if (saved[key] === undefined) delete process.env[key];
          else process.env[key] = saved[key];
        }
      }
    };
    const flags = (reviews: Review[]) =>
      Object.fromEntries(
        reviews.map((r) => [
          r.proposal.address,
          { recommendation: r.recommendation, flags: r.flags.map((f) => `${f.id}:${f.severity}`).sort() },
        ]),
      );
    // The written seed: its own embedded chain with the program search turned off.
    const { realm: writtenRealm, reviews: written } = await reviewAll({ STEWARD_PROGRAMS_DIR: 'none' }, []);
    // The program-made DAO of this file's chain.
    const { realm: programRealm, reviews: program } = await reviewAll({}, ['--url', chain.url]);
    // The realm as Steward reads it is the same either way: both mints, every council seat and community deposit.
    expect(programRealm).toEqual(writtenRealm);
    expect(programRealm.councilMint).toBe(DEMO.councilMint.toBase58());
    expect(programRealm.council?.members.map((m) => m.tokenOwnerRecord).sort()).toEqual(
      Object.values(DEMO.councilTokenOwnerRecords)
        .map((r) => r.toBase58())
        .sort(),
    );
    expect(programRealm.council?.members.every((m) => m.deposited === '1')).toBe(true);
    expect(written).toHaveLength(5);
    expect(flags(program)).toEqual(flags(written));
    expect(flags(written)[DEMO.proposals.injection.toBase58()]?.recommendation).toBe('against');
    // Every demo proposal ran through the program's ExecuteTransaction, and succeeded there.
    for (const review of program)
      expect(review.simulation, review.proposal.address).toMatchObject({ status: 'simulated', path: 'program', ok: true });
    // Without the program, the transfers ran as bare instructions and the config change could not run.
    expect(written.filter((r) => r.simulation.status === 'simulated').every((r) => r.simulation.path === 'instructions')).toBe(true);
    expect(written.find((r) => r.proposal.address === DEMO.proposals.configChange.toBase58())?.simulation.status).toBe('not-simulated');
    // The succeeded state was a copy for the simulation only: on chain every proposal still votes.
    for (const key of ['routineGrant', 'configChange', 'largeOutflow', 'setAuthority', 'injection'] as const) {
      expect((await getProposal(connection, DEMO.proposals[key])).account.state, key).toBe(ProposalState.Voting);
    }
  }, 150_000);

  // Last: it adds a proposal to this file's chain.
  it('recognises a proposal put to the council: created, signed off and voted with council seats through the program', async () => {
    const proposal = await createCouncilProposal(
      connection,
      { name: 'Council: renew the RPC provider contract', description: 'The council renews the RPC contract on the same terms.' },
      ['bob'],
    );

    const snapshot = await getProposals(connection, { programId: GOVERNANCE_PROGRAM_ID, realm: DEMO.realm });
    const read = snapshot.proposals.find((p) => p.address === proposal.toBase58());
    expect(read).toMatchObject({ governingToken: 'council', governingTokenMint: DEMO.councilMint.toBase58(), governingTokenDecimals: 0 });
    expect(read?.yesVotes).toBe(1n);
    // The demo's own proposals stay community votes.
    expect(snapshot.proposals.filter((p) => p.governingToken === 'community')).toHaveLength(DEMO_PROPOSALS.length);

    const dir = mkdtempSync(join(tmpdir(), 'steward-gov-council-'));
    const saved = { ...process.env };
    Object.assign(process.env, { STEWARD_DB: join(dir, 'steward.db'), STEWARD_REPORTS_DIR: join(dir, 'reports') });
    try {
      const text = await runCli(['--url', chain.url, 'review', proposal.toBase58(), '--no-model', '--log-level', 'silent']);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(`council mint ${DEMO.councilMint.toBase58()}: 3 deposited of supply 3 by 3 member(s)`);
      expect(text.stdout).toMatch(new RegExp(`${proposal.toBase58()}  Council: renew the RPC provider contract  \\[council vote\\]`));
      const markdown = readFileSync(join(dir, 'reports', 'reviews', `${proposal.toBase58()}.md`), 'utf8');
      expect(markdown).toContain('| votes | yes 1, no 0 council tokens |');
    } finally {
      for (const key of ['STEWARD_DB', 'STEWARD_REPORTS_DIR']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  }, 60_000);
});
