// Turns base units into a shown, valued `Amount` using the token table from the treasury
// context, with the one valuation and formatter of src/shared/money: USD stays integer
// (micro-USD, bigint, rounded down) so that sums and shares never round money.
import { formatTokenAmount, formatTokenNumber, valueMicroUsd, type Price } from '../../shared/index.js';
import type { TreasuryIndex } from '../treasury-context.js';
import type { Amount } from './types.js';

/** Value of `raw` base units with `decimals` at `price`, in micro-USD (rounded down); null without a price. */
export function valueMicros(raw: bigint, decimals: number, price: Price | null): bigint | null {
  return price === null ? null : valueMicroUsd(raw, decimals, price, 'down');
}

export function solAmount(lamports: bigint, treasury: TreasuryIndex): Amount {
  return {
    raw: lamports,
    mint: null,
    symbol: 'SOL',
    decimals: 9,
    display: formatTokenAmount(lamports, { symbol: 'SOL', decimals: 9 }),
    usdMicros: valueMicros(lamports, 9, treasury.context.solPrice),
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
      display: formatTokenAmount(raw, { symbol: token.symbol, decimals: token.decimals }),
      usdMicros: valueMicros(raw, token.decimals, token.price),
    };
  }
  if (decimalsFromData !== undefined) {
    return {
      raw,
      mint,
      symbol: null,
      decimals: decimalsFromData,
      display: `${formatTokenNumber(raw, decimalsFromData)} of unknown token ${mint ?? '(mint not named)'}`,
      usdMicros: null,
    };
  }
  return {
    raw,
    mint,
    symbol: null,
    decimals: null,
    display: `${formatTokenNumber(raw, 0)} base units of ${mint ?? 'an unknown mint'}`,
    usdMicros: null,
  };
}

/** The mint of a token account, when the treasury context knows it. */
export function mintOfAccount(account: string, treasury: TreasuryIndex): string | null {
  return treasury.tokenAccounts.get(account)?.mint ?? null;
}
