// Claims a proposal's text makes that can be checked against its instructions: stated amounts
// (with their token or USD) and base58 addresses. The text is untrusted; this only extracts
// what it says so that the instructions can prove it right or wrong.
import { isAddress } from '../../shared/index.js';

export interface StatedAmount {
  /** The amount as written, e.g. "5,000". */
  text: string;
  /** Value in millionths of the unit (6 decimals), exact for every amount written with ≤ 6 decimals. */
  micros: bigint;
  /** Upper-cased symbol written next to it ("USDC", "SOL", "USD" for $), or null. */
  symbol: string | null;
}

const MULTIPLIERS: Record<string, bigint> = {
  k: 1_000n,
  thousand: 1_000n,
  m: 1_000_000n,
  mm: 1_000_000n,
  million: 1_000_000n,
  b: 1_000_000_000n,
  billion: 1_000_000_000n,
};

function toMicros(number: string, fraction: string | undefined, multiplier: string | undefined): bigint {
  const whole = BigInt(number.replaceAll(/[,_\s]/g, ''));
  const frac = (fraction ?? '').slice(0, 6).padEnd(6, '0');
  const base = whole * 1_000_000n + BigInt(frac || '0');
  const factor = multiplier ? (MULTIPLIERS[multiplier.toLowerCase()] ?? 1n) : 1n;
  return base * factor;
}

/** Amounts written in `text` next to a symbol from `symbols` (case-insensitive) or a "$". */
export function findStatedAmounts(text: string, symbols: readonly string[]): StatedAmount[] {
  const escaped = [...new Set([...symbols, 'SOL', 'USD'])]
    .filter((symbol) => /^[A-Za-z0-9]+$/.test(symbol))
    .sort((a, b) => b.length - a.length);
  const symbolPattern = escaped.join('|');
  const number = String.raw`(\d{1,3}(?:[,_]\d{3})+|\d+)(?:\.(\d+))?\s*(thousand|million|billion|mm|k|m|b)?\b`;
  const pattern = new RegExp(String.raw`(\$)\s?${number}|${number}\s*(${symbolPattern})\b|(${symbolPattern})\s*${number}`, 'gi');
  const found: StatedAmount[] = [];
  for (const match of text.matchAll(pattern)) {
    if (match[1]) {
      found.push({ text: match[0].trim(), micros: toMicros(match[2]!, match[3], match[4]), symbol: 'USD' });
    } else if (match[5]) {
      found.push({ text: match[0].trim(), micros: toMicros(match[5], match[6], match[7]), symbol: match[8]!.toUpperCase() });
    } else if (match[9]) {
      found.push({ text: match[0].trim(), micros: toMicros(match[10]!, match[11], match[12]), symbol: match[9].toUpperCase() });
    }
  }
  return found;
}

/** Valid Solana addresses written in `text` (base58, 32-44 characters, that decode to 32 bytes). */
export function findStatedAddresses(text: string): string[] {
  const candidates = text.match(/[1-9A-HJ-NP-Za-km-z]{32,44}/g) ?? [];
  return [...new Set(candidates.filter((candidate) => isAddress(candidate)))];
}
