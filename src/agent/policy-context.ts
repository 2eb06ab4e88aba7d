// Builds the policy engine's context from the observation's TreasuryView: prices (as the oracle
// published them; the policy judges their trust with its own bounds), liquid balances per token,
// the treasury's own addresses (the view's one definition, owners' associated accounts
// included), the spend windows from the ledger and the kill switch. This is the one place where
// an observation meets the policy engine.
import type { ObservedContext } from '../execute/index.js';
import { type CompiledPolicy, type PolicyContext } from '../policy/index.js';
import type { Price } from '../shared/index.js';
import { isPaused } from '../store/index.js';
import { readSpendWindows } from '../execute/index.js';
import type { Db } from '../store/index.js';
import type { TreasuryView } from '../treasury/index.js';

/**
 * Oracle prices by symbol. A price that is not Trading, or lacks a confidence or a publish time,
 * is left out: no price, no USD limit passes.
 */
export function policyPrices(view: TreasuryView): Record<string, Price | undefined> {
  const prices: Record<string, Price | undefined> = {};
  for (const [symbol, price] of view.prices) {
    const record = view.priceRecords.get(symbol);
    if (!record || record.confidenceComponent === null || price.publishTime === null) continue;
    if (record.status.toLowerCase() !== 'trading') continue;
    prices[symbol] = price;
  }
  return prices;
}

/** What the chain said, for decisions taken inside the journal's write transaction (src/execute/fence.ts). */
export function observedContext(view: TreasuryView, now: number): ObservedContext {
  const observedAt = Date.parse(view.snapshot.observedAt);
  return {
    now,
    prices: policyPrices(view),
    balances: view.balances,
    treasuryAddresses: view.addresses.all,
    observedAt: Number.isNaN(observedAt) ? now : observedAt,
  };
}

export function buildPolicyContext(db: Db, policyName: string, policy: CompiledPolicy, view: TreasuryView, now: number): PolicyContext {
  return {
    now,
    prices: policyPrices(view),
    spent: readSpendWindows(db, policyName, policy, now),
    balances: view.balances,
    treasuryAddresses: view.addresses.all,
    paused: isPaused(db),
  };
}
