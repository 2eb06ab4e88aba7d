// Shares of a whole as bigint parts per million (1% = 10_000 ppm): weights, targets, drift,
// concentration. Exact, no float; money itself (prices, USD) is src/shared/money.
import { formatAmount, parseAmount } from '../shared/index.js';

export const PPM = 1_000_000n;

/** part / whole in ppm, rounded half up; null when the whole is zero. */
export function sharePpm(part: bigint, whole: bigint): bigint | null {
  if (whole <= 0n) return null;
  return (part * PPM * 2n + whole) / (whole * 2n);
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
