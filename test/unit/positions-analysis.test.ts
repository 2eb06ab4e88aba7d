// analyzePositions and its math, pure: lending health by hand, concentrated-liquidity amounts at
// and around the range edges, stress direction, concentration and unreadable flags, I80F48.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  amountsFromLiquidity,
  analyzePositions,
  isqrt,
  shockLiquidity,
  MARGINFI_AUTHORITY_OFFSET,
  type LendingPosition,
  type LiquidityPosition,
  type PriceBook,
} from '../../src/treasury/positions/index.js';
import { i80f48Bytes, i80f48MulToUnits, i80f48Raw, i80f48RawToPpm, ppmToI80f48Raw } from '../../src/treasury/positions/idl-values.js';

const SOL = 'So11111111111111111111111111111111111111112';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const prices: PriceBook = new Map([
  [SOL, { symbol: 'SOL', mantissa: 150_00000000n, exponent: -8, confidence: 0n, publishTime: 0, trusted: true, reasons: [] }],
  [USDC, { symbol: 'USDC', mantissa: 1_00000000n, exponent: -8, confidence: 0n, publishTime: 0, trusted: true, reasons: [] }],
]);
const Q64 = 1n << 64n;

const lending = (solSupplied: bigint, usdcBorrowed: bigint, account = 'acct'): LendingPosition => ({
  kind: 'lending',
  protocol: 'marginfi',
  account,
  owner: 'owner',
  notes: [],
  legs: [
    { side: 'supply', mint: SOL, decimals: 9, amount: solSupplied, market: 'bankSol', maintWeightPpm: 800_000n, initWeightPpm: 650_000n },
    {
      side: 'borrow',
      mint: USDC,
      decimals: 6,
      amount: usdcBorrowed,
      market: 'bankUsdc',
      maintWeightPpm: 1_000_000n,
      initWeightPpm: 1_000_000n,
    },
  ],
});

// √(price of SOL in USDC base units) × 2^64 = √(150 × 10^−3) × 2^64.
const sqrtAt = (usd: bigint): bigint => isqrt((usd << 128n) / 1000n);
const lp = (sqrtPrice: bigint, lowerUsd: bigint, upperUsd: bigint, liquidity = 10n ** 11n): LiquidityPosition => {
  const [lower, upper] = [sqrtAt(lowerUsd), sqrtAt(upperUsd)];
  const { a, b } = amountsFromLiquidity(liquidity, sqrtPrice, lower, upper);
  return {
    kind: 'liquidity',
    protocol: 'orca-whirlpools',
    account: `lp-${lowerUsd}-${upperUsd}`,
    owner: 'owner',
    pool: 'pool',
    positionMint: 'nft',
    tokenA: { mint: SOL, decimals: 9, amount: a },
    tokenB: { mint: USDC, decimals: 6, amount: b },
    feesA: 0n,
    feesB: 0n,
    liquidity,
    tickLower: -1,
    tickUpper: 1,
    tickCurrent: 0,
    sqrtPriceX64: sqrtPrice,
    sqrtPriceLowerX64: lower,
    sqrtPriceUpperX64: upper,
    inRange: sqrtPrice >= lower && sqrtPrice < upper,
  };
};

describe('lending figures', () => {
  it('computes value, LTV, health and distance to liquidation by hand', () => {
    // 10 SOL = $1 500 against $1 000: health 1 500 × 0.8 / 1 000 = 1.2; distance 1 − 1/1.2 = 16.67 %, rounded toward liquidation.
    const analysis = analyzePositions([lending(10n * 10n ** 9n, 1_000n * 10n ** 6n)], prices, { shocks: { [SOL]: -300_000n } });
    expect(analysis.positions[0]).toMatchObject({
      suppliedMicroUsd: 1_500_000_000n,
      borrowedMicroUsd: 1_000_000_000n,
      ltvPpm: 666_667n,
      maxLtvPpm: 650_000n,
      liquidationLtvPpm: 800_000n,
      healthFactorPpm: 1_200_000n,
      distanceToLiquidationPpm: 166_666n,
    });
    expect(analysis.flags.map((f) => f.kind)).toContain('health-low');
    // SOL −30 %: 1 050 × 0.8 / 1 000 = 0.84 — the drop lowers health below liquidation.
    expect(analysis.stress!.positions[0]).toMatchObject({
      healthBeforePpm: 1_200_000n,
      healthAfterPpm: 840_000n,
      netBeforeMicroUsd: 500_000_000n,
      netAfterMicroUsd: 50_000_000n,
    });
  });

  it('flags a liquidatable account and an account without debt has no health factor', () => {
    const analysis = analyzePositions([lending(10n ** 9n, 200n * 10n ** 6n, 'under'), lending(10n ** 9n, 0n, 'free')], prices);
    expect(analysis.flags.find((f) => f.kind === 'liquidatable')?.account).toBe('under');
    expect(analysis.positions[1]).toMatchObject({ healthFactorPpm: null, distanceToLiquidationPpm: null, ltvPpm: 0n });
  });

  it('does not value a leg without a trusted price, and says so', () => {
    const untrusted: PriceBook = new Map([...prices, [SOL, { ...prices.get(SOL)!, trusted: false }]]);
    const analysis = analyzePositions([lending(10n ** 9n, 10n ** 6n)], untrusted);
    expect(analysis.positions[0]).toMatchObject({ suppliedMicroUsd: 0n, unpriced: [SOL] });
    expect(analysis.flags.map((f) => f.kind)).toContain('price-missing');
  });
});

