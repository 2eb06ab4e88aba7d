// How the policy judges a price: present, positive, fresh and tight by the policy's own oracle
// bounds at the decision's clock (the observer's verdict is not taken on trust). Prices are the
// one money model of src/shared/money; valuation there rounds as each rule asks: values counted
// against a limit round up, values received round down, so rounding always favours the treasury.
import type { Price } from '../shared/index.js';

export type PriceTrust = { trusted: true; price: Price } | { trusted: false; reason: string };

export interface OracleBounds {
  maxStalenessMs: number;
  maxConfidenceBps: number;
}

/** A publish time this far in the future is treated as a broken clock, not a fresh price. */
const FUTURE_TOLERANCE_MS = 60_000;

/** Whether a price may be used for a USD limit at `now`: present, positive, fresh and tight. */
export function assessPrice(symbol: string, price: Price | undefined, bounds: OracleBounds, now: number): PriceTrust {
  if (!price) return { trusted: false, reason: `no price for ${symbol}` };
  if (price.mantissa <= 0n) return { trusted: false, reason: `the ${symbol} price is not positive` };
  if (price.publishTime === null) return { trusted: false, reason: `the ${symbol} price has no publish time` };
  const age = now - price.publishTime;
  if (age > bounds.maxStalenessMs) {
    return { trusted: false, reason: `the ${symbol} price is ${Math.round(age / 1000)}s old (limit ${bounds.maxStalenessMs / 1000}s)` };
  }
  if (-age > FUTURE_TOLERANCE_MS) {
    return { trusted: false, reason: `the ${symbol} price is published ${Math.round(-age / 1000)}s in the future` };
  }
  // confidence / price > maxBps / 10_000, compared without division.
  if (price.confidence * 10_000n > BigInt(bounds.maxConfidenceBps) * price.mantissa) {
    const bps = (price.confidence * 10_000n) / price.mantissa;
    return { trusted: false, reason: `the ${symbol} price confidence is ±${bps} bps (limit ${bounds.maxConfidenceBps} bps)` };
  }
  return { trusted: true, price };
}
