// Liquid-staking figures: the depeg of an LST's market price against its stake-pool rate × SOL,
// compared exactly at the threshold's edges, in both directions, with missing or untrusted
// prices, a stale pool rate, and the SOL stress.
import { describe, expect, it } from 'vitest';
import {
  analyzePositions,
  liquidStakingFigures,
  type LiquidStakingPosition,
  type MintPrice,
  type PriceBook,
} from '../../src/treasury/positions/index.js';

const SOL_MINT = 'So11111111111111111111111111111111111111112';
const LST = 'J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn';
const SOL = 1_000_000_000n;
const POOL = 'Jito4APyf642JPZPx3hGc6WWJ8zPKtRbRs4P815Awbb';

// 1.25 SOL per token; SOL $150 → fair $187.50.
const position = (overrides: Partial<LiquidStakingPosition> = {}): LiquidStakingPosition => ({
  kind: 'liquid-staking',
  protocol: 'spl-stake-pool',
  account: POOL,
  owner: null,
  symbol: 'jitoSOL',
  holding: { mint: LST, decimals: 9, amount: 2_000n * SOL },
  totalLamports: 2_500n * SOL,
  poolTokenSupply: 2_000n * SOL,
  lastUpdateEpoch: 700n,
  epoch: 700n,
  epochFeePpm: 40_000n,
  ...overrides,
});
const price = (component: bigint, exponent = -8, trusted = true): MintPrice => ({
  symbol: '',
  mantissa: component,
  exponent,
  confidence: 0n,
  publishTime: 0,
  trusted,
  reasons: [],
});
const book = (lst: MintPrice | null, sol: MintPrice | null = price(15_000_000_000n)): PriceBook =>
  new Map([...(sol ? [[SOL_MINT, sol] as const] : []), ...(lst ? [[LST, lst] as const] : [])]);

describe('liquid-staking depeg', () => {
  it('is exactly -272 bps at 182.40 vs a 187.50 rate value, flagged at 272 and not at 273', () => {
    const prices = book(price(18_240_000_000n));
    expect(liquidStakingFigures(position(), prices, 272n)).toMatchObject({ depegBps: -272n, depegged: true });
    expect(liquidStakingFigures(position(), prices, 273n)).toMatchObject({ depegBps: -272n, depegged: false });
    const flags = analyzePositions([position()], prices, { lstDepegThresholdBps: 272 }).flags;
    expect(flags.map((f) => [f.kind, f.severity])).toEqual([['lst-depeg', 'warning']]);
    expect(analyzePositions([position()], prices, { lstDepegThresholdBps: 273 }).flags).toEqual([]);
  });

  it('uses 100 bps by default: 1 % away is flagged, a hair less is not, either way', () => {
    // fair 187.5: 1 % = 1.875 → 185.625 and 189.375.
    expect(liquidStakingFigures(position(), book(price(18_562_500_000n)))).toMatchObject({ depegBps: -100n, depegged: true });
    expect(liquidStakingFigures(position(), book(price(18_562_500_001n)))).toMatchObject({ depegBps: -99n, depegged: false });
    expect(liquidStakingFigures(position(), book(price(18_937_500_000n)))).toMatchObject({ depegBps: 100n, depegged: true });
    expect(liquidStakingFigures(position(), book(price(18_937_499_999n)))).toMatchObject({ depegBps: 99n, depegged: false });
    const above = analyzePositions([position()], book(price(18_937_500_000n)));
    expect(above.flags[0]?.message).toBe(
      `jitoSOL (stake pool ${POOL}) trades at $189.375, 100 bps above its stake-pool value $187.50 (1.25 SOL per token; threshold 100 bps)`,
    );
  });

  it('compares across exponents and decimals exactly', () => {
    // Same 182.40 with exponent −5, SOL with exponent −2, a 6-decimal LST.
    const six = position({ holding: { mint: LST, decimals: 6, amount: 2_000_000_000n }, poolTokenSupply: 2_000_000_000n });
    expect(liquidStakingFigures(six, book(price(18_240_000n, -5), price(15_000n, -2)), 272n)).toMatchObject({
      depegBps: -272n,
      depegged: true,
      lamportsPerToken: 1_250_000_000n,
      solLamports: 2_500n * SOL,
      fairMicroUsd: 375_000_000_000n,
      marketMicroUsd: 364_800_000_000n,
    });
  });

  it('has no depeg without a trusted price and says which one is missing', () => {
    expect(liquidStakingFigures(position(), book(price(18_240_000_000n, -8, false)))).toMatchObject({
      depegBps: null,
      depegged: false,
      marketMicroUsd: null,
      fairMicroUsd: 375_000_000_000n,
    });
    expect(liquidStakingFigures(position(), book(price(18_240_000_000n), null))).toMatchObject({
      depegBps: null,
      fairMicroUsd: null,
      marketMicroUsd: 364_800_000_000n,
    });
    const flags = analyzePositions([position()], book(null)).flags;
    expect(flags).toEqual([
      expect.objectContaining({
        kind: 'price-missing',
        message: `no trusted jitoSOL price: jitoSOL (stake pool ${POOL}) cannot be checked against its stake-pool rate`,
      }),
    ]);
  });

  it('flags a rate not updated this epoch, stresses the value at the rate, and keeps LSTs out of position totals', () => {
    const prices = book(price(18_750_000_000n));
    const analysis = analyzePositions([position({ lastUpdateEpoch: 699n })], prices, { shocks: { [SOL_MINT]: -300_000n } });
    expect(analysis.flags.map((f) => f.kind)).toEqual(['lst-rate-stale']);
    expect(analysis.liquidStaking[0]).toMatchObject({
      depegBps: 0n,
      rateStale: true,
      fairMicroUsd: 375_000_000_000n,
      stressedFairMicroUsd: 262_500_000_000n,
    });
    expect(analysis).toMatchObject({ positions: [], assetsMicroUsd: 0n, netMicroUsd: 0n, byProtocol: [], stress: { positions: [] } });
    expect(liquidStakingFigures(position({ epoch: null }), prices).rateStale).toBe(false);
  });
});
