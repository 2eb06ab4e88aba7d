// One model of a price: USD per whole token as an exact mantissa × 10^exponent (Pyth's own
// shape), its confidence, when it was published and whether the observer trusted it (and why
// not). Every reader of prices — treasury analysis, positions, reviews, the policy — takes this
// type; no float ever holds a price.
import { formatAmount } from '../amount.js';

export interface Price {
  /** USD per whole token = mantissa × 10^exponent. */
  mantissa: bigint;
  exponent: number;
  /** ± confidence interval, same exponent as the mantissa (0 when the source gives none). */
  confidence: bigint;
  /** Unix milliseconds when the source published it; null when the source did not say. */
  publishTime: number | null;
  /** The observer's verdict (fresh, Trading, positive, tight). The policy judges again with its own bounds. */
  trusted: boolean;
  /** Why it is not trusted; empty when trusted. */
  reasons: readonly string[];
}

/** Powers of ten for the shifts prices and decimals produce (computed once, not per valuation). */
const POWERS_OF_TEN: readonly bigint[] = Array.from({ length: 64 }, (_, n) => 10n ** BigInt(n));

export function pow10(n: number): bigint {
  return POWERS_OF_TEN[n] ?? 10n ** BigInt(n);
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A trusted price from decimal strings (CLI files, tests): "150.25" ± "0.05" published at
 * `publishTime` (unix ms). Throws a TypeError on anything but plain decimals: callers validate
 * user input before and name the file.
 */
export function priceFromDecimal(price: string, confidence: string, publishTime: number): Price {
  const p = DECIMAL.exec(price);
  const c = DECIMAL.exec(confidence);
  if (!p || !c) throw new TypeError(`expected decimal strings for a price, got ${JSON.stringify(price)} ± ${JSON.stringify(confidence)}`);
  const decimals = Math.max(p[2]?.length ?? 0, c[2]?.length ?? 0);
  const scaled = (m: RegExpExecArray) => BigInt(`${m[1]}${(m[2] ?? '').padEnd(decimals, '0')}`);
  return { mantissa: scaled(p), confidence: scaled(c), exponent: -decimals, publishTime, trusted: true, reasons: [] };
}

/** Beyond this many digits a price is not written out: hostile exponents stay cheap to print. */
const MAX_PRICE_EXPONENT_DIGITS = 40;

/**
 * An exact decimal string of mantissa × 10^exponent ("0.9915"), without "$". An exponent past
 * ±40 (only hostile or corrupt oracle data has one) is shown in scientific form
 * ("5e2147483647") instead of being expanded.
 */
export function formatPrice(price: Pick<Price, 'mantissa' | 'exponent'>): string {
  const { mantissa, exponent } = price;
  if (!Number.isInteger(exponent) || Math.abs(exponent) > MAX_PRICE_EXPONENT_DIGITS) return `${mantissa}e${exponent}`;
  return exponent >= 0 ? (mantissa * pow10(exponent)).toString() : formatAmount(mantissa, -exponent);
}

/** |price − 1 USD| in hundredths of a basis point (exact for any exponent ≥ −18), for depeg checks. */
export function deviationFromOneCentiBps(price: Pick<Price, 'mantissa' | 'exponent'>): bigint {
  const { mantissa, exponent } = price;
  // price = m × 10^e; deviation bps×100 = |m × 10^e − 1| × 10^6 = |m − 10^−e| × 10^(6+e).
  if (exponent >= 0) {
    const diff = mantissa * pow10(exponent) - 1n;
    return (diff < 0n ? -diff : diff) * 1_000_000n;
  }
  const one = pow10(-exponent);
  const diff = mantissa > one ? mantissa - one : one - mantissa;
  const shift = 6 + exponent;
  return shift >= 0 ? diff * pow10(shift) : diff / pow10(-shift);
}