describe('concentrated liquidity', () => {
  const L = 10n ** 11n;
  const [lower, upper] = [sqrtAt(120n), sqrtAt(190n)];
  it('holds only token A at and below the lower edge, only token B at and above the upper edge', () => {
    expect(amountsFromLiquidity(L, lower - 1n, lower, upper).b).toBe(0n);
    expect(amountsFromLiquidity(L, lower, lower, upper)).toEqual({ a: (L * (upper - lower) * Q64) / (lower * upper), b: 0n });
    expect(amountsFromLiquidity(L, upper, lower, upper)).toEqual({ a: 0n, b: (L * (upper - lower)) / Q64 });
    expect(amountsFromLiquidity(L, upper + 10n ** 12n, lower, upper)).toEqual(amountsFromLiquidity(L, upper, lower, upper));
    const mid = amountsFromLiquidity(L, sqrtAt(150n), lower, upper);
    expect(mid.a > 0n && mid.b > 0n).toBe(true);
  });

  it('flags out of range, and a price shock moves an in-range position out and lowers its value', () => {
    const inRange = lp(sqrtAt(150n), 120n, 190n);
    const out = lp(sqrtAt(150n), 170n, 210n);
    const analysis = analyzePositions([inRange, out], prices, { shocks: { [SOL]: -300_000n } });
    expect(analysis.flags.filter((f) => f.kind === 'lp-out-of-range').map((f) => f.account)).toEqual([out.account]);
    const stressed = analysis.stress!.positions[0]!;
    // −30 %: $150 → $105, below the $120 edge; the position is all SOL and worth less.
    expect(stressed).toMatchObject({ inRangeBefore: true, inRangeAfter: false });
    expect(stressed.netAfterMicroUsd).toBeLessThan(stressed.netBeforeMicroUsd);
    const moved = shockLiquidity(inRange, -300_000n, 0n);
    expect(moved.tokenB.amount).toBe(0n);
    expect(moved.sqrtPriceX64).toBe(isqrt((inRange.sqrtPriceX64 * inRange.sqrtPriceX64 * 700_000n) / 1_000_000n));
  });
});

describe('exposure', () => {
  it('shares by protocol against treasury + position assets, with a concentration flag', () => {
    const analysis = analyzePositions([lending(10n * 10n ** 9n, 0n)], prices, {
      treasuryMicroUsd: 500_000_000n,
      maxProtocolSharePpm: 500_000n,
    });
    // $1 500 in MarginFi of $2 000: 75 %.
    expect(analysis.byProtocol).toEqual([
      { protocol: 'marginfi', grossMicroUsd: 1_500_000_000n, netMicroUsd: 1_500_000_000n, sharePpm: 750_000n },
    ]);
    expect(analysis.flags.map((f) => f.kind)).toEqual(['protocol-concentration']);
    expect(analysis.byAsset).toEqual([
      { mint: SOL, symbol: 'SOL', assetsMicroUsd: 1_500_000_000n, borrowedMicroUsd: 0n, netMicroUsd: 1_500_000_000n },
      { mint: USDC, symbol: 'USDC', assetsMicroUsd: 0n, borrowedMicroUsd: 0n, netMicroUsd: 0n },
    ]);
    expect(analysis.hhiByProtocol).toBe(10_000n);
  });

  it('never values an unreadable position', () => {
    const analysis = analyzePositions(
      [{ kind: 'unreadable', protocol: 'marginfi', account: 'bad', owner: 'owner', reason: 'newer layout' }],
      prices,
    );
    expect(analysis.netMicroUsd).toBe(0n);
    expect(analysis.flags).toMatchObject([{ kind: 'unreadable', account: 'bad' }]);
  });
});

describe('MarginFi fixed point', () => {
  it('round-trips I80F48 and multiplies shares by share value', () => {
    for (const raw of [0n, 1n, -1n, ppmToI80f48Raw(1_020_000n), -(1n << 100n)]) expect(i80f48Raw(i80f48Bytes(raw))).toBe(raw);
    expect(i80f48RawToPpm(ppmToI80f48Raw(800_000n))).toBe(800_000n);
    expect(i80f48MulToUnits(5n << 48n, 3n << 48n)).toBe(15n);
    expect(MARGINFI_AUTHORITY_OFFSET).toBe(40);
  });
});

describe('isqrt', () => {
  it('is the exact floor square root at any size (integer Newton, no float start)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 600n) - 1n }), (n) => {
        const r = isqrt(n);
        expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
      }),
      { numRuns: 3000 },
    );
    for (const n of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, (1n << 106n) - 1n, 1n << 106n, (1n << 160n) + 12345n]) {
      const r = isqrt(n);
      expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
    }
    // A pool priced far away (a hostile or corrupt sqrt price): a 4096-bit radicand is still exact.
    const big = (1n << 4096n) - 1n;
    expect(isqrt(big)).toBe((1n << 2048n) - 1n);
    expect(() => isqrt(-1n)).toThrow(RangeError);
  });
});
