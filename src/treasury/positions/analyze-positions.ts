// Pure analysis of DeFi positions: value (micro-USD, trusted prices only), lending health,
// liquidity-range status, exposure by protocol and by asset, flags, and a price-shock stress
// that re-values every position (lending health, and LP token amounts at the shocked pool
// price), and liquid-staking tokens at their stake pool's rate against their market price (a
// separate section: the tokens are treasury holdings, so they are not added to position assets).
// No I/O, no SDK, no floats: the same positions and prices give the same figures.
import { StewardError } from '../../errors/index.js';
import { formatAmount, formatUsd, pow10, valueMicroUsd } from '../../shared/index.js';
import { PPM, sharePpm } from '../share.js';
import type {
  DefiPosition,
  LendingPosition,
  LiquidityPosition,
  LiquidStakingPosition,
  MintPrice,
  PositionLeg,
  PositionProtocol,
  PriceBook,
} from './types.js';

export const DEFAULT_HEALTH_FACTOR_MIN_PPM = 1_250_000n;
export const DEFAULT_MAX_PROTOCOL_SHARE_PPM = 500_000n;
export const DEFAULT_LST_DEPEG_THRESHOLD_BPS = 100;
const Q64 = 1n << 64n;
/** Wrapped SOL's mint: the price book prices native SOL under it. */
const SOL_MINT = 'So11111111111111111111111111111111111111112';
const LAMPORTS_DECIMALS = 9;

export interface AnalyzePositionsOptions {
  /** Flag lending positions whose health factor is below this (ppm; 1 000 000 = liquidation). Default 1.25. */
  healthFactorMinPpm?: bigint;
  /** Flag a protocol holding more than this share of the treasury (ppm). Default 50 %. */
  maxProtocolSharePpm?: bigint;
  /** The treasury's trusted holdings outside positions: protocol shares are of holdings + position assets. */
  treasuryMicroUsd?: bigint;
  /** Price moves to stress with, by mint, in ppm (−300 000 = −30 %). */
  shocks?: Readonly<Record<string, bigint>>;
  /** Flag an LST whose market price is this far (bps, either way) from its stake-pool rate × SOL, or farther. Default 100. */
  lstDepegThresholdBps?: number;
}

export interface LiquidStakingFigures {
  kind: 'liquid-staking';
  protocol: PositionProtocol;
  /** The stake pool account. */
  account: string;
  symbol: string;
  mint: string;
  decimals: number;
  amount: bigint;
  totalLamports: bigint;
  poolTokenSupply: bigint;
  /** Lamports one whole token redeems for at the pool rate (truncated): 1 250 000 000 = 1.25 SOL. */
  lamportsPerToken: bigint;
  /** The holding in lamports at the pool rate (truncated). */
  solLamports: bigint;
  /** solLamports at the SOL price (null without a trusted SOL price). */
  fairMicroUsd: bigint | null;
  /** The holding at the LST's own price (null without a trusted one). */
  marketMicroUsd: bigint | null;
  /** Per whole token, micro-USD (truncated). */
  fairPriceMicroUsd: bigint | null;
  marketPriceMicroUsd: bigint | null;
  /** (market − fair) / fair in bps, truncated toward zero; negative = trades below its rate. */
  depegBps: bigint | null;
  /** |market − fair| ≥ threshold × fair, compared exactly. */
  depegged: boolean;
  /** The pool's totals were last updated in an earlier epoch than the chain's: the rate lags rewards. */
  rateStale: boolean;
  /** fairMicroUsd at the stressed SOL price (null without shocks or a SOL price). */
  stressedFairMicroUsd: bigint | null;
}

export interface LendingFigures {
  kind: 'lending';
  protocol: PositionProtocol;
  account: string;
  /** Mints without a trusted price: the figures below leave them out and are then not reliable. */
  unpriced: string[];
  suppliedMicroUsd: bigint;
  borrowedMicroUsd: bigint;
  netMicroUsd: bigint;
  /** borrowed / supplied. */
  ltvPpm: bigint | null;
  /** Σ supplied × initial weight / supplied: the LTV new borrows stop at. */
  maxLtvPpm: bigint | null;
  /** Σ supplied × maintenance weight / supplied: the LTV (at liability weight 1) that liquidates. */
  liquidationLtvPpm: bigint | null;
  /** Σ supplied × maint weight / Σ borrowed × liability weight; null without debt. Below 1 000 000 liquidatable. */
  healthFactorPpm: bigint | null;
  /** How far all collateral prices can fall, borrowed prices fixed, before liquidation: 1 − 1/health. */
  distanceToLiquidationPpm: bigint | null;
}

