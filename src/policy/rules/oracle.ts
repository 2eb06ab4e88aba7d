// Oracle trust for USD rules: a price must exist, be fresh and be tight (policy `oracle`). When a
// rule needs a USD value and the price is untrusted, that rule cannot be satisfied: deny.
import type { CompiledPolicy } from '../compile-policy.js';
import type { PolicyContext } from '../context.js';
import { assessPrice, type PriceTrust } from '../price.js';

export function priceFor(policy: CompiledPolicy, context: PolicyContext, symbol: string): PriceTrust {
  return assessPrice(symbol, context.prices[symbol], policy.oracle, context.now);
}

/** The USD rules of the policy by name, for "needs a trusted price" reasons. */
export function usdRuleNames(policy: CompiledPolicy): string[] {
  const names: string[] = [];
  if (policy.perTx.usd !== undefined) names.push('limits.perTx.usd');
  for (const window of policy.windows) if (window.usd !== undefined) names.push(`the ${window.label} USD window`);
  if (policy.approval.aboveUsd !== undefined) names.push('approval.aboveUsd');
  return names;
}
