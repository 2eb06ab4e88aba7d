// Swap bounds: the model's slippage tolerance and a quoted route's price impact must stay within
// the policy. The realized result is checked again on the simulated effects.
import { deny, type FiredRule } from '../verdict.js';
import { NO_RULES, type PolicyRule } from './rule.js';

/** Swaps only. */
export const checkSwapBounds: PolicyRule = (action, { policy, context }) => {
  if (action.kind !== 'swap') return NO_RULES;
  const { maxSlippageBps } = action;
  const rules: FiredRule[] = [];
  if (maxSlippageBps > policy.swap.maxSlippageBps) {
    rules.push(deny('swap.slippage', `slippage tolerance ${maxSlippageBps} bps > the policy's ${policy.swap.maxSlippageBps} bps`));
  }
  const impact = context.swapRoute?.priceImpactBps;
  if (impact !== undefined && impact > policy.swap.maxPriceImpactBps) {
    rules.push(deny('swap.price-impact', `the route's price impact ${impact} bps > the policy's ${policy.swap.maxPriceImpactBps} bps`));
  }
  return rules;
};