export interface LiquidityFigures {
  kind: 'liquidity';
  protocol: PositionProtocol;
  account: string;
  unpriced: string[];
  tokensMicroUsd: bigint;
  feesMicroUsd: bigint;
  netMicroUsd: bigint;
  inRange: boolean;
  /** Token A share of the position's token value (ppm): 0 or 1 000 000 out of range. */
  tokenASharePpm: bigint | null;
}

export interface UnreadableFigures {
  kind: 'unreadable';
  protocol: PositionProtocol;
  account: string;
  reason: string;
}

export type PositionFigures = LendingFigures | LiquidityFigures | UnreadableFigures;

export interface PositionFlag {
  kind:
    | 'health-low'
    | 'liquidatable'
    | 'lp-out-of-range'
    | 'protocol-concentration'
    | 'unreadable'
    | 'price-missing'
    | 'lst-depeg'
    | 'lst-rate-stale';
  severity: 'info' | 'warning' | 'critical';
  protocol: PositionProtocol;
  account: string | null;
  message: string;
}

export interface ProtocolExposure {
  protocol: PositionProtocol;
  /** Assets in the protocol (supplied + LP value). */
  grossMicroUsd: bigint;
  netMicroUsd: bigint;
  /** gross / (treasury holdings + all position assets). */
  sharePpm: bigint | null;
}

export interface AssetExposure {
  mint: string;
  symbol: string | null;
  /** Supplied and in LPs (fees included). */
  assetsMicroUsd: bigint;
  borrowedMicroUsd: bigint;
  netMicroUsd: bigint;
}

export interface StressedPosition {
  account: string;
  netBeforeMicroUsd: bigint;
  netAfterMicroUsd: bigint;
  healthBeforePpm: bigint | null;
  healthAfterPpm: bigint | null;
  inRangeBefore: boolean | null;
  inRangeAfter: boolean | null;
}

export interface PositionsAnalysis {
  /** Lending, liquidity and unreadable positions (liquid-staking ones are in `liquidStaking`). */
  positions: PositionFigures[];
  /** Held liquid-staking tokens at their stake-pool rate vs their market price. Not in the totals below. */
  liquidStaking: LiquidStakingFigures[];
  assetsMicroUsd: bigint;
  debtMicroUsd: bigint;
  netMicroUsd: bigint;
  byProtocol: ProtocolExposure[];
  byAsset: AssetExposure[];
  /** HHI (0..10 000) of position assets by protocol and by asset. */
  hhiByProtocol: bigint | null;
  hhiByAsset: bigint | null;
  flags: PositionFlag[];
  stress: { shocks: Record<string, bigint>; positions: StressedPosition[]; netBeforeMicroUsd: bigint; netAfterMicroUsd: bigint } | null;
}

function legValue(leg: PositionLeg, amount: bigint, prices: PriceBook): bigint | null {
  const price = prices.get(leg.mint);
  if (!price || !price.trusted) return null;
  return valueMicroUsd(amount, leg.decimals, price, 'down');
}

export function lendingFigures(position: LendingPosition, prices: PriceBook): LendingFigures {
  const unpriced = new Set<string>();
  let supplied = 0n;
  let borrowed = 0n;
  let initWeighted = 0n;
  let maintWeighted = 0n;
  let liabilityWeighted = 0n;
  for (const leg of position.legs) {
    const value = legValue(leg, leg.amount, prices);
    if (value === null) {
      unpriced.add(leg.mint);
      continue;
    }
    if (leg.side === 'supply') {
      supplied += value;
      initWeighted += value * leg.initWeightPpm;
      maintWeighted += value * leg.maintWeightPpm;
    } else {
      borrowed += value;
      liabilityWeighted += value * leg.maintWeightPpm;
    }
  }
  const health = liabilityWeighted > 0n ? (maintWeighted * PPM) / liabilityWeighted : null;
  return {
    kind: 'lending',
    protocol: position.protocol,
    account: position.account,
    unpriced: [...unpriced],
    suppliedMicroUsd: supplied,
    borrowedMicroUsd: borrowed,
    netMicroUsd: supplied - borrowed,
    ltvPpm: sharePpm(borrowed, supplied),
    maxLtvPpm: supplied > 0n ? initWeighted / supplied : null,
    liquidationLtvPpm: supplied > 0n ? maintWeighted / supplied : null,
    healthFactorPpm: health,
    distanceToLiquidationPpm: health === null ? null : health <= PPM ? 0n : PPM - (PPM * PPM + health - 1n) / health,
  };
}

