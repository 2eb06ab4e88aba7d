// Rolling windows: what was spent inside each window (executed and in-flight actions, from the
// ledger) plus this action must stay within the window's token and USD caps. Entries recorded
// without a USD value are valued at today's trusted price; if there is none, the USD window
// cannot be checked and denies.
import { formatAmount } from '../../shared/amount.js';
import { formatUsd, valueMicroUsd } from '../../shared/index.js';
import { deny, type FiredRule } from '../verdict.js';
import { priceFor } from './oracle.js';
import { NO_RULES, type PolicyRule } from './rule.js';

export const checkWindowLimits: PolicyRule = (action, { policy, context }) => {
  if (!('outflow' in action)) return NO_RULES;
  const { token, amount, usd } = action.outflow;
  const rules: FiredRule[] = [];
  for (const window of policy.windows) {
    const spent = context.spent[window.label];
    if (!spent) {
      rules.push(deny('ledger.window-missing', `no ledger figures for the ${window.label} window; spend cannot be checked`));
      continue;
    }
    const tokenCap = window.tokens.get(token.symbol);
    if (tokenCap !== undefined) {
      const already = spent.tokens[token.symbol] ?? 0n;
      if (already + amount > tokenCap) {
        rules.push(
          deny(
            'limit.window.token',
            `${window.label} ${token.symbol} window: ${formatAmount(already, token.decimals)} spent + ${formatAmount(amount, token.decimals)} requested > ${formatAmount(tokenCap, token.decimals)}`,
          ),
        );
      }
    }
    const usdCap = window.usd;
    if (usdCap === undefined || usd === undefined) continue; // an untrusted price was denied already
    let already = spent.usd;
    let unpricedProblem: string | undefined;
    const unpriced = spent.unpriced;
    for (const symbol in unpriced) {
      if (!Object.hasOwn(unpriced, symbol)) continue;
      const units = unpriced[symbol] as bigint;
      if (units === 0n) continue;
      const entry = policy.tokens.get(symbol);
      const trust = priceFor(policy, context, symbol);
      if (!entry || !trust.trusted) {
        unpricedProblem = `${window.label} USD window: earlier ${symbol} spend has no USD value and ${trust.trusted ? `${symbol} is not in the token table` : trust.reason}`;
        break;
      }
      already += valueMicroUsd(units, entry.decimals, trust.price, 'up');
    }
    if (unpricedProblem) rules.push(deny('oracle.untrusted', unpricedProblem));
    else if (already + usd > usdCap) {
      rules.push(
        deny(
          'limit.window.usd',
          `${window.label} USD window: ${formatUsd(already, 'figure')} spent + ${formatUsd(usd, 'figure')} requested > ${formatUsd(usdCap, 'figure')}`,
        ),
      );
    }
  }
  return rules;
};
