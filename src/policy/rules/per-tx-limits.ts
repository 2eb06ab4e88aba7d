// Per-transaction caps: one action may not move more than the token cap or the USD cap.
import { formatAmount } from '../../shared/amount.js';
import { formatUsd } from '../../shared/index.js';
import { deny, type FiredRule } from '../verdict.js';
import { NO_RULES, type PolicyRule } from './rule.js';

export const checkPerTxLimits: PolicyRule = (action, { policy }) => {
  if (!('outflow' in action)) return NO_RULES;
  const { token, amount, usd } = action.outflow;
  const rules: FiredRule[] = [];
  const tokenCap = policy.perTx.tokens.get(token.symbol);
  if (tokenCap !== undefined && amount > tokenCap) {
    rules.push(
      deny(
        'limit.per-tx.token',
        `per-transaction ${token.symbol} cap: ${formatAmount(amount, token.decimals)} requested > ${formatAmount(tokenCap, token.decimals)}`,
      ),
    );
  }
  const usdCap = policy.perTx.usd;
  if (usdCap !== undefined && usd !== undefined && usd > usdCap) {
    rules.push(deny('limit.per-tx.usd', `per-transaction USD cap: ${formatUsd(usd, 'figure')} requested > ${formatUsd(usdCap, 'figure')}`));
  }
  return rules;
};
