// Fills the review's TreasuryContext from the observation's TreasuryView (src/treasury): token
// table with trusted prices, token accounts, owners and SOL balances, and the view's trusted
// total, so a review values the treasury exactly as `observe` and the run report do (owned stake
// included; untrusted prices left out of the total and the token left unpriced, never guessed).
import type { Price } from '../shared/index.js';
import type { TreasuryView } from '../treasury/index.js';
import type { ReviewToken, TreasuryContext } from './treasury-context.js';

function trustedPrice(view: TreasuryView, symbol: string): Price | null {
  const price = view.prices.get(symbol);
  return price?.trusted ? price : null;
}

export function treasuryContextFromView(view: TreasuryView, knownDestinations: readonly string[] = []): TreasuryContext {
  const snapshot = view.snapshot;
  const tokens: ReviewToken[] = snapshot.tokens
    .filter((t) => t.mint !== 'native')
    .map((t) => ({ mint: t.mint, symbol: t.symbol, decimals: t.decimals, price: trustedPrice(view, t.symbol) }));
  const solEntry = view.tokensByMint.get('native');
  const total = view.totals.trustedMicroUsd;
  return {
    owners: snapshot.owners.map((o) => o.address),
    tokens,
    tokenAccounts: snapshot.tokenAccounts.map((a) => ({ address: a.address, mint: a.mint, owner: a.owner, amount: a.amount })),
    solBalances: Object.fromEntries(snapshot.owners.map((o) => [o.address, o.lamports])),
    solPrice: solEntry ? trustedPrice(view, solEntry.symbol) : null,
    totalUsdMicros: total === 0n ? null : total,
    knownDestinations,
  };
}