/** Token amounts of concentrated liquidity L between two √prices at the pool √price (all X64), rounded down. */
export function amountsFromLiquidity(liquidity: bigint, sqrtPrice: bigint, sqrtLower: bigint, sqrtUpper: bigint): { a: bigint; b: bigint } {
  if (sqrtPrice < sqrtLower) return { a: (liquidity * (sqrtUpper - sqrtLower) * Q64) / (sqrtLower * sqrtUpper), b: 0n };
  if (sqrtPrice >= sqrtUpper) return { a: 0n, b: (liquidity * (sqrtUpper - sqrtLower)) / Q64 };
  return { a: (liquidity * (sqrtUpper - sqrtPrice) * Q64) / (sqrtPrice * sqrtUpper), b: (liquidity * (sqrtPrice - sqrtLower)) / Q64 };
}

export function isqrt(value: bigint): bigint {
  if (value < 0n) throw new RangeError('square root of a negative number');
  if (value < 2n) return value;
  // Integer Newton from a power of two at or above the root: the iterates fall monotonically to
  // floor(sqrt(value)), with quadratic convergence, so O(log bits) steps at any size (a float
  // start would lose the low bits past 2^53 and then need one step per unit of the error).
  let x = 1n << BigInt(Math.ceil(value.toString(2).length / 2));
  for (;;) {
    const next = (x + value / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

export function liquidityFigures(position: LiquidityPosition, prices: PriceBook): LiquidityFigures {
  const unpriced = new Set<string>();
  const value = (leg: PositionLeg, amount: bigint): bigint => {
    const v = legValue(leg, amount, prices);
    if (v === null) unpriced.add(leg.mint);
    return v ?? 0n;
  };
  const a = value(position.tokenA, position.tokenA.amount);
  const b = value(position.tokenB, position.tokenB.amount);
  const fees = value(position.tokenA, position.feesA) + value(position.tokenB, position.feesB);
  return {
    kind: 'liquidity',
    protocol: position.protocol,
    account: position.account,
    unpriced: [...unpriced],
    tokensMicroUsd: a + b,
    feesMicroUsd: fees,
    netMicroUsd: a + b + fees,
    inRange: position.inRange,
    tokenASharePpm: sharePpm(a, a + b),
  };
}

function shockedBook(prices: PriceBook, shocks: Readonly<Record<string, bigint>>): PriceBook {
  const book = new Map<string, MintPrice>(prices);
  for (const [mint, shock] of Object.entries(shocks)) {
    const price = prices.get(mint);
    if (!price) continue;
    // Keep the exponent and scale the mantissa: exact for whole-ppm shocks, truncated otherwise.
    book.set(mint, { ...price, mantissa: (price.mantissa * (PPM + shock)) / PPM });
  }
  return book;
}

/** The position after the pool price moves by the two tokens' relative shock (arbitraged to the oracle move). */
export function shockLiquidity(position: LiquidityPosition, shockA: bigint, shockB: bigint): LiquidityPosition {
  if (shockA === shockB) return position;
  const sqrtPrice = isqrt((position.sqrtPriceX64 * position.sqrtPriceX64 * (PPM + shockA)) / (PPM + shockB));
  const { a, b } = amountsFromLiquidity(position.liquidity, sqrtPrice, position.sqrtPriceLowerX64, position.sqrtPriceUpperX64);
  return {
    ...position,
    tokenA: { ...position.tokenA, amount: a },
    tokenB: { ...position.tokenB, amount: b },
    sqrtPriceX64: sqrtPrice,
    inRange: sqrtPrice >= position.sqrtPriceLowerX64 && sqrtPrice < position.sqrtPriceUpperX64,
  };
}

function figures(position: DefiPosition, prices: PriceBook): PositionFigures {
  switch (position.kind) {
    case 'lending':
      return lendingFigures(position, prices);
    case 'liquidity':
      return liquidityFigures(position, prices);
    case 'liquid-staking':
      throw new StewardError('INTERNAL', 'liquid-staking positions are analyzed by liquidStakingFigures');
    case 'unreadable':
      return { kind: 'unreadable', protocol: position.protocol, account: position.account, reason: position.reason };
    default:
      return position satisfies never;
  }
}

function hhi(values: bigint[]): bigint | null {
  const total = values.reduce((sum, v) => sum + v, 0n);
  if (total <= 0n) return null;
  return values.reduce((sum, v) => sum + v * v * 10_000n, 0n) / (total * total);
}

const ppmText = (ppm: bigint): string => `${(Number(ppm) / 10_000).toFixed(2)}%`;
const ratioText = (ppm: bigint): string => (Number(ppm) / 1_000_000).toFixed(3);

export function analyzePositions(
  input: readonly DefiPosition[],
  prices: PriceBook,
  options: AnalyzePositionsOptions = {},
): PositionsAnalysis {
  const minHealth = options.healthFactorMinPpm ?? DEFAULT_HEALTH_FACTOR_MIN_PPM;
  const maxShare = options.maxProtocolSharePpm ?? DEFAULT_MAX_PROTOCOL_SHARE_PPM;
  const staking = input.filter((position): position is LiquidStakingPosition => position.kind === 'liquid-staking');
  const positions = input.filter((position) => position.kind !== 'liquid-staking');
  const all = positions.map((position) => figures(position, prices));
  const flags: PositionFlag[] = [];
  const protocols = new Map<PositionProtocol, { gross: bigint; net: bigint }>();
  const assets = new Map<string, { assets: bigint; borrowed: bigint }>();
  const addAsset = (mint: string, assetValue: bigint, borrowed: bigint) => {
    const entry = assets.get(mint) ?? { assets: 0n, borrowed: 0n };
    entry.assets += assetValue;
    entry.borrowed += borrowed;
    assets.set(mint, entry);
  };
  let assetsTotal = 0n;
  let debtTotal = 0n;

  positions.forEach((position, index) => {
    const figure = all[index]!;
    if (figure.kind === 'unreadable' || position.kind === 'unreadable') {
      flags.push({
        kind: 'unreadable',
        severity: 'warning',
        protocol: position.protocol,
        account: position.account,
        message: `${position.protocol} account ${position.account} could not be read and is not valued: ${position.kind === 'unreadable' ? position.reason : ''}`,
      });
      return;
    }
    if (figure.unpriced.length > 0) {
      flags.push({
        kind: 'price-missing',
        severity: 'warning',
        protocol: position.protocol,
        account: position.account,
        message: `no trusted price for ${figure.unpriced.join(', ')}: ${position.account} is valued without it`,
      });
    }
    const gross = figure.kind === 'lending' ? figure.suppliedMicroUsd : figure.netMicroUsd;
    const debt = figure.kind === 'lending' ? figure.borrowedMicroUsd : 0n;
    assetsTotal += gross;
    debtTotal += debt;
    const protocol = protocols.get(position.protocol) ?? { gross: 0n, net: 0n };
    protocol.gross += gross;
    protocol.net += gross - debt;
    protocols.set(position.protocol, protocol);
    if (position.kind === 'lending' && figure.kind === 'lending') {
      for (const leg of position.legs) {
        const value = legValue(leg, leg.amount, prices) ?? 0n;
        addAsset(leg.mint, leg.side === 'supply' ? value : 0n, leg.side === 'borrow' ? value : 0n);
      }
      const health = figure.healthFactorPpm;
      if (health !== null && health < PPM) {
        flags.push({
          kind: 'liquidatable',
          severity: 'critical',
          protocol: position.protocol,
          account: position.account,
          message: `health factor ${ratioText(health)} is below 1: ${position.account} can be liquidated now`,
        });
      } else if (health !== null && health < minHealth) {
        flags.push({
          kind: 'health-low',
          severity: 'critical',
          protocol: position.protocol,
          account: position.account,
          message: `health factor ${ratioText(health)} is below ${ratioText(minHealth)}: a ${ppmText(figure.distanceToLiquidationPpm ?? 0n)} fall of the collateral liquidates ${position.account}`,
        });
      }
    } else if (position.kind === 'liquidity') {
      addAsset(position.tokenA.mint, legValue(position.tokenA, position.tokenA.amount + position.feesA, prices) ?? 0n, 0n);
      addAsset(position.tokenB.mint, legValue(position.tokenB, position.tokenB.amount + position.feesB, prices) ?? 0n, 0n);
      if (!position.inRange) {
        const side = position.tickCurrent < position.tickLower ? 'below' : 'above';
        flags.push({
          kind: 'lp-out-of-range',
          severity: 'warning',
          protocol: position.protocol,
          account: position.account,
          message: `pool price is ${side} the range (tick ${position.tickCurrent} vs ${position.tickLower}..${position.tickUpper}): ${position.account} earns no fees and holds only token ${side === 'below' ? 'A' : 'B'}`,
        });
      }
    }
  });

  const base = (options.treasuryMicroUsd ?? 0n) + assetsTotal;
  const byProtocol: ProtocolExposure[] = [...protocols].map(([protocol, { gross, net }]) => ({
    protocol,
    grossMicroUsd: gross,
    netMicroUsd: net,
    sharePpm: sharePpm(gross, base),
  }));
  for (const exposure of byProtocol) {
    if (exposure.sharePpm !== null && exposure.sharePpm > maxShare) {
      flags.push({
        kind: 'protocol-concentration',
        severity: 'warning',
        protocol: exposure.protocol,
        account: null,
        message: `${ppmText(exposure.sharePpm)} of the treasury sits in ${exposure.protocol}, above the ${ppmText(maxShare)} limit`,
      });
    }
  }
  const byAsset: AssetExposure[] = [...assets].map(([mint, { assets: value, borrowed }]) => ({
    mint,
    symbol: prices.get(mint)?.symbol ?? null,
    assetsMicroUsd: value,
    borrowedMicroUsd: borrowed,
    netMicroUsd: value - borrowed,
  }));

  const thresholdBps = BigInt(options.lstDepegThresholdBps ?? DEFAULT_LST_DEPEG_THRESHOLD_BPS);
  const liquidStaking = staking.map((position) => liquidStakingFigures(position, prices, thresholdBps, options.shocks));
  for (const figure of liquidStaking) {
    const where = `${figure.symbol} (stake pool ${figure.account})`;
    if (figure.depegBps === null) {
      flags.push({
        kind: 'price-missing',
        severity: 'warning',
        protocol: figure.protocol,
        account: figure.account,
        message: `no trusted ${figure.marketPriceMicroUsd === null ? figure.symbol : 'SOL'} price: ${where} cannot be checked against its stake-pool rate`,
      });
    } else if (figure.depegged) {
      const below = figure.depegBps < 0n;
      flags.push({
        kind: 'lst-depeg',
        severity: 'warning',
        protocol: figure.protocol,
        account: figure.account,
        message: `${where} trades at ${formatUsd(figure.marketPriceMicroUsd ?? 0n, 'exact')}, ${below ? -figure.depegBps : figure.depegBps} bps ${below ? 'below' : 'above'} its stake-pool value ${formatUsd(figure.fairPriceMicroUsd ?? 0n, 'exact')} (${formatAmount(figure.lamportsPerToken, LAMPORTS_DECIMALS)} SOL per token; threshold ${thresholdBps} bps)`,
      });
    }
    if (figure.rateStale) {
      flags.push({
        kind: 'lst-rate-stale',
        severity: 'info',
        protocol: figure.protocol,
        account: figure.account,
        message: `${where} was last updated in an earlier epoch: its rate lags this epoch's rewards until the pool is updated`,
      });
    }
  }

  return {
    positions: all,
    liquidStaking,
    assetsMicroUsd: assetsTotal,
    debtMicroUsd: debtTotal,
    netMicroUsd: assetsTotal - debtTotal,
    byProtocol,
    byAsset,
    hhiByProtocol: hhi(byProtocol.map((p) => p.grossMicroUsd)),
    hhiByAsset: hhi(byAsset.map((a) => a.assetsMicroUsd)),
    flags,
    stress: options.shocks ? stress(positions, all, prices, options.shocks) : null,
  };
}

/**
 * An LST at its pool rate vs its market price. market / fair per whole token =
 *   (Lc·10^Le) / ((totalLamports / supply) · 10^(decimals − 9) · Sc·10^Se), kept as an exact N / D.
 */
export function liquidStakingFigures(
  position: LiquidStakingPosition,
  prices: PriceBook,
  thresholdBps: bigint = BigInt(DEFAULT_LST_DEPEG_THRESHOLD_BPS),
  shocks?: Readonly<Record<string, bigint>>,
): LiquidStakingFigures {
  const { mint, decimals, amount } = position.holding;
  const { totalLamports, poolTokenSupply } = position;
  const sol = prices.get(SOL_MINT);
  const lst = prices.get(mint);
  const solTrusted = sol?.trusted ? sol : null;
  const lstTrusted = lst?.trusted ? lst : null;
  const solLamports = (amount * totalLamports) / poolTokenSupply;
  const lamportsPerToken = (pow10(decimals) * totalLamports) / poolTokenSupply;
  let depegBps: bigint | null = null;
  let depegged = false;
  if (solTrusted && lstTrusted && solTrusted.mantissa > 0n && totalLamports > 0n) {
    let numerator = lstTrusted.mantissa * poolTokenSupply * pow10(LAMPORTS_DECIMALS);
    let denominator = totalLamports * solTrusted.mantissa * pow10(decimals);
    const shift = lstTrusted.exponent - solTrusted.exponent;
    if (shift >= 0) numerator *= pow10(shift);
    else denominator *= pow10(-shift);
    const gap = numerator - denominator;
    depegBps = (gap * 10_000n) / denominator;
    depegged = (gap < 0n ? -gap : gap) * 10_000n >= thresholdBps * denominator;
  }
  const solShock = shocks?.[SOL_MINT];
  return {
    kind: 'liquid-staking',
    protocol: position.protocol,
    account: position.account,
    symbol: position.symbol,
    mint,
    decimals,
    amount,
    totalLamports,
    poolTokenSupply,
    lamportsPerToken,
    solLamports,
    fairMicroUsd: solTrusted ? valueMicroUsd(solLamports, LAMPORTS_DECIMALS, solTrusted, 'down') : null,
    marketMicroUsd: lstTrusted ? valueMicroUsd(amount, decimals, lstTrusted, 'down') : null,
    fairPriceMicroUsd: solTrusted
      ? valueMicroUsd(totalLamports * pow10(decimals), LAMPORTS_DECIMALS, solTrusted, 'down') / poolTokenSupply
      : null,
    marketPriceMicroUsd: lstTrusted ? valueMicroUsd(pow10(decimals), decimals, lstTrusted, 'down') : null,
    depegBps,
    depegged,
    rateStale: position.epoch !== null && position.lastUpdateEpoch < position.epoch,
    stressedFairMicroUsd:
      solTrusted && solShock !== undefined
        ? valueMicroUsd(
            solLamports,
            LAMPORTS_DECIMALS,
            { mantissa: (solTrusted.mantissa * (PPM + solShock)) / PPM, exponent: solTrusted.exponent },
            'down',
          )
        : null,
  };
}

function stress(
  positions: readonly DefiPosition[],
  before: PositionFigures[],
  prices: PriceBook,
  shocks: Readonly<Record<string, bigint>>,
): NonNullable<PositionsAnalysis['stress']> {
  const shocked = shockedBook(prices, shocks);
  const rows: StressedPosition[] = [];
  positions.forEach((position, index) => {
    const figure = before[index]!;
    if (position.kind === 'unreadable' || figure.kind === 'unreadable') return;
    if (position.kind === 'lending' && figure.kind === 'lending') {
      const after = lendingFigures(position, shocked);
      rows.push({
        account: position.account,
        netBeforeMicroUsd: figure.netMicroUsd,
        netAfterMicroUsd: after.netMicroUsd,
        healthBeforePpm: figure.healthFactorPpm,
        healthAfterPpm: after.healthFactorPpm,
        inRangeBefore: null,
        inRangeAfter: null,
      });
    } else if (position.kind === 'liquidity' && figure.kind === 'liquidity') {
      const moved = shockLiquidity(position, shocks[position.tokenA.mint] ?? 0n, shocks[position.tokenB.mint] ?? 0n);
      const after = liquidityFigures(moved, shocked);
      rows.push({
        account: position.account,
        netBeforeMicroUsd: figure.netMicroUsd,
        netAfterMicroUsd: after.netMicroUsd,
        healthBeforePpm: null,
        healthAfterPpm: null,
        inRangeBefore: position.inRange,
        inRangeAfter: moved.inRange,
      });
    }
  });
  const sum = (pick: (row: StressedPosition) => bigint) => rows.reduce((total, row) => total + pick(row), 0n);
  return {
    shocks: { ...shocks },
    positions: rows,
    netBeforeMicroUsd: sum((r) => r.netBeforeMicroUsd),
    netAfterMicroUsd: sum((r) => r.netAfterMicroUsd),
  };
}
