// analyzeTreasury, the TreasuryView and summarizeForPrompt against hand-computed figures. Every expected number
// below was worked out by hand (or with exact fractions) from the inputs written next to it.
import { getAssociatedTokenAddressSync } from '@solana/spl-token';
import { PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { observedContext } from '../../src/agent/policy-context.js';
import { indexTreasury, treasuryContextFromView } from '../../src/governance/index.js';
import type { Address } from '../../src/shared/index.js';
import {
  analyzeTreasury,
  buildTreasuryView,
  parseSnapshot,
  summarizeForPrompt,
  toJsonText,
  type SnapshotPrice,
  type TreasurySnapshot,
} from '../../src/treasury/index.js';
import { formatUsd } from '../../src/shared/index.js';

const addr = (n: number): Address => new PublicKey(Buffer.alloc(32, n)).toBase58() as Address;
const OWNER = addr(1);
const AGENT = addr(2);
const USDC = addr(10);
const USDT = addr(11);
const JUP = addr(12);
const ODD = addr(13);

function price(symbol: string, component: bigint, trusted = true, reasons: string[] = []): SnapshotPrice {
  return {
    symbol,
    account: addr(100 + symbol.length),
    component,
    confidenceComponent: 0n,
    exponent: -8,
    status: 'Trading',
    publishSlot: 10n,
    publishTime: 1_000n,
    ageSeconds: 5,
    trusted,
    reasons,
  };
}

function snapshot(overrides: Partial<TreasurySnapshot> = {}): TreasurySnapshot {
  return {
    version: 1,
    slot: 100n,
    minSlot: 100n,
    observedAt: '2025-01-01T00:00:00.000Z',
    chainClock: { slot: 100n, epoch: 5n, unixTimestamp: 1_005n },
    agent: AGENT,
    oracle: { maxStalenessSeconds: 60, maxConfidenceBps: 100 },
    tokens: [
      { symbol: 'SOL', mint: 'native', decimals: 9, pyth: addr(50), stable: false },
      { symbol: 'USDC', mint: USDC, decimals: 6, pyth: addr(51), stable: true },
      { symbol: 'USDT', mint: USDT, decimals: 6, pyth: addr(52), stable: true },
      { symbol: 'JUP', mint: JUP, decimals: 6, pyth: addr(53), stable: false },
    ],
    owners: [{ address: OWNER, lamports: 0n, exists: true }],
    tokenAccounts: [],
    mints: [USDC, USDT, JUP].map((mint) => ({
      address: mint,
      program: 'spl-token' as const,
      decimals: 6,
      supply: (1n << 64n) - 1n,
      mintAuthority: null,
      freezeAuthority: null,
      extensions: [],
      risks: [],
    })),
    stakeAccounts: [],
    prices: [
      price('SOL', 15_000_000_000n),
      price('USDC', 100_000_000n),
      price('USDT', 99_150_000n),
      price('JUP', 82_000_000n, false, ['stale: published 900s ago, limit 60s']),
    ],
    allowances: [],
    problems: [],
    rpcCalls: {},
    ...overrides,
  };
}

function tokenAccount(n: number, mint: Address, amount: bigint, extra: Partial<TreasurySnapshot['tokenAccounts'][number]> = {}) {
  return {
    address: addr(n),
    owner: OWNER,
    mint,
    program: 'spl-token' as const,
    amount,
    delegate: null,
    delegatedAmount: 0n,
    frozen: false,
    closeAuthority: null,
    extensions: [],
    ...extra,
  };
}

/** 1000 SOL + 100,000 USDC + 50,000 USDT at 0.9915 + 1,000,000 JUP at a stale 0.82. */
function mixed(): TreasurySnapshot {
  return snapshot({
    owners: [{ address: OWNER, lamports: 1_000n * 10n ** 9n, exists: true }],
    tokenAccounts: [
      tokenAccount(20, USDC, 100_000n * 10n ** 6n, { delegate: AGENT, delegatedAmount: 25_000n * 10n ** 6n }),
      tokenAccount(21, USDT, 50_000n * 10n ** 6n),
      tokenAccount(22, JUP, 1_000_000n * 10n ** 6n),
    ],
    allowances: [{ tokenAccount: addr(20), mint: USDC, symbol: 'USDC', delegate: AGENT, remaining: 25_000n * 10n ** 6n }],
  });
}

const options = { depegThresholdBps: 50, targets: { SOL: '50%', USDC: '30%', USDT: '20%' }, monthlySpendUsd: '10000' };

describe('analyzeTreasury', () => {
  it('an empty treasury has zero value and no shares, HHI or weights', () => {
    const analysis = analyzeTreasury(snapshot(), { depegThresholdBps: 50, monthlySpendUsd: '1000' });
    expect(analysis.totals.trustedMicroUsd).toBe(0n);
    expect(analysis.totals.untrustedMicroUsd).toBe(0n);
    expect(analysis.concentration.hhi).toBeNull();
    expect(analysis.concentration.largest).toBeNull();
    expect(analysis.stableShare.sharePpm).toBeNull();
    expect(analysis.runway.months).toBe('0');
    expect(analysis.idleSol.idleLamports).toBe(0n);
    expect(analysis.assets.map((asset) => [asset.label, asset.amount, asset.weightPpm])).toEqual([['SOL', 0n, null]]);
  });

  it('a single-asset treasury is 100% of one asset with HHI 10000', () => {
    const analysis = analyzeTreasury(snapshot({ tokenAccounts: [tokenAccount(20, USDC, 10n ** 12n)] }), {
      depegThresholdBps: 50,
      monthlySpendUsd: '250000',
      targets: { USDC: '100%' },
    });
    const usdc = analysis.assets.find((asset) => asset.label === 'USDC');
    // 1,000,000.000000 USDC at 1.00000000 = $1,000,000 = 10^12 micro-USD.
    expect(usdc?.valueMicroUsd).toBe(10n ** 12n);
    expect(usdc?.weightPpm).toBe(1_000_000n);
    expect(usdc?.driftPpm).toBe(0n);
    expect(analysis.totals.trustedMicroUsd).toBe(10n ** 12n);
    expect(analysis.concentration.hhi).toBe(10_000n);
    expect(analysis.concentration.largest).toEqual({ label: 'USDC', weightPpm: 1_000_000n });
    expect(analysis.stableShare.sharePpm).toBe(1_000_000n);
    expect(analysis.runway.months).toBe('4');
    // USDT is depegged in the fixture but not held: context, not an alarm.
    expect(analysis.flags.map((flag) => `${flag.severity}:${flag.code}:${flag.subject}`)).toEqual(['info:depeg:USDT']);
  });

  it('values, weights, drift, concentration, stable share, runway and depeg of a mixed treasury', () => {
    const analysis = analyzeTreasury(mixed(), options);
    const by = (label: string) => analysis.assets.find((asset) => asset.label === label);
    // SOL 1000 × $150 = $150,000; USDC $100,000; USDT 50,000 × 0.9915 = $49,575. Trusted total $299,575.
    expect(by('SOL')?.valueMicroUsd).toBe(150_000_000_000n);
    expect(by('USDT')?.valueMicroUsd).toBe(49_575_000_000n);
    expect(analysis.totals.trustedMicroUsd).toBe(299_575_000_000n);
    // JUP 1,000,000 × 0.82 = $820,000, at a stale price: shown apart, not added in.
    expect(by('JUP')?.valueKind).toBe('untrusted');
    expect(by('JUP')?.weightPpm).toBeNull();
    expect(analysis.totals.untrustedMicroUsd).toBe(820_000_000_000n);
    // Weights: 150000/299575 = 0.50070933 → 500709 ppm; 100000/299575 → 333806; 49575/299575 → 165484.
    expect([by('SOL')?.weightPpm, by('USDC')?.weightPpm, by('USDT')?.weightPpm]).toEqual([500_709n, 333_806n, 165_484n]);
    expect([by('SOL')?.driftPpm, by('USDC')?.driftPpm, by('USDT')?.driftPpm]).toEqual([709n, 33_806n, -34_516n]);
    // HHI = (150000² + 100000² + 49575²) × 10000 / 299575² = 3895.215 → 3895.
    expect(analysis.concentration.hhi).toBe(3_895n);
    expect(analysis.concentration.largest).toEqual({ label: 'SOL', weightPpm: 500_709n });
    // Stable share 149575/299575 = 0.4992907 → 499291 ppm.
    expect(analysis.stableShare.stableMicroUsd).toBe(149_575_000_000n);
    expect(analysis.stableShare.sharePpm).toBe(499_291n);
    // Runway 299575/10000 = 29.9575 → 29.95; stablecoins 14.9575 → 14.95.
    expect(analysis.runway.months).toBe('29.95');
    expect(analysis.runway.stableMonths).toBe('14.95');
    // USDT 0.9915 is 85 bps from $1: past 50.
    expect(analysis.depegs.find((check) => check.symbol === 'USDT')).toMatchObject({
      status: 'depegged',
      deviationBps: '85',
      priceText: '0.9915',
    });
    expect(analysis.depegs.find((check) => check.symbol === 'USDC')).toMatchObject({ status: 'pegged', deviationBps: '0' });
    // Idle SOL: 1000 − 0.1 reserve = 999.9 SOL, worth $149,985.
    expect(analysis.idleSol.idleLamports).toBe(999_900_000_000n);
    expect(analysis.idleSol.valueMicroUsd).toBe(149_985_000_000n);
    expect(analysis.allowances).toEqual([{ tokenAccount: addr(20), label: 'USDC', remaining: 25_000_000_000n, remainingText: '25000' }]);
    expect(analysis.flags.map((flag) => `${flag.code}:${flag.subject}`).sort()).toEqual(['depeg:USDT', 'untrusted-price:JUP']);
  });

  it('stays exact past 2^53 base units', () => {
    const huge = (1n << 64n) - 1n; // 18,446,744,073,709.551615 USDC
    const analysis = analyzeTreasury(snapshot({ tokenAccounts: [tokenAccount(20, USDC, huge), tokenAccount(21, USDC, huge)] }), {
      depegThresholdBps: 50,
    });
    expect(analysis.totals.trustedMicroUsd).toBe(2n * huge);
    expect(formatUsd(analysis.totals.trustedMicroUsd, 'decimal')).toBe('36893488147419.10323');
    expect(analysis.assets.find((asset) => asset.label === 'USDC')?.sources).toHaveLength(2);
  });

  it('counts stake the owners can withdraw, not stake they only manage; inactive stake is idle', () => {
    const stake = (n: number, withdrawer: Address, activation: 'active' | 'inactive', lamports: bigint) => ({
      address: addr(n),
      lamports,
      owner: OWNER,
      role: withdrawer === OWNER ? ('withdrawer' as const) : ('staker' as const),
      staker: OWNER,
      withdrawer,
      state: 'delegated' as const,
      voter: addr(60),
      delegatedStake: lamports,
      activationEpoch: 1n,
      deactivationEpoch: activation === 'inactive' ? 2n : null,
      activation,
      lockupUnixTimestamp: 0n,
      lockupEpoch: 0n,
    });
    const analysis = analyzeTreasury(
      snapshot({
        stakeAccounts: [
          stake(30, OWNER, 'active', 500n * 10n ** 9n),
          stake(31, OWNER, 'inactive', 20n * 10n ** 9n),
          stake(32, addr(61), 'active', 7n * 10n ** 9n),
        ],
      }),
      { depegThresholdBps: 50 },
    );
    expect(analysis.stake).toEqual({ ownedLamports: 520n * 10n ** 9n, activeLamports: 500n * 10n ** 9n, stakerOnly: [addr(32)] });
    expect(analysis.idleSol.idleLamports).toBe(20n * 10n ** 9n);
    // 520 SOL × $150 = $78,000.
    expect(analysis.totals.trustedMicroUsd).toBe(78_000_000_000n);
  });

  it('flags unknown mints, foreign delegates, frozen accounts, risky mints and wrong decimals instead of trusting them', () => {
    const base = snapshot();
    const analysis = analyzeTreasury(
      snapshot({
        tokenAccounts: [
          tokenAccount(20, USDC, 10n ** 6n, { delegate: addr(66), delegatedAmount: 5n }),
          tokenAccount(21, ODD, 42n, { frozen: true }),
          tokenAccount(22, USDT, 10n ** 6n),
        ],
        mints: [
          ...base.mints.filter((mint) => mint.address !== USDT),
          { ...base.mints[1]!, decimals: 9 },
          {
            address: ODD,
            program: 'token-2022',
            decimals: 0,
            supply: 1_000n,
            mintAuthority: null,
            freezeAuthority: null,
            extensions: ['PermanentDelegate'],
            risks: [
              {
                kind: 'permanent-delegate',
                detail: 'anyone holding the permanent delegate key can move or burn tokens from every account',
                authority: addr(67),
              },
            ],
          },
        ],
      }),
      { depegThresholdBps: 50 },
    );
    const codes = analysis.flags.map((flag) => `${flag.severity}:${flag.code}:${flag.subject}`).sort();
    expect(codes).toEqual(
      [
        'critical:depeg:USDT',
        `critical:foreign-delegate:${addr(20)}`,
        `critical:mint-risk:${ODD.slice(0, 4)}…${ODD.slice(-4)}`,
        'warning:unpriced-asset:' + `${ODD.slice(0, 4)}…${ODD.slice(-4)}`,
        'warning:untrusted-price:USDT',
        `warning:frozen-account:${addr(21)}`,
      ].sort(),
    );
    const usdt = analysis.assets.find((asset) => asset.label === 'USDT');
    expect(usdt?.flags).toEqual(['decimals-mismatch']);
    expect(usdt?.decimals).toBe(9);
    expect(analysis.totals.trustedMicroUsd).toBe(1_000_000n);
    expect(analysis.totals.unpriced).toEqual([`${ODD.slice(0, 4)}…${ODD.slice(-4)}`]);
  });

  it('flags a balance above the mint supply and does not trust its value', () => {
    const base = snapshot();
    const analysis = analyzeTreasury(
      snapshot({
        tokenAccounts: [tokenAccount(20, USDC, 18_400_000_000_000n * 10n ** 6n), tokenAccount(21, USDC, 1n)],
        mints: base.mints.map((mint) => (mint.address === USDC ? { ...mint, supply: 10n ** 12n } : mint)),
      }),
      { depegThresholdBps: 50 },
    );
    const flag = analysis.flags.find((f) => f.code === 'balance-above-supply');
    expect(flag).toMatchObject({ severity: 'critical', subject: addr(20) });
    expect(flag?.message).toContain("more than the mint's whole supply of 1000000");
    expect(analysis.flags.filter((f) => f.code === 'balance-above-supply')).toHaveLength(1);
    expect(analysis.assets.find((asset) => asset.label === 'USDC')?.flags).toContain('balance-above-supply');
    expect(analysis.totals.trustedMicroUsd).toBe(0n);
  });

  it('reports changes since the previous snapshot', () => {
    const before = snapshot({ slot: 90n, tokenAccounts: [tokenAccount(20, USDC, 50_000n * 10n ** 6n), tokenAccount(23, USDC, 1n)] });
    const now = snapshot({ tokenAccounts: [tokenAccount(20, USDC, 80_000n * 10n ** 6n), tokenAccount(24, USDT, 10n ** 6n)] });
    const analysis = analyzeTreasury(now, { depegThresholdBps: 50, previous: before });
    expect(analysis.changes).toMatchObject({
      previousSlot: 90n,
      previousTrustedMicroUsd: 50_000_000_001n,
      // 80,000 + 0.9915 − 50,000.000001 = 30,000.991499
      trustedMicroUsdDelta: 30_000_991_499n,
      newAccounts: [addr(24)],
      vanishedAccounts: [addr(23)],
    });
    expect(analysis.changes?.assets.map((row) => row.label).sort()).toEqual(['USDC', 'USDT']);
  });

  it('targets the treasury does not hold show as zero rows with negative drift', () => {
    const analysis = analyzeTreasury(snapshot({ tokenAccounts: [tokenAccount(20, USDC, 10n ** 6n)] }), {
      depegThresholdBps: 50,
      targets: { USDC: '60%', JUP: '40%' },
    });
    expect(analysis.targets.missingHoldings).toEqual(['JUP']);
    expect(analysis.assets.find((asset) => asset.label === 'JUP')).toMatchObject({ amount: 0n, weightPpm: 0n, driftPpm: -400_000n });
  });
});

describe('snapshot JSON', () => {
  it('round-trips through JSON text with bigints intact', () => {
    const original = mixed();
    const back = parseSnapshot(JSON.parse(toJsonText(original)));
    expect(back).toEqual(original);
  });
});

describe('summarizeForPrompt', () => {
  it('gives the model computed figures and marks untrusted values', () => {
    const text = summarizeForPrompt(analyzeTreasury(mixed(), options));
    expect(text).toContain('Total value (trusted prices): $299,575.00; untrusted prices, NOT counted: $820,000.00');
    expect(text).toContain('SOL | 1000 | $150 (5s) | $150,000.00 | 50.0709% | 50% | +0.07pp | -');
    expect(text).toContain('JUP | 1000000 | $0.82 (5s) UNTRUSTED | $820,000.00 | - | - | - | -');
    expect(text).toContain('Runway: 29.95 months (stablecoins alone: 14.95)');
    expect(text).toContain('[critical] USDT trades at $0.9915, 85 bps from $1 (threshold 50 bps)');
    expect(text).toContain('25000 USDC');
    expect(text.split('\n').length).toBeLessThan(30);
  });
});

describe('TreasuryView', () => {
  const ata = (owner: Address, mint: Address): string =>
    getAssociatedTokenAddressSync(new PublicKey(mint), new PublicKey(owner), true).toBase58();

  it('is the one value and the one treasury address book for the analysis, the policy and a review', () => {
    const view = buildTreasuryView(mixed());
    // 1000 SOL × 150 + 100,000 USDC + 50,000 × 0.9915 = 299,575; JUP (stale) apart at 820,000.
    expect(view.totals).toEqual({ trustedMicroUsd: 299_575_000_000n, untrustedMicroUsd: 820_000_000_000n, unpriced: [] });
    expect(analyzeTreasury(view, options).totals.trustedMicroUsd).toBe(view.totals.trustedMicroUsd);
    const review = indexTreasury(treasuryContextFromView(view));
    expect(review.context.totalUsdMicros).toBe(view.totals.trustedMicroUsd);
    // Only trusted prices reach a review: JUP stays unpriced there rather than guessed.
    expect(review.tokensByMint.get(JUP)?.price).toBeNull();
    expect(review.tokensByMint.get(USDC)?.price).toMatchObject({ mantissa: 100_000_000n, exponent: -8 });

    const observed = observedContext(view, Date.parse('2025-01-01T00:00:05Z'));
    expect(observed.balances).toMatchObject({ SOL: 1_000n * 10n ** 9n, USDC: 100_000n * 10n ** 6n });
    // The policy gets every Trading price and judges trust by its own bounds.
    expect(Object.keys(observed.prices).sort()).toEqual(['JUP', 'SOL', 'USDC', 'USDT']);

    const ownersUsdcAta = ata(OWNER, USDC);
    const unlistedMint = addr(77);
    const stranger = addr(78);
    for (const isTreasury of [view.addresses.isTreasury, review.isTreasury]) {
      expect(isTreasury(OWNER)).toBe(true);
      expect(isTreasury(addr(20))).toBe(true);
      // An owner's associated account counts, even before it exists, for any mint named.
      expect(isTreasury(ownersUsdcAta, USDC)).toBe(true);
      expect(isTreasury(ata(OWNER, unlistedMint), unlistedMint)).toBe(true);
      expect(isTreasury(stranger)).toBe(false);
      expect(isTreasury(ata(stranger, USDC), USDC)).toBe(false);
    }
    // The policy's set lists the owners' associated accounts of the token table's mints.
    expect(observed.treasuryAddresses.has(ownersUsdcAta)).toBe(true);
    expect(observed.treasuryAddresses.has(stranger)).toBe(false);
  });
});
