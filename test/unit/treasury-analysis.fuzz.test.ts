// Invariants of analyzeTreasury over random treasuries (fast-check): the trusted total is the
// exact sum of its rows, untrusted values never leak into it, weights add up to 100% within
// rounding, and HHI stays between 10000/n and 10000.
import { PublicKey } from '@solana/web3.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../src/shared/index.js';
import { analyzeTreasury, type TreasurySnapshot } from '../../src/treasury/index.js';

const addr = (n: number): Address => new PublicKey(Buffer.alloc(32, n)).toBase58() as Address;

const holding = fc.record({
  amount: fc.bigInt({ min: 0n, max: 1n << 70n }),
  price: fc.bigInt({ min: 1n, max: 10n ** 14n }),
  decimals: fc.integer({ min: 0, max: 12 }),
  trusted: fc.boolean(),
  stable: fc.boolean(),
});

function build(holdings: Array<{ amount: bigint; price: bigint; decimals: number; trusted: boolean; stable: boolean }>): TreasurySnapshot {
  const owner = addr(1);
  return {
    version: 1,
    slot: 1n,
    minSlot: 1n,
    observedAt: '2025-01-01T00:00:00.000Z',
    chainClock: null,
    agent: null,
    oracle: { maxStalenessSeconds: 60, maxConfidenceBps: 100 },
    tokens: holdings.map((h, index) => ({
      symbol: `T${index}`,
      mint: addr(10 + index),
      decimals: h.decimals,
      pyth: addr(50 + index),
      stable: h.stable,
    })),
    owners: [{ address: owner, lamports: 0n, exists: true }],
    tokenAccounts: holdings.map((h, index) => ({
      address: addr(100 + index),
      owner,
      mint: addr(10 + index),
      program: 'spl-token' as const,
      amount: h.amount,
      delegate: null,
      delegatedAmount: 0n,
      frozen: false,
      closeAuthority: null,
      extensions: [],
    })),
    mints: holdings.map((h, index) => ({
      address: addr(10 + index),
      program: 'spl-token' as const,
      decimals: h.decimals,
      supply: 0n,
      mintAuthority: null,
      freezeAuthority: null,
      extensions: [],
      risks: [],
    })),
    stakeAccounts: [],
    prices: holdings.map((h, index) => ({
      symbol: `T${index}`,
      account: addr(50 + index),
      component: h.price,
      confidenceComponent: 0n,
      exponent: -8,
      status: 'Trading',
      publishSlot: 1n,
      publishTime: 1n,
      ageSeconds: 0,
      trusted: h.trusted,
      reasons: h.trusted ? [] : ['stale'],
    })),
    allowances: [],
    problems: [],
    rpcCalls: {},
  };
}

describe('analyzeTreasury invariants', () => {
  it('totals, weights and HHI stay consistent for any treasury', () => {
    fc.assert(
      fc.property(fc.array(holding, { minLength: 1, maxLength: 8 }), (holdings) => {
        const analysis = analyzeTreasury(build(holdings), { depegThresholdBps: 50 });
        const rows = analysis.assets.filter((asset) => asset.label !== 'SOL');
        const sum = (kind: string) =>
          rows
            .filter((asset) => asset.valueKind === kind && asset.amount > 0n)
            .reduce((total, asset) => total + (asset.valueMicroUsd ?? 0n), 0n);
        expect(analysis.totals.trustedMicroUsd).toBe(sum('trusted'));
        expect(analysis.totals.untrustedMicroUsd).toBe(sum('untrusted'));
        const weighted = rows.filter((asset) => asset.weightPpm !== null && asset.amount > 0n);
        if (analysis.totals.trustedMicroUsd === 0n) {
          expect(analysis.concentration.hhi).toBeNull();
          return;
        }
        const weightSum = weighted.reduce((total, asset) => total + (asset.weightPpm ?? 0n), 0n);
        // Each weight is rounded half up: the sum is within one ppm per asset of 100%.
        expect(weightSum - 1_000_000n <= BigInt(weighted.length) && 1_000_000n - weightSum <= BigInt(weighted.length)).toBe(true);
        const positive = weighted.filter((asset) => (asset.valueMicroUsd ?? 0n) > 0n).length;
        const hhi = analysis.concentration.hhi ?? -1n;
        expect(hhi <= 10_000n && hhi >= 10_000n / BigInt(positive) - 1n).toBe(true);
        for (const asset of rows) if (asset.valueKind !== 'trusted') expect(asset.weightPpm).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
