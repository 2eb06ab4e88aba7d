// Reserves: an outflow may not leave a treasury balance below the policy's floor for that token.
// An overdraft is refused too (floor 0). An unknown balance with a floor to keep is a deny: the
// floor cannot be proven.
import { formatAmount } from '../../shared/amount.js';
import type { CompiledPolicy } from '../compile-policy.js';
import type { PolicyContext } from '../context.js';
import type { Outflow } from '../resolved-action.js';
import { deny, type FiredRule } from '../verdict.js';

export function checkReserve(policy: CompiledPolicy, context: PolicyContext, outflow: Outflow): FiredRule | undefined {
  const { token, amount } = outflow;
  const floor = policy.reserves.get(token.symbol) ?? 0n;
  const balance = context.balances[token.symbol];
  if (balance === undefined) {
    return floor > 0n ? deny('reserve.balance-unknown', `the treasury's ${token.symbol} balance is unknown, so the ${formatAmount(floor, token.decimals)} ${token.symbol} reserve cannot be checked`) : undefined;
  }
  if (balance - amount < floor) {
    return deny('reserve', `${token.symbol} reserve: ${formatAmount(balance, token.decimals)} held - ${formatAmount(amount, token.decimals)} requested < ${formatAmount(floor, token.decimals)} reserve`);
  }
  return undefined;
}
