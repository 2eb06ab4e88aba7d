// The numbers a person reads: USD in named styles and token amounts in whole tokens with their
// symbol and thousands separators (USD beside where priced). Base units are for --json only.
// Every figure goes through here, so the CLI, reports, reviews and policy reasons agree.
import { formatAmount, parseAmount } from '../amount.js';
import { MICRO_USD_DECIMALS } from './value.js';

/**
 * - `cents`   "$1,234.56"  tables and totals; truncated toward zero to the cent
 * - `whole`   "$1,234"     headline figures; truncated toward zero to the dollar
 * - `compact` "$1,234.50" / "$250,000" beside a token amount: cents only when there are any (truncated)
 * - `exact`   "$1,234.567891" every significant digit, at least cents when fractional
 * - `figure`  "1,234.567891" as `exact` without "$", for sentences that say "USD" after it
 * - `decimal` "1234.567891" no "$", no separators: prompts and machine-read text
 */
export type UsdStyle = 'cents' | 'whole' | 'compact' | 'exact' | 'figure' | 'decimal';

/** "1234567" → "1,234,567" (digits only; the caller handles sign and fraction). */
export function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "12000.5" → "12,000.5": a decimal string as written (an action's amount) with separators; anything else unchanged. */
export function groupDecimalText(text: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  return match ? `${match[1]}${groupThousands(match[2] ?? '')}${match[3] ?? ''}` : text;
}

/** A micro-USD figure in a named style; null (no trusted price) reads "unpriced", never $0. */
export function formatUsd(micro: bigint | null, style: UsdStyle): string {
  if (micro === null) return 'unpriced';
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const sign = negative ? '-' : '';
  if (style === 'decimal') return formatAmount(micro, MICRO_USD_DECIMALS);
  const whole = groupThousands((abs / 1_000_000n).toString());
  const micros = abs % 1_000_000n;
  let fraction: string;
  if (style === 'whole') fraction = '';
  else if (style === 'cents') fraction = `.${(micros / 10_000n).toString().padStart(2, '0')}`;
  else if (style === 'compact') fraction = micros / 10_000n === 0n ? '' : `.${(micros / 10_000n).toString().padStart(2, '0')}`;
  else {
    const digits = micros.toString().padStart(6, '0').replace(/0+$/, '');
    fraction = digits === '' ? '' : `.${digits.padEnd(2, '0')}`;
  }
  return style === 'figure' ? `${sign}${whole}${fraction}` : `${sign}$${whole}${fraction}`;
}

/** A decimal USD string ("180000.50") in micro-USD; null when it is not one. */
export function parseUsdMicro(text: string): bigint | null {
  const parsed = parseAmount(text, MICRO_USD_DECIMALS, { allowZero: true });
  return parsed.ok ? parsed.value : null;
}

export interface TokenLabel {
  /** The token table's symbol; null for a mint Steward does not know. */
  symbol: string | null;
  /** null when even the decimals are unknown: the amount is then shown in base units. */
  decimals: number | null;
  /** Named when the symbol is unknown. */
  mint?: string | null;
}

/** "7TYW…c5Qx": a mint short enough for a sentence. */
export function shortMint(mint: string): string {
  return mint.length > 12 ? `${mint.slice(0, 4)}…${mint.slice(-4)}` : mint;
}

/** "-1,234.5": base units as whole tokens with separators and only the significant fraction digits. */
export function formatTokenNumber(amount: bigint, decimals: number): string {
  const text = formatAmount(amount, decimals);
  const negative = text.startsWith('-');
  const [whole = '0', fraction] = (negative ? text.slice(1) : text).split('.');
  return `${negative ? '-' : ''}${groupThousands(whole)}${fraction ? `.${fraction}` : ''}`;
}

/**
 * A token amount a person reads: "250,000 USDC", "-250,000 USDC ($250,000)" with `usdMicro`,
 * "1.5 of 7TYW…c5Qx" for an unknown symbol, "250000000000 base units of 7TYW…c5Qx" when even the
 * decimals are unknown. `signed` writes "+" before a positive amount (changes, deltas).
 */
export function formatTokenAmount(amount: bigint, token: TokenLabel, options: { usdMicro?: bigint | null; signed?: boolean } = {}): string {
  const plus = options.signed && amount > 0n ? '+' : '';
  const mint = token.mint ? shortMint(token.mint) : 'an unknown mint';
  let text: string;
  if (token.decimals === null) text = `${plus}${amount} base units of ${mint}`;
  else text = `${plus}${formatTokenNumber(amount, token.decimals)} ${token.symbol ?? `of ${mint}`}`;
  if (options.usdMicro === undefined || options.usdMicro === null) return text;
  const usd = options.usdMicro < 0n ? -options.usdMicro : options.usdMicro;
  return `${text} (${formatUsd(usd, 'compact')})`;
}
