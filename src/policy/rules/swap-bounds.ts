// Swap bounds: the model's slippage tolerance and a quoted route's price impact must stay within
// the policy. The realized result is checked again on the simulated effects.
import type { CompiledPolicy } from '../compile-policy.js';
import type { PolicyContext } from '../context.js';
import { deny, type FiredRule } from '../verdict.js';

export function checkSwapBounds(policy: CompiledPolicy, context: PolicyContext, maxSlippageBps: number, rules: FiredRule[]): void {
  if (maxSlippageBps > policy.swap.maxSlippageBps) {
    rules.push(deny('swap.slippage', `slippage tolerance ${maxSlippageBps} bps > the policy's ${policy.swap.maxSlippageBps} bps`));
  }
  const impact = context.swapRoute?.priceImpactBps;
  if (impact !== undefined && impact > policy.swap.maxPriceImpactBps) {
    rules.push(deny('swap.price-impact', `the route's price impact ${impact} bps > the policy's ${policy.swap.maxPriceImpactBps} bps`));
  }
}
