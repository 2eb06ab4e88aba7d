// Reserves: an outflow may not leave a treasury balance below the policy's floor for that token.
// An overdraft is refused too (floor 0). An unknown balance with a floor to keep is a deny: the
// floor cannot be proven.
import { formatAmount } from '../../shared/amount.js';
import { deny } from '../verdict.js';
import { NO_RULES, type PolicyRule } from './rule.js';

export const checkReserve: PolicyRule = (action, { policy, context }) => {
  if (!('outflow' in action)) return NO_RULES;
  const { token, amount } = action.outflow;
  const floor = policy.reserves.get(token.symbol) ?? 0n;
  const balance = context.balances[token.symbol];
  if (balance === undefined) {
    return floor > 0n
      ? [
          deny(
            'reserve.balance-unknown',
            `the treasury's ${token.symbol} balance is unknown, so the ${formatAmount(floor, token.decimals)} ${token.symbol} reserve cannot be checked`,
          ),
        ]
      : NO_RULES;
  }
  if (balance - amount < floor) {
    return [
      deny(
        'reserve',
        `${token.symbol} reserve: ${formatAmount(balance, token.decimals)} held - ${formatAmount(amount, token.decimals)} requested < ${formatAmount(floor, token.decimals)} reserve`,
      ),
    ];
  }
  return NO_RULES;
};
