// Money is bigint base units inside Steward and decimal strings at its edges. These two
// functions are the only way across that border: parsing never rounds, never accepts
// exponent notation, and says exactly what was wrong.

export const U64_MAX = (1n << 64n) - 1n;

export type ParseAmountResult = { ok: true; value: bigint } | { ok: false; reason: string };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string such as "2500.25" into base units of a token with `decimals`
 * decimals. Only the canonical form is accepted ("0.5", "25000.00"): it rejects (with a reason)
 * surrounding spaces, signs, superfluous leading zeros ("00005"), zero unless `allowZero`,
 * exponents, NaN, more fraction digits than the token has, and values past u64.
 */
export function parseAmount(input: unknown, decimals: number, options: { allowZero?: boolean } = {}): ParseAmountResult {
  if (typeof input !== 'string') {
    return { ok: false, reason: `expected a decimal string like "2500.00", got ${describeValue(input)}` };
  }
  // Canonical form only: an amount that moves money is read exactly as written or not at all.
  const shown = JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
  if (input !== input.trim()) return { ok: false, reason: `amount must not have spaces around it, got ${shown}` };
  const text = input;
  if (text.startsWith('-')) return { ok: false, reason: `amount must not be negative, got ${shown}` };
  if (text.startsWith('+')) return { ok: false, reason: `amount must not carry a sign, got ${shown}` };
  if (/[eE]/.test(text) && /\d/.test(text)) {
    return { ok: false, reason: `exponent notation is not accepted, write the amount out in full (${shown})` };
  }
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, reason: `expected a decimal string like "2500.00", got ${shown}` };
  if (/^0\d/.test(text))
    return {
      ok: false,
      reason: `amount must not have superfluous leading zeros, got ${shown} (write ${JSON.stringify(text.replace(/^0+(?=\d)/, ''))})`,
    };
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    return {
      ok: false,
      reason: `${shown} has ${fraction.length} decimal places but the token has only ${decimals}; it will not be rounded`,
    };
  }
  const value = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (value > U64_MAX) return { ok: false, reason: `${shown} exceeds the largest token amount (u64)` };
  if (value === 0n && !options.allowZero) return { ok: false, reason: `amount must be greater than zero, got ${shown}` };
  return { ok: true, value };
}

/** Formats base units as a decimal string with exactly the significant fraction digits. */
export function formatAmount(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const fraction = decimals === 0 ? '' : (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A short description of an unexpected value for error messages: `-5`, `"abc"`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}
