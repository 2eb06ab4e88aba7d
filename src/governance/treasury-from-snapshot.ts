// Fills the review's TreasuryContext from a treasury snapshot (src/treasury's public type):
// token table and trusted prices, token accounts, owners and SOL balances. Only trusted
// prices are used; an untrusted one leaves the token unpriced rather than guessed.
import type { TreasurySnapshot } from '../treasury/index.js';
import { valueMicros } from './decode/amount.js';
import type { ReviewToken, TreasuryContext } from './treasury-context.js';

function trustedPrice(snapshot: TreasurySnapshot, symbol: string): number | null {
  const price = snapshot.prices.find((p) => p.symbol === symbol);
  if (!price || !price.trusted || price.component === null || price.exponent === null) return null;
  return Number(price.component) * 10 ** price.exponent;
}

export function treasuryContextFromSnapshot(snapshot: TreasurySnapshot, knownDestinations: readonly string[] = []): TreasuryContext {
  const tokens: ReviewToken[] = snapshot.tokens
    .filter((t) => t.mint !== 'native')
    .map((t) => ({ mint: t.mint, symbol: t.symbol, decimals: t.decimals, priceUsd: trustedPrice(snapshot, t.symbol) }));
  const solEntry = snapshot.tokens.find((t) => t.mint === 'native');
  const solPriceUsd = solEntry ? trustedPrice(snapshot, solEntry.symbol) : null;
  const byMint = new Map(tokens.map((t) => [t.mint, t]));
  // Total = SOL held by the owners + every token account the table prices; stake is left out,
  // so shares come out slightly high (the cautious side).
  let total: bigint | null = 0n;
  const add = (value: bigint | null) => {
    if (total !== null) total = value === null ? total : total + value;
  };
  for (const owner of snapshot.owners) add(solPriceUsd === null ? null : valueMicros(owner.lamports, 9, solPriceUsd));
  for (const account of snapshot.tokenAccounts) {
    const token = byMint.get(account.mint);
    if (token) add(valueMicros(account.amount, token.decimals, token.priceUsd));
  }
  return {
    owners: snapshot.owners.map((o) => o.address),
    tokens,
    tokenAccounts: snapshot.tokenAccounts.map((a) => ({ address: a.address, mint: a.mint, owner: a.owner, amount: a.amount })),
    solBalances: Object.fromEntries(snapshot.owners.map((o) => [o.address, o.lamports])),
    solPriceUsd,
    totalUsdMicros: total === 0n ? null : total,
    knownDestinations,
  };
}
