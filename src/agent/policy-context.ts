// Builds the policy engine's context from what a run observed: prices (as the oracle
// published them; the policy judges their trust with its own bounds), liquid balances per
// token, the treasury's own addresses, the spend windows from the ledger and the kill switch.
// This is the one place where the treasury snapshot meets the policy engine.
import type { ObservedContext } from '../execute/index.js';
import { type CompiledPolicy, type PolicyContext, type PriceQuote } from '../policy/index.js';
import { isPaused } from '../store/index.js';
import { readSpendWindows } from '../execute/index.js';
import type { Db } from '../store/index.js';
import type { TreasurySnapshot } from '../treasury/index.js';

/** Oracle quotes by symbol. A price that is not Trading or did not parse is left out: no price, no USD limit passes. */
export function pricesFromSnapshot(snapshot: TreasurySnapshot): Record<string, PriceQuote | undefined> {
  const prices: Record<string, PriceQuote | undefined> = {};
  for (const price of snapshot.prices) {
    if (price.component === null || price.confidenceComponent === null || price.exponent === null || price.publishTime === null) continue;
    if (price.status.toLowerCase() !== 'trading') continue;
    prices[price.symbol] = {
      mantissa: price.component,
      confidence: price.confidenceComponent,
      expo: price.exponent,
      publishTime: Number(price.publishTime) * 1000,
    };
  }
  return prices;
}

/** Liquid balances in base units by symbol: token accounts of the treasury, and the owners' own lamports for SOL. */
export function balancesFromSnapshot(snapshot: TreasurySnapshot): Record<string, bigint | undefined> {
  const balances: Record<string, bigint | undefined> = {};
  for (const token of snapshot.tokens) {
    if (token.mint === 'native') {
      balances[token.symbol] = snapshot.owners.reduce((sum, owner) => sum + owner.lamports, 0n);
    } else {
      balances[token.symbol] = snapshot.tokenAccounts
        .filter((account) => account.mint === token.mint)
        .reduce((sum, account) => sum + account.amount, 0n);
    }
  }
  return balances;
}

/** The "treasury" destination: the owners and every token account they own. */
export function treasuryAddresses(snapshot: TreasurySnapshot): Set<string> {
  return new Set<string>([...snapshot.owners.map((owner) => owner.address), ...snapshot.tokenAccounts.map((account) => account.address)]);
}

/** What the chain said, for decisions taken inside the journal's write transaction (src/execute/fence.ts). */
export function observedContext(snapshot: TreasurySnapshot, now: number): ObservedContext {
  const observedAt = Date.parse(snapshot.observedAt);
  return {
    now,
    prices: pricesFromSnapshot(snapshot),
    balances: balancesFromSnapshot(snapshot),
    treasuryAddresses: treasuryAddresses(snapshot),
    observedAt: Number.isNaN(observedAt) ? now : observedAt,
  };
}

export function buildPolicyContext(db: Db, policyName: string, policy: CompiledPolicy, snapshot: TreasurySnapshot, now: number): PolicyContext {
  return {
    now,
    prices: pricesFromSnapshot(snapshot),
    spent: readSpendWindows(db, policyName, policy, now),
    balances: balancesFromSnapshot(snapshot),
    treasuryAddresses: treasuryAddresses(snapshot),
    paused: isPaused(db),
  };
}
