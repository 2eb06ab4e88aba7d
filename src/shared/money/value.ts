// The one valuation: token base units × a Price → bigint micro-USD, with the rounding named by
// the caller. What the treasury holds is valued rounding down (never more than it has); what
// counts against a limit rounds up (never less than it spends).
import { pow10, type Price } from './price.js';

/** USD inside Steward is bigint micro-USD: 6 decimals, 1 USD = 1_000_000n. */
export const MICRO_USD_DECIMALS = 6;

/** 'down': toward zero (the magnitude never exceeds the exact value); 'up': away from zero. */
export type Rounding = 'down' | 'up';

/** `amount` base units of a token with `decimals`, at `price`, in micro-USD. */
export function valueMicroUsd(amount: bigint, decimals: number, price: Pick<Price, 'mantissa' | 'exponent'>, rounding: Rounding): bigint {
  const shift = price.exponent + MICRO_USD_DECIMALS - decimals;
  const product = amount * price.mantissa;
  if (shift >= 0) return product * pow10(shift);
  const divisor = pow10(-shift);
  const truncated = product / divisor; // bigint division truncates toward zero
  if (rounding === 'down' || truncated * divisor === product) return truncated;
  return product < 0n ? truncated - 1n : truncated + 1n;
}
