// The Squads fence arithmetic without a chain: reset-vs-rolling worst cases, the limits a policy
// compiles to (per-token and USD windows, two mints), and each drift flag raised by a planted
// misconfiguration and cleared by the limits grant computes (the same on the real program in
// test/chain/squads-grant.test.ts).
import { describe, expect, it } from 'vitest';
import { Keypair } from '@solana/web3.js';
import {
  checkSquadsDrift,
  compileSpendingLimits,
  nextResetAfter,
  periodsTouched,
  planGrant,
  remainingAt,
  worstCaseInWindow,
  type SquadsSpendingLimit,
  type SquadsTreasury,
} from '../../src/squads/index.js';
import { GRANTEE, JUP_MINT, USDC_MINT, policy, prices } from './policy-fixtures.js';

const AGENT = Keypair.generate().publicKey.toBase58();
const ALICE = Keypair.generate().publicKey.toBase58();
const BOB = Keypair.generate().publicKey.toBase58();
const GONE = Keypair.generate().publicKey.toBase58();
const VAULT = Keypair.generate().publicKey.toBase58();
const DAY = 86_400n;
const units = (n: number) => BigInt(Math.round(n * 1_000_000));

function treasury(limits: Partial<SquadsSpendingLimit>[], patch: Partial<SquadsTreasury> = {}): SquadsTreasury {
  return {
    programId: 'SQDS4ep65T869zMMBKyuUq6aD6EgTu8psMjkvj52pCf',
    multisig: Keypair.generate().publicKey.toBase58(),
    vaultIndex: 0,
    vault: VAULT,
    threshold: 2,
    timeLockSeconds: 3600,
    configAuthority: null,
    transactionIndex: 3n,
    members: [ALICE, BOB].map((key) => ({ key, initiate: true, vote: true, execute: true })),
    spendingLimits: limits.map((l, i) => ({
      address: Keypair.generate().publicKey.toBase58(),
      multisig: 'multisig',
      createKey: `key${i}`,
      vaultIndex: 0,
      mint: USDC_MINT,
      amount: units(1),
      period: 'Day',
      remainingAmount: l.amount ?? units(1),
      lastReset: 0n,
      members: [AGENT],
      destinations: [GRANTEE],
      ...l,
    })),
    chainTime: 1_000n,
    slot: 1,
    ...patch,
  };
}

describe('spending-limit arithmetic (reset at fixed times, not rolling)', () => {
  it('a rolling window touches ceil(W/P)+1 periods; OneTime only what remains', () => {
    expect(periodsTouched('Day', DAY)).toBe(2n);
    expect(periodsTouched('Day', DAY / 2n)).toBe(2n);
    expect(periodsTouched('Day', 7n * DAY)).toBe(8n);
    expect(periodsTouched('Week', DAY)).toBe(2n);
    expect(periodsTouched('Month', 7n * DAY)).toBe(2n);
    expect(worstCaseInWindow({ amount: 100n, period: 'Day', remainingAmount: 0n }, DAY)).toBe(200n);
    expect(worstCaseInWindow({ amount: 100n, period: 'OneTime', remainingAmount: 30n }, 365n * DAY)).toBe(30n);
  });
  it('resets lazily on the first use strictly after a whole period, as the program does', () => {
    const limit = { amount: 100n, period: 'Day' as const, remainingAmount: 10n, lastReset: 1_000n };
    expect(remainingAt(limit, 1_000n + DAY)).toBe(10n);
    expect(remainingAt(limit, 1_000n + DAY + 1n)).toBe(100n);
    expect(nextResetAfter(limit, 1_000n + 5n)).toBe(1_000n + DAY);
    expect(nextResetAfter(limit, 1_000n + 3n * DAY + 7n)).toBe(1_000n + 4n * DAY);
    expect(remainingAt({ ...limit, period: 'OneTime' }, 10n ** 12n)).toBe(10n);
  });
});

