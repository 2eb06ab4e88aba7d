// Reviewing the demo DAO's seeded proposals on the embedded chain, deterministically: each
// hostile proposal gets its expected flags, the routine grant gets no severe one, simulation
// runs where the chain can run the instructions and says why not where it cannot.
import '../../src/chain/embedded/v8-flags.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, RpcCounter, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { DEMO, DEMO_MINTS, GOVERNANCE_PROGRAM_ID, seedDemoDao, type DemoDao, type DemoProposalKey } from '../../src/demo/index.js';
import { indexTreasury, prepareVote, reviewRealm, type ProposalReview, type TreasuryContext } from '../../src/governance/index.js';
import { openStore } from '../../src/store/index.js';
import { valueMicros } from '../../src/governance/decode/amount.js';
import { priceFromDecimal } from '../../src/shared/index.js';

let running: RunningEmbeddedChain;
let dao: DemoDao;
let reviews: Map<DemoProposalKey, ProposalReview>;
let treasury: ReturnType<typeof indexTreasury>;

function demoTreasury(): TreasuryContext {
  const tokens = Object.values(DEMO_MINTS).map((m) => ({
    mint: DEMO.mints[m.symbol as keyof typeof DEMO_MINTS].toBase58(),
    symbol: m.symbol,
    decimals: m.decimals,
    price: priceFromDecimal(String(m.price), '0', 0),
  }));
  const accounts = (Object.keys(DEMO_MINTS) as (keyof typeof DEMO_MINTS)[]).map((symbol) => {
    const info = running.chain.getAccount(DEMO.treasuryTokenAccounts[symbol])!;
    return {
      address: DEMO.treasuryTokenAccounts[symbol].toBase58(),
      mint: DEMO.mints[symbol].toBase58(),
      owner: DEMO.nativeTreasury.toBase58(),
      amount: Buffer.from(info.data).readBigUInt64LE(64),
    };
  });
  const total = accounts.reduce(
    (sum, a) =>
      sum + (valueMicros(a.amount, tokens.find((t) => t.mint === a.mint)!.decimals, tokens.find((t) => t.mint === a.mint)!.price) ?? 0n),
    0n,
  );
  return {
    owners: [DEMO.nativeTreasury.toBase58(), DEMO.governance.toBase58()],
    tokens,
    tokenAccounts: accounts,
    solPrice: priceFromDecimal('150', '0', 0),
    totalUsdMicros: total,
    knownDestinations: [DEMO.grantee.toBase58()],
  };
}

beforeAll(async () => {
  running = await startEmbeddedChain();
  dao = await seedDemoDao(running.chain);
  treasury = indexTreasury(demoTreasury());
  const connection = createConnection(running.url);
  const result = await reviewRealm(connection, {
    programId: GOVERNANCE_PROGRAM_ID,
    realm: DEMO.realm,
    treasury,
    now: Number(dao.clock.unixTimestamp),
  });
  reviews = new Map();
  for (const outcome of result.outcomes) {
    if (outcome.status !== 'reviewed') throw new Error('expected fresh reviews');
    const seeded = dao.governance.proposals.find((p) => p.address.toBase58() === outcome.review.proposal.address)!;
    reviews.set(seeded.key, outcome.review);
  }
});
afterAll(() => running.close());

const flagsOf = (key: DemoProposalKey) => reviews.get(key)!.flags.map((f) => `${f.id}:${f.severity}`);

