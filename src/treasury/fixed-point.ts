// Fixed-point arithmetic for treasury figures. USD is bigint micro-USD (1e-6 USD), shares are
// bigint parts per million of a whole (1% = 10_000 ppm), prices stay as Pyth's exact
// component × 10^exponent. Nothing here goes through a float, so totals are exact at any size.
import { formatAmount, parseAmount } from '../shared/index.js';

export const MICRO_USD_DECIMALS = 6;
export const PPM = 1_000_000n;

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** amount base units × price (component × 10^exponent) in micro-USD, rounded toward zero. */
export function valueMicroUsd(amount: bigint, decimals: number, component: bigint, exponent: number): bigint {
  const shift = exponent + MICRO_USD_DECIMALS - decimals;
  const product = amount * component;
  return shift >= 0 ? product * pow10(shift) : product / pow10(-shift);
}

/** part / whole in ppm, rounded half up; null when the whole is zero. */
export function sharePpm(part: bigint, whole: bigint): bigint | null {
  if (whole <= 0n) return null;
  return (part * PPM * 2n + whole) / (whole * 2n);
}

/** Beyond this many digits a price is not written out: hostile exponents stay cheap to print. */
const MAX_PRICE_EXPONENT_DIGITS = 40;

/**
 * An exact decimal string of component × 10^exponent ("0.9915"). An exponent past ±40 (only
 * hostile or corrupt oracle data has one) is shown in scientific form ("5e2147483647") instead of
 * being expanded.
 */
export function formatPrice(component: bigint, exponent: number): string {
  if (!Number.isInteger(exponent) || Math.abs(exponent) > MAX_PRICE_EXPONENT_DIGITS) return `${component}e${exponent}`;
  return exponent >= 0 ? (component * pow10(exponent)).toString() : formatAmount(component, -exponent);
}

/** micro-USD as an exact decimal string ("1234.5"). */
export function formatMicroUsd(micro: bigint): string {
  return formatAmount(micro, MICRO_USD_DECIMALS);
}

/** micro-USD for tables: cents, truncated, with thousands separators ("$1,234.56"). */
export function formatUsdCents(micro: bigint): string {
  const negative = micro < 0n;
  const cents = (negative ? -micro : micro) / 10_000n;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${whole}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** ppm as a percentage string with up to 4 decimals ("45.0012%"). */
export function formatPpmPercent(ppm: bigint): string {
  return `${formatAmount(ppm, 4)}%`;
}

/** "45%" or "12.5%" (the config's percentString) in ppm; null when it is not one. */
export function parsePercentPpm(text: string): bigint | null {
  const parsed = parseAmount(text.replace(/%$/, ''), 4, { allowZero: true });
  return parsed.ok ? parsed.value : null;
}

/** A decimal USD string ("180000.50") in micro-USD; null when it is not one. */
export function parseUsdMicro(text: string): bigint | null {
  const parsed = parseAmount(text, MICRO_USD_DECIMALS, { allowZero: true });
  return parsed.ok ? parsed.value : null;
}

/** |price − 1 USD| in hundredths of a basis point (exact for any exponent ≥ −18), for depeg checks. */
export function deviationFromOneCentiBps(component: bigint, exponent: number): bigint {
  // price = c × 10^e; deviation bps×100 = |c × 10^e − 1| × 10^6 = |c − 10^−e| × 10^(6+e).
  if (exponent >= 0) {
    const diff = component * pow10(exponent) - 1n;
    return (diff < 0n ? -diff : diff) * 1_000_000n;
  }
  const one = pow10(-exponent);
  const diff = component > one ? component - one : one - component;
  const shift = 6 + exponent;
  return shift >= 0 ? diff * pow10(shift) : diff / pow10(-shift);
}
