// Prices in Pyth's shape (integer mantissa, decimal exponent, confidence, publish time) and the
// exact bigint arithmetic that turns token base units into micro-USD. Rounding always favours
// the treasury: values counted against a limit round up, values received round down.

/** USD amounts inside the engine are bigint micro-USD (6 decimals). */
export const USD_DECIMALS = 6;

export interface PriceQuote {
  /** price = mantissa × 10^expo USD per whole token. */
  mantissa: bigint;
  /** Confidence interval, same exponent as the mantissa. */
  confidence: bigint;
  expo: number;
  /** Unix milliseconds when the oracle published the price. */
  publishTime: number;
}

export type PriceTrust = { trusted: true; quote: PriceQuote } | { trusted: false; reason: string };

export interface OracleBounds {
  maxStalenessMs: number;
  maxConfidenceBps: number;
}

/** A publish time this far in the future is treated as a broken clock, not a fresh price. */
const FUTURE_TOLERANCE_MS = 60_000;

/** Whether a quote may be used for a USD limit at `now`: present, positive, fresh and tight. */
export function assessPrice(symbol: string, quote: PriceQuote | undefined, bounds: OracleBounds, now: number): PriceTrust {
  if (!quote) return { trusted: false, reason: `no price for ${symbol}` };
  if (quote.mantissa <= 0n) return { trusted: false, reason: `the ${symbol} price is not positive` };
  const age = now - quote.publishTime;
  if (age > bounds.maxStalenessMs) {
    return { trusted: false, reason: `the ${symbol} price is ${Math.round(age / 1000)}s old (limit ${bounds.maxStalenessMs / 1000}s)` };
  }
  if (-age > FUTURE_TOLERANCE_MS) {
    return { trusted: false, reason: `the ${symbol} price is published ${Math.round(-age / 1000)}s in the future` };
  }
  // confidence / price > maxBps / 10_000, compared without division.
  if (quote.confidence * 10_000n > BigInt(bounds.maxConfidenceBps) * quote.mantissa) {
    const bps = (quote.confidence * 10_000n) / quote.mantissa;
    return { trusted: false, reason: `the ${symbol} price confidence is ±${bps} bps (limit ${bounds.maxConfidenceBps} bps)` };
  }
  return { trusted: true, quote };
}

/** 10^n for the shifts prices and decimals produce (computed once, not per valuation). */
const POWERS_OF_TEN: readonly bigint[] = Array.from({ length: 64 }, (_, n) => 10n ** BigInt(n));
const powerOfTen = (n: number): bigint => POWERS_OF_TEN[n] ?? 10n ** BigInt(n);

/** The micro-USD value of `amount` base units of a token with `decimals`. */
export function usdValue(amount: bigint, decimals: number, quote: PriceQuote, round: 'up' | 'down'): bigint {
  const shift = quote.expo + USD_DECIMALS - decimals;
  const product = amount * quote.mantissa;
  if (shift >= 0) return product * powerOfTen(shift);
  const divisor = powerOfTen(-shift);
  const floor = product / divisor;
  return round === 'up' && floor * divisor !== product ? floor + 1n : floor;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Builds a quote from decimal strings (CLI files, tests): "150.25" ± "0.05" published at `publishTime`. */
export function priceQuote(price: string, confidence: string, publishTime: number): PriceQuote {
  const p = DECIMAL.exec(price);
  const c = DECIMAL.exec(confidence);
  if (!p || !c) throw new TypeError(`expected decimal strings for a price, got ${JSON.stringify(price)} ± ${JSON.stringify(confidence)}`);
  const decimals = Math.max(p[2]?.length ?? 0, c[2]?.length ?? 0);
  const scaled = (m: RegExpExecArray) => BigInt(`${m[1]}${(m[2] ?? '').padEnd(decimals, '0')}`);
  return { mantissa: scaled(p), confidence: scaled(c), expo: -decimals, publishTime };
}

/** "9,500.25": micro-USD as an exact, grouped dollar figure for reasons people read. */
export function formatUsd(micro: bigint): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const whole = (abs / 1_000_000n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  const cents = fraction.length === 1 ? `${fraction}0` : fraction;
  return `${negative ? '-' : ''}${whole}${cents ? `.${cents}` : ''}`;
}
