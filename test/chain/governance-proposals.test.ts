// Reading the demo DAO's proposals over JSON-RPC from the embedded chain: every seeded
// proposal with all its instructions, in at most 3 RPC requests.
import '../../src/chain/embedded/v8-flags.js';
import { ProposalState } from '@solana/spl-governance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, RpcCounter, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { DEMO, GOVERNANCE_PROGRAM_ID, seedDemoDao, type DemoDao } from '../../src/demo/index.js';
import { getProposals } from '../../src/governance/read/get-proposals.js';
import { describeRealmVoters } from '../../src/governance/review/render-realm.js';

let running: RunningEmbeddedChain;
let dao: DemoDao;

beforeAll(async () => {
  running = await startEmbeddedChain();
  dao = await seedDemoDao(running.chain);
});
afterAll(() => running.close());

describe('getProposals on the demo DAO', () => {
  it('reads every open proposal with its instructions in at most 3 RPC requests', async () => {
    const counter = new RpcCounter();
    const connection = createConnection(running.url, { counter });
    const snapshot = await getProposals(connection, { programId: GOVERNANCE_PROGRAM_ID, realm: DEMO.realm });
    expect(counter.requests).toBeLessThanOrEqual(3);
    expect(counter.methods).toEqual({ getProgramAccounts: 2, getMultipleAccounts: 1 });
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.realm).toMatchObject({ name: 'Steward Demo DAO', authority: DEMO.governance.toBase58() });
    expect(snapshot.governances.map((g) => g.address)).toEqual([DEMO.governance.toBase58()]);
    expect(snapshot.proposals).toHaveLength(dao.governance.proposals.length);
    for (const seeded of dao.governance.proposals) {
      const read = snapshot.proposals.find((p) => p.address === seeded.address.toBase58());
      expect(read, seeded.key).toBeDefined();
      expect(read).toMatchObject({
        name: seeded.name,
        descriptionLink: seeded.description,
        state: 'Voting',
        yesVotes: seeded.yesVotes,
        noVotes: seeded.noVotes,
        votingEndsAt: Number(seeded.votingEndsAt),
        missingTransactions: [],
      });
      const instructions = read!.transactions.flatMap((t) => t.instructions);
      const expected = seeded.transactions.flatMap((t) => t.instructions);
      expect(
        instructions.map((ix) => [ix.programId.toBase58(), Buffer.from(ix.data).toString('hex'), ix.keys.map((k) => k.pubkey.toBase58())]),
      ).toEqual(
        expected.map((ix) => [ix.programId.toBase58(), Buffer.from(ix.data).toString('hex'), ix.keys.map((k) => k.pubkey.toBase58())]),
      );
      expect(read!.transactions.map((t) => t.holdUpSeconds)).toEqual(seeded.transactions.map(() => seeded.holdUpTime));
      // Every demo proposal is put to the community (its governing token mint is the realm's community mint).
      expect(read!.governingToken, seeded.key).toBe('community');
    }
  });

  it("reads the realm's community and council mints and each council seat, from the same 3 requests", async () => {
    const counter = new RpcCounter();
    const connection = createConnection(running.url, { counter });
    const { realm } = await getProposals(connection, { programId: GOVERNANCE_PROGRAM_ID, realm: DEMO.realm });
    expect(counter.requests).toBe(3);
    const { governance } = dao;
    expect(realm.communityMint).toBe(DEMO.communityMint.toBase58());
    expect(realm.councilMint).toBe(DEMO.councilMint.toBase58());
    expect(realm.community).toMatchObject({
      mint: DEMO.communityMint.toBase58(),
      decimals: 6,
      supply: governance.communityMint.supply.toString(),
      deposited: '25000000000000',
      holders: 3,
    });
    // Largest deposit first; alice's record names the agent as its governance delegate.
    expect(realm.community.members.map((m) => [m.owner, m.deposited, m.governanceDelegate])).toEqual([
      [DEMO.members.alice.toBase58(), '12000000000000', DEMO.agent.toBase58()],
      [DEMO.members.bob.toBase58(), '8000000000000', null],
      [DEMO.members.carol.toBase58(), '5000000000000', null],
    ]);
    expect(realm.council).toMatchObject({ mint: DEMO.councilMint.toBase58(), decimals: 0, supply: '3', deposited: '3', holders: 3 });
    expect(
      realm.council!.members.map((m) => [m.owner, m.tokenOwnerRecord, m.deposited]).sort((a, b) => a[0]!.localeCompare(b[0]!)),
    ).toEqual(
      governance.council
        .map((seat) => [DEMO.members[seat.member].toBase58(), seat.tokenOwnerRecord.toBase58(), seat.deposited.toString()])
        .sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    expect(describeRealmVoters(realm)).toEqual([
      `community mint ${DEMO.communityMint.toBase58()}: 25,000,000 deposited of supply 40,000,000 by 3 member(s)`,
      `council mint ${DEMO.councilMint.toBase58()}: 3 deposited of supply 3 by 3 member(s)`,
      ...realm.council!.members.map((m) => `  council member ${m.owner}: 1 (record ${m.tokenOwnerRecord})`),
    ]);
  });
  it('narrows by state on-chain and returns nothing for states no proposal is in', async () => {
    const counter = new RpcCounter();
    const connection = createConnection(running.url, { counter });
    const none = await getProposals(connection, { programId: GOVERNANCE_PROGRAM_ID, realm: DEMO.realm, states: [ProposalState.Draft] });
    expect(none.proposals).toEqual([]);
    expect(counter.requests).toBeLessThanOrEqual(3);
  });
  it('gives the same fingerprint for unchanged proposals', async () => {
    const connection = createConnection(running.url);
    const a = await getProposals(connection, { programId: GOVERNANCE_PROGRAM_ID, realm: DEMO.realm });
    const b = await getProposals(connection, { programId: GOVERNANCE_PROGRAM_ID, realm: DEMO.realm });
    expect(a.proposals.map((p) => p.fingerprint)).toEqual(b.proposals.map((p) => p.fingerprint));
    expect(new Set(a.proposals.map((p) => p.fingerprint)).size).toBe(a.proposals.length);
  });
  it('says clearly when the realm does not exist', async () => {
    const connection = createConnection(running.url);
    await expect(getProposals(connection, { programId: GOVERNANCE_PROGRAM_ID, realm: DEMO.stranger })).rejects.toMatchObject({
      code: 'CHAIN_FAILED',
    });
  });
});
