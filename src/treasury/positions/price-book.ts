// Builds the PriceBook the position analysis values with from a treasury snapshot's Pyth prices,
// so positions and holdings are valued at the same prices. Native SOL prices wrapped SOL.
import { NATIVE_MINT } from '@solana/spl-token';
import type { TreasurySnapshot } from '../snapshot.js';
import type { MintPrice, PriceBook } from './types.js';

export function priceBookFromSnapshot(snapshot: TreasurySnapshot): PriceBook {
  const byAccount = new Map(snapshot.prices.map((price) => [price.account, price]));
  const book = new Map<string, MintPrice>();
  for (const token of snapshot.tokens) {
    const price = token.pyth ? byAccount.get(token.pyth) : undefined;
    if (!price || price.component === null || price.exponent === null) continue;
    const mint = token.mint === 'native' ? NATIVE_MINT.toBase58() : token.mint;
    book.set(mint, { symbol: token.symbol, component: price.component, exponent: price.exponent, trusted: price.trusted });
  }
  return book;
}