describe('deterministic review of the demo DAO', () => {
  it('reviews all five proposals', () => {
    expect([...reviews.keys()].sort()).toEqual(['configChange', 'injection', 'largeOutflow', 'routineGrant', 'setAuthority']);
  });
  it('routine grant: nothing severe, simulated with the grantee receiving 5,000 USDC', () => {
    const review = reviews.get('routineGrant')!;
    expect(review.flags.filter((f) => f.severity === 'severe')).toEqual([]);
    expect(review.recommendation).not.toBe('against');
    expect(review.simulation.status).toBe('simulated');
    if (review.simulation.status !== 'simulated') return;
    expect(review.simulation.ok).toBe(true);
    const treasuryUsdc = review.simulation.changes.find((c) => c.address === DEMO.treasuryTokenAccounts.USDC.toBase58());
    expect(treasuryUsdc?.tokenDelta).toBe(-5_000_000_000n);
  });
  it('large outflow: severe outflow to a new destination; simulation shows the stranger paid', () => {
    expect(flagsOf('largeOutflow')).toEqual(expect.arrayContaining(['treasury-outflow:severe', 'new-destination:warn']));
    const review = reviews.get('largeOutflow')!;
    expect(review.recommendation).toBe('against');
    if (review.simulation.status !== 'simulated') throw new Error(JSON.stringify(review.simulation));
    const stranger = review.simulation.changes.find((c) => c.address === DEMO.strangerUsdcAccount.toBase58());
    expect(stranger?.tokenDelta).toBe(900_000_000_000n);
  });
  it('set authority: severe authority change; simulation shows the new owner', () => {
    expect(flagsOf('setAuthority')).toContain('authority-change:severe');
    const review = reviews.get('setAuthority')!;
    if (review.simulation.status !== 'simulated') throw new Error(JSON.stringify(review.simulation));
    const usdc = review.simulation.changes.find((c) => c.address === DEMO.treasuryTokenAccounts.USDC.toBase58());
    expect(usdc?.authorityChanges.join()).toContain(`→ ${DEMO.stranger.toBase58()}`);
  });
  it('config change: severe config change; not simulated because governance is not deployed here', () => {
    expect(flagsOf('configChange')).toContain('governance-config-change:severe');
    const review = reviews.get('configChange')!;
    expect(review.simulation).toMatchObject({ status: 'not-simulated' });
    if (review.simulation.status === 'not-simulated') expect(review.simulation.reason).toContain('not deployed');
  });
  it('injection: understated amount, injection text, new destination, little time left', () => {
    expect(flagsOf('injection')).toEqual(
      expect.arrayContaining([
        'treasury-outflow:severe',
        'description-mismatch:severe',
        'prompt-injection:severe',
        'new-destination:warn',
        'little-time-to-vote:warn',
      ]),
    );
    expect(reviews.get('injection')!.recommendation).toBe('against');
  });
  it('stores reviews, skips unchanged proposals, writes reports', async () => {
    const store = openStore(':memory:');
    const reportsDir = mkdtempSync(join(tmpdir(), 'steward-reviews-'));
    try {
      const counter = new RpcCounter();
      const connection = createConnection(running.url, { counter });
      const params = {
        programId: GOVERNANCE_PROGRAM_ID,
        realm: DEMO.realm,
        treasury,
        now: Number(dao.clock.unixTimestamp),
        db: store.db,
        reportsDir,
        simulate: false,
      };
      const first = await reviewRealm(connection, params);
      expect(first.outcomes.map((o) => o.status)).toEqual(Array(5).fill('reviewed'));
      expect(counter.requests).toBe(3);
      const second = await reviewRealm(connection, params);
      expect(second.outcomes.map((o) => o.status)).toEqual(Array(5).fill('unchanged'));
      const injection = first.outcomes.find(
        (o) => o.status === 'reviewed' && o.review.proposal.address === DEMO.proposals.injection.toBase58(),
      );
      if (injection?.status !== 'reviewed') throw new Error('missing');
      const markdown = readFileSync(injection.markdownPath!, 'utf8');
      expect(markdown).toContain('**Recommendation: AGAINST**');
      expect(markdown).toContain('`prompt-injection`');
      expect(JSON.parse(readFileSync(injection.jsonPath!, 'utf8'))).toMatchObject({
        proposal: { address: DEMO.proposals.injection.toBase58() },
        recommendation: 'against',
      });
    } finally {
      store.close();
    }
  });
  it('prepares a vote but does not claim it cast where the governance program is missing', async () => {
    const connection = createConnection(running.url);
    const seeded = dao.governance.proposals[0]!;
    const vote = await prepareVote(connection, {
      programId: GOVERNANCE_PROGRAM_ID,
      realm: DEMO.realm,
      governance: DEMO.governance,
      proposal: seeded.address,
      proposalOwnerRecord: seeded.tokenOwnerRecord,
      voterTokenOwnerRecord: DEMO.tokenOwnerRecords.alice,
      voterAuthority: DEMO.members.alice,
      governingTokenMint: DEMO.communityMint,
      payer: DEMO.members.alice,
      choice: 'against',
    });
    expect(vote.status).toBe('prepared-only');
    expect(vote.instructions).toHaveLength(1);
    expect(vote.instructions[0]!.programId.equals(GOVERNANCE_PROGRAM_ID)).toBe(true);
  });
});
