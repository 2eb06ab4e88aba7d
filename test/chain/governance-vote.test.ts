// Votes that land, on the real SPL Governance program (the demo DAO created by its
// instructions in a `steward localnet --demo` child): a reviewed proposal, a vote the policy
// sends for approval, `steward approvals approve` casts it with the voting power alice
// delegated to the agent (the agent holds no governance tokens): the VoteRecord is on chain
// with her weight and the choice, the tally moved, one attempt journalled. A second vote on the
// same proposal, a vote on a proposal no longer in Voting, and a key without power are refused
// before signing, naming the proposal, with nothing journalled for them. A council proposal is
// voted with a council seat a member delegated to the agent.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  getProposal,
  getVoteRecord,
  getVoteRecordAddress,
  ProposalState,
  VoteKind,
  withSetGovernanceDelegate,
} from '@solana/spl-governance';
import { Connection, Keypair, sendAndConfirmTransaction, Transaction, type TransactionInstruction } from '@solana/web3.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnEmbeddedChain, type EmbeddedChainChild } from '../../src/chain/index.js';
import { DEMO, DEMO_MEMBER_TOKENS, GOVERNANCE_PROGRAM_ID, demoKeypair } from '../../src/demo/index.js';
import { attemptsOf, readAction, recordDecision } from '../../src/execute/index.js';
import { evaluatePolicy } from '../../src/policy/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { governanceProgram, NO_GOVERNANCE_PROGRAM } from '../helpers/programs.js';
import { tempDir } from '../helpers/tmp.js';
import { createCouncilProposal } from '../helpers/program-proposal.js';
import { demoContext, demoPolicy } from './execute-demo-context.js';

const ROOT = join(import.meta.dirname, '../..');
const policy = demoPolicy();
const savedKeypair = process.env['STEWARD_KEYPAIR'];

