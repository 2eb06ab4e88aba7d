// Turns base units into a shown, valued `Amount` using the token table from the treasury
// context. USD stays integer (micro-USD, bigint) so that sums and shares never round money.
import { formatAmount } from '../../shared/index.js';
import type { TreasuryIndex } from '../treasury-context.js';
import type { Amount } from './types.js';

const PRICE_SCALE = 1_000_000_000n; // prices enter as numbers; 9 decimals keep sub-cent prices exact enough

function priceToScaled(price: number): bigint | null {
  if (!Number.isFinite(price) || price < 0) return null;
  return BigInt(Math.round(price * Number(PRICE_SCALE)));
}

/** Value of `raw` base units with `decimals` at `price` USD per whole unit, in micro-USD. */
export function valueMicros(raw: bigint, decimals: number, price: number | null): bigint | null {
  if (price === null) return null;
  const scaled = priceToScaled(price);
  if (scaled === null) return null;
  // raw / 10^decimals * price * 1e6 = raw * scaled * 1e6 / (10^decimals * 1e9)
  return (raw * scaled * 1_000_000n) / (10n ** BigInt(decimals) * PRICE_SCALE);
}

/**
 * Whole tokens with thousands separators: 250000000000n at 6 decimals → "250,000". (Local until
 * the one money/formatting module lands; then this delegates to it.)
 */
export function formatTokenAmount(raw: bigint, decimals: number): string {
  const plain = formatAmount(raw, decimals);
  const [whole = '', fraction] = plain.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Formats micro-USD as "$1,234.56" for reports. */
export function formatUsd(micros: bigint | null): string {
  if (micros === null) return 'unpriced';
  const cents = (micros + 5_000n) / 10_000n;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `$${whole}.${(cents % 100n).toString().padStart(2, '0')}`;
}

export function solAmount(lamports: bigint, treasury: TreasuryIndex): Amount {
  return {
    raw: lamports,
    mint: null,
    symbol: 'SOL',
    decimals: 9,
    display: `${formatTokenAmount(lamports, 9)} SOL`,
    usdMicros: valueMicros(lamports, 9, treasury.context.solPriceUsd),
  };
}

/**
 * A token amount. The mint comes from the instruction (checked variants) or from the
 * treasury's token account table (plain transfer names only the accounts).
 */
export function tokenAmount(raw: bigint, mint: string | null, treasury: TreasuryIndex, decimalsFromData?: number): Amount {
  const token = mint ? treasury.tokensByMint.get(mint) : undefined;
  if (token) {
    return {
      raw,
      mint,
      symbol: token.symbol,
      decimals: token.decimals,
      display: `${formatTokenAmount(raw, token.decimals)} ${token.symbol}`,
      usdMicros: valueMicros(raw, token.decimals, token.priceUsd),
    };
  }
  if (decimalsFromData !== undefined) {
    return {
      raw,
      mint,
      symbol: null,
      decimals: decimalsFromData,
      display: `${formatTokenAmount(raw, decimalsFromData)} of unknown token ${mint ?? '(mint not named)'}`,
      usdMicros: null,
    };
  }
  return { raw, mint, symbol: null, decimals: null, display: `${formatTokenAmount(raw, 0)} base units of ${mint ?? 'an unknown mint'}`, usdMicros: null };
}

/** The mint of a token account, when the treasury context knows it. */
export function mintOfAccount(account: string, treasury: TreasuryIndex): string | null {
  return treasury.tokenAccounts.get(account)?.mint ?? null;
}