describe('compiling the policy into spending limits (USDC and JUP; per-token and USD windows)', () => {
  const compiled = compileSpendingLimits({
    policy: policy(),
    symbols: ['USDC', 'JUP'],
    prices,
    agent: AGENT,
    destinations: [GRANTEE, VAULT],
  });

  it('keeps the worst case of every window within the policy, says why, flags the USD split as price-dependent', () => {
    const usdc = compiled.limits.find((l) => l.symbol === 'USDC')!;
    const jup = compiled.limits.find((l) => l.symbol === 'JUP')!;
    // 24h: 8000 USDC → 4000 per Day; USD 24h $10,000 / 2 tokens = $5,000 → /2 ≈ 2498.75; 7d $30,000/2 = $15,000 over 8 Days ≈ 1874.06.
    expect(usdc.period).toBe('Day');
    expect(usdc.amount).toBe(1_874_062_968n); // floor(15,000 / 1.0005 upper price) / 8
    expect(jup.period).toBe('Day');
    expect(jup.amount).toBe(2_340_823_970n); // floor(15,000 / 0.801) / 8
    for (const limit of [usdc, jup]) {
      expect(limit.members).toEqual([AGENT]);
      expect(limit.destinations).toEqual([GRANTEE, VAULT].sort());
      expect(limit.priceDependent).toBe(true);
    }
    expect(compiled.caveats.join('\n')).toMatch(/USD window cannot be expressed per mint/);
    expect(compiled.caveats.join('\n')).toMatch(/per-transaction caps/);
    expect(usdc.notes.join('\n')).toMatch(/Squads cannot express a rolling 7d/);
  });

  it('picks the period with the most throughput, and says when granularity makes a limit impossible', () => {
    const perToken = policy((c) => {
      c.limits.windows = [{ window: '30d', tokens: { USDC: '3000' } }];
      c.limits.perTx = {};
    });
    const monthly = compileSpendingLimits({ policy: perToken, symbols: ['USDC'], prices, agent: AGENT, destinations: [GRANTEE] });
    // Day: 3000/31 ≈ 96.77 per day (2903 / 30 d); Week: 3000/6 = 500 per week (2142 / 30 d); Month: 3000/2 = 1500.
    expect(monthly.limits[0]).toMatchObject({ period: 'Day', amount: 96_774_193n, priceDependent: false });
    const tiny = policy((c) => {
      c.limits.windows = [{ window: '24h', tokens: { USDC: '0.000001' } }];
    });
    const none = compileSpendingLimits({ policy: tiny, symbols: ['USDC'], prices, agent: AGENT, destinations: [GRANTEE] });
    expect(none.limits).toEqual([]);
    expect(none.skipped[0]?.reason).toMatch(/period granularity makes it impossible/);
    const nowhere = compileSpendingLimits({ policy: perToken, symbols: ['USDC'], prices, agent: AGENT, destinations: [] });
    expect(nowhere.skipped[0]?.reason).toMatch(/empty Squads destination list means anywhere/);
  });

  it('raises each drift flag on a planted misconfiguration, and the limits grant computes clear them', () => {
    const p = policy();
    const destinations = new Set([GRANTEE, VAULT]);
    const ids = (t: SquadsTreasury) =>
      checkSquadsDrift({ policy: p, squads: t, agent: AGENT, symbols: ['USDC', 'JUP'], prices, destinations })
        .map((f) => f.id)
        .sort();
    const planted = treasury(
      [
        { mint: USDC_MINT, amount: units(5_000), period: 'Day', destinations: [] },
        { mint: USDC_MINT, amount: units(1), period: 'Week', members: [AGENT, BOB], destinations: [GRANTEE, ALICE] },
        { mint: USDC_MINT, amount: units(1), members: [GONE] },
      ],
      { timeLockSeconds: 0, members: [ALICE, BOB, AGENT].map((key) => ({ key, initiate: true, vote: key !== AGENT, execute: true })) },
    );
    const flags = checkSquadsDrift({ policy: p, squads: planted, agent: AGENT, symbols: ['USDC', 'JUP'], prices, destinations });
    expect(flags.map((f) => f.id).sort()).toEqual(
      [
        'agent-votes-or-executes',
        'destinations-broader',
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
    for (const flag of flags) expect(flag.fix.length).toBeGreaterThan(10);
    expect(flags.find((f) => f.id === 'limit-looser-than-policy' && f.subject !== 'USD 24h' && !f.priceDependent)?.message).toMatch(
      /up to 10002 USDC through in a rolling 24h \(periods reset at fixed times: 5000 per Day \+ 1 per Week\); the policy allows 8000/,
    );

    // Apply what grant plans: the result has no flags.
    const plan = planGrant({
      squads: planted,
      agent: AGENT,
      compiled: compiled.limits,
      revoke: false,
      timeLockSeconds: 3600,
      newCreateKey: () => Keypair.generate().publicKey,
    });
    expect(plan.steps.filter((s) => s.change.kind === 'remove')).toHaveLength(3);
    expect(plan.steps.filter((s) => s.change.kind === 'add')).toHaveLength(2);
    const added = plan.steps.flatMap((s) => (s.change.kind === 'add' ? [s.change.limit] : []));
    const after = treasury(
      added.map((l) => ({
        mint: l.mint,
        amount: l.amount,
        period: l.period,
        members: l.members.map(String),
        destinations: l.destinations.map(String),
      })),
      { timeLockSeconds: 3600 },
    );
    expect(ids(after)).toEqual([]);
    // And grant is then a no-op.
    expect(
      planGrant({ squads: after, agent: AGENT, compiled: compiled.limits, revoke: false, newCreateKey: () => Keypair.generate().publicKey })
        .steps,
    ).toEqual([]);
    expect(
      planGrant({
        squads: after,
        agent: AGENT,
        compiled: compiled.limits,
        revoke: true,
        newCreateKey: () => Keypair.generate().publicKey,
      }).steps.map((s) => s.change.kind),
    ).toEqual(['remove', 'remove']);
  });

  it('a JUP limit loose only in USD terms is caught by the USD window alone (the fences differ there)', () => {
    const p = policy();
    const squads = treasury([
      { mint: USDC_MINT, amount: units(1_000), period: 'Day' },
      { mint: JUP_MINT, amount: units(20_000), period: 'Day' },
    ]);
    const flags = checkSquadsDrift({ policy: p, squads, agent: AGENT, symbols: ['USDC', 'JUP'], prices, destinations: new Set([GRANTEE]) });
    expect(flags.map((f) => `${f.id}:${f.subject}`)).toEqual(['limit-looser-than-policy:USD 24h', 'limit-looser-than-policy:USD 7d']);
    expect(flags.every((f) => f.priceDependent)).toBe(true);
  });

  it('SOL held in the vault compiles to a limit on the default key (as Squads stores SOL); a missing or loose one is flagged', () => {
    const p = policy();
    const withSol = compileSpendingLimits({
      policy: p,
      symbols: ['USDC', 'JUP', 'SOL'],
      prices,
      agent: AGENT,
      destinations: [GRANTEE, VAULT],
    });
    const sol = withSol.limits.find((l) => l.symbol === 'SOL')!;
    // 7d $30,000 / 3 tokens = $10,000 at the upper price 150.1 → 66.62225183 SOL, over 8 Days.
    expect(sol).toMatchObject({ mint: 'native', decimals: 9, period: 'Day', priceDependent: true, members: [AGENT] });
    expect(sol.amount).toBe(8_327_781_479n);
    const symbols = ['USDC', 'JUP', 'SOL'];
    const flagsOf = (t: SquadsTreasury) =>
      checkSquadsDrift({ policy: p, squads: t, agent: AGENT, symbols, prices, destinations: new Set([GRANTEE, VAULT]) });
    const granted = (extra: Partial<SquadsSpendingLimit>[]) =>
      treasury([
        ...withSol.limits
          .filter((l) => l.symbol !== 'SOL')
          .map((l) => ({ mint: l.mint, amount: l.amount, period: l.period, destinations: l.destinations })),
        ...extra,
      ]);
    const missing = flagsOf(granted([]));
    expect(missing.map((f) => `${f.id}:${f.subject}`)).toEqual(['missing-limit:SOL']);
    expect(missing[0]!.message).toMatch(/SOL payments come from the agent's own float instead/);
    const loose = flagsOf(granted([{ mint: 'native', amount: 100_000_000_000n, period: 'Day', destinations: [GRANTEE, VAULT].sort() }]));
    expect(loose.map((f) => `${f.id}:${f.subject}`)).toEqual(['limit-looser-than-policy:USD 24h', 'limit-looser-than-policy:USD 7d']);
    expect(flagsOf(granted([{ mint: 'native', amount: sol.amount, period: 'Day', destinations: sol.destinations }]))).toEqual([]);
  });
});