describe.skipIf(!governanceProgram)(`votes cast through the SPL Governance program ${NO_GOVERNANCE_PROGRAM}`, () => {
  let chain: EmbeddedChainChild;
  let connection: Connection;
  let db: string;
  let agentKeyFile: string;
  let strangerKeyFile: string;
  beforeAll(async () => {
    chain = await spawnEmbeddedChain({ demo: true, programs: [{ id: GOVERNANCE_PROGRAM_ID.toBase58(), path: governanceProgram!.path }] });
    connection = new Connection(chain.url, 'confirmed');
    const dir = tempDir('steward-vote-');
    db = join(dir, 'steward.db');
    agentKeyFile = join(dir, 'agent.json');
    writeFileSync(agentKeyFile, JSON.stringify([...demoKeypair('agent').secretKey]));
    strangerKeyFile = join(dir, 'stranger.json');
    writeFileSync(strangerKeyFile, JSON.stringify([...Keypair.generate().secretKey]));
  });
  afterAll(async () => {
    await chain?.close();
  });
  afterEach(() => {
    if (savedKeypair === undefined) delete process.env['STEWARD_KEYPAIR'];
    else process.env['STEWARD_KEYPAIR'] = savedKeypair;
  });

  const cli = (keyFile: string, ...args: string[]) => {
    process.env['STEWARD_KEYPAIR'] = keyFile;
    return runCli(['--config', ROOT, '--db', db, '--url', chain.url, '--log-level', 'silent', ...args]);
  };
  /** A vote as the proposal reviewer proposes it: the policy sends it for approval. */
  const proposeVote = (proposal: string, choice: 'yes' | 'no' | 'abstain' | 'relinquish') => {
    const payload = { kind: 'vote', proposal, choice, reason: 'reviewed' };
    const verdict = evaluatePolicy(policy, payload, demoContext(policy, Date.now()));
    expect(verdict.kind).toBe('needs-approval');
    const store = openStore(db);
    try {
      return recordDecision({ db: store.db, policy, agent: 'proposal-reviewer', payload, verdict, now: new Date() });
    } finally {
      store.close();
    }
  };
  const journal = (id: number) => {
    const store = openStore(db);
    try {
      return { action: readAction(store.db, id), attempts: attemptsOf(store.db, id) };
    } finally {
      store.close();
    }
  };
  const tally = async (proposal: string) => {
    const { account } = await getProposal(connection, new (await import('@solana/web3.js')).PublicKey(proposal));
    return { state: account.state, yes: BigInt(account.options[0]!.voteWeight.toString()), no: BigInt(account.denyVoteWeight!.toString()) };
  };

  it('review, pending vote, approve: the VoteRecord lands with alice’s delegated weight and the tally moves, once', async () => {
    const proposal = DEMO.proposals.largeOutflow.toBase58();
    const review = await cli(agentKeyFile, 'review', proposal, '--no-model', '--json');
    expect(review.code, review.stderr).toBe(0);
    expect((JSON.parse(review.stdout) as { reviews: { recommendation: string }[] }).reviews[0]?.recommendation).toBe('against');

    const before = await tally(proposal);
    const id = proposeVote(proposal, 'no');
    const approved = await cli(agentKeyFile, 'approvals', 'approve', String(id), '--by', 'tester');
    expect(approved.code, approved.stdout + approved.stderr).toBe(0);
    expect(approved.stdout).toContain('Executed: confirmed');
    expect(approved.stdout).toContain(
      `with token owner record ${DEMO.tokenOwnerRecords.alice.toBase58()} of ${DEMO.members.alice.toBase58()}, delegated to the agent`,
    );

    const recordAddress = await getVoteRecordAddress(GOVERNANCE_PROGRAM_ID, DEMO.proposals.largeOutflow, DEMO.tokenOwnerRecords.alice);
    const record = await getVoteRecord(connection, recordAddress);
    expect(record.owner.equals(GOVERNANCE_PROGRAM_ID)).toBe(true);
    expect(record.account.governingTokenOwner.equals(DEMO.members.alice)).toBe(true);
    expect(BigInt(record.account.voterWeight!.toString())).toBe(DEMO_MEMBER_TOKENS.alice.deposited);
    expect(record.account.vote?.voteType).toBe(VoteKind.Deny);
    const after = await tally(proposal);
    expect(after.no - before.no).toBe(DEMO_MEMBER_TOKENS.alice.deposited);
    expect(after.yes).toBe(before.yes);
    const { action, attempts } = journal(id);
    expect(action.state).toBe('confirmed');
    expect(attempts).toHaveLength(1);

    // The same proposal again: refused before signing, naming it; nothing journalled, tally unchanged.
    const again = proposeVote(proposal, 'yes');
    const second = await cli(agentKeyFile, 'approvals', 'approve', String(again), '--by', 'tester');
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(`already voted on proposal ${proposal}`);
    expect(journal(again).attempts).toEqual([]);
    expect(journal(id).attempts).toHaveLength(1);
    expect(await tally(proposal)).toEqual(after);

    // Relinquish withdraws it (approved like any vote): the weight leaves the tally, the record is closed; then a new vote lands.
    const withdraw = proposeVote(proposal, 'relinquish');
    const relinquished = await cli(agentKeyFile, 'approvals', 'approve', String(withdraw), '--by', 'tester');
    expect(relinquished.code, relinquished.stdout + relinquished.stderr).toBe(0);
    expect(relinquished.stdout).toContain(
      `relinquishes the vote of token owner record ${DEMO.tokenOwnerRecords.alice.toBase58()} on proposal ${proposal}`,
    );
    expect(await tally(proposal)).toEqual(before);
    expect(await connection.getAccountInfo(recordAddress)).toBeNull();
    const revote = await cli(agentKeyFile, 'approvals', 'approve', String(proposeVote(proposal, 'yes')), '--by', 'tester');
    expect(revote.code, revote.stdout + revote.stderr).toBe(0);
    expect((await tally(proposal)).yes - before.yes).toBe(DEMO_MEMBER_TOKENS.alice.deposited);
    const nothing = await cli(strangerKeyFile, 'approvals', 'approve', String(proposeVote(proposal, 'relinquish')), '--by', 'tester');
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toContain(`no vote to relinquish on proposal ${proposal}`);
  });

  it('a proposal the vote closed is refused, and so is a key that holds no voting power, each naming the proposal', async () => {
    // Alice's 12M yes tips the injection proposal (13M yes already): it succeeds at once.
    const injection = DEMO.proposals.injection.toBase58();
    const tip = await cli(agentKeyFile, 'approvals', 'approve', String(proposeVote(injection, 'yes')), '--by', 'tester');
    expect(tip.code, tip.stdout + tip.stderr).toBe(0);
    expect((await tally(injection)).state).toBe(ProposalState.Succeeded);
    const closedId = proposeVote(injection, 'no');
    const closed = await cli(agentKeyFile, 'approvals', 'approve', String(closedId), '--by', 'tester');
    expect(closed.code).toBe(1);
    expect(closed.stdout).toContain(`proposal ${injection} is Succeeded, not open for votes`);
    expect(journal(closedId).attempts).toEqual([]);

    const setAuthority = DEMO.proposals.setAuthority.toBase58();
    const powerless = proposeVote(setAuthority, 'no');
    const refused = await cli(strangerKeyFile, 'approvals', 'approve', String(powerless), '--by', 'tester');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`has no voting power on proposal ${setAuthority}`);
    expect(journal(powerless).attempts).toEqual([]);
  });

  it('a council proposal is voted with council seats: refused, naming the council, until bob delegates his seat; then cast once with weight 1', async () => {
    const proposal = await createCouncilProposal(connection, {
      name: 'Council: appoint the security contact',
      description: 'The council appoints a security contact for the treasury.',
    });
    const address = proposal.toBase58();
    const first = proposeVote(address, 'yes');
    const refused = await cli(agentKeyFile, 'approvals', 'approve', String(first), '--by', 'tester');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`has no voting power on proposal ${address} (a council vote)`);
    expect(refused.stdout).toContain(`for the realm's council mint ${DEMO.councilMint.toBase58()}`);
    expect(journal(first).attempts).toEqual([]);

    // Bob makes the agent the governance delegate of his council token owner record.
    const bob = demoKeypair('member/bob');
    const delegate: TransactionInstruction[] = [];
    await withSetGovernanceDelegate(
      delegate,
      GOVERNANCE_PROGRAM_ID,
      3,
      DEMO.realm,
      DEMO.councilMint,
      bob.publicKey,
      bob.publicKey,
      DEMO.agent,
    );
    await sendAndConfirmTransaction(connection, new Transaction().add(...delegate), [bob], { commitment: 'confirmed' });

    const second = proposeVote(address, 'yes');
    const cast = await cli(agentKeyFile, 'approvals', 'approve', String(second), '--by', 'tester');
    expect(cast.code, cast.stdout + cast.stderr).toBe(0);
    expect(cast.stdout).toContain(
      `with token owner record ${DEMO.councilTokenOwnerRecords.bob.toBase58()} of ${DEMO.members.bob.toBase58()}, delegated to the agent: weight 1`,
    );
    const record = await getVoteRecord(
      connection,
      await getVoteRecordAddress(GOVERNANCE_PROGRAM_ID, proposal, DEMO.councilTokenOwnerRecords.bob),
    );
    expect(BigInt(record.account.voterWeight!.toString())).toBe(1n);
    expect(record.account.vote?.voteType).toBe(VoteKind.Approve);
    expect((await tally(address)).yes).toBe(1n);
    expect(journal(second).attempts).toHaveLength(1);
  });
});
