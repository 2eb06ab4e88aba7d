// Human approval: above a USD value, and for the kinds the policy names (every vote by default).
import { formatUsd } from '../../shared/index.js';
import { needsApproval, type FiredRule } from '../verdict.js';
import type { PolicyRule } from './rule.js';

export const checkApproval: PolicyRule = (action, { policy }) => {
  const rules: FiredRule[] = [];
  const usd = 'outflow' in action ? action.outflow.usd : undefined;
  if (policy.approval.kinds.has(action.kind))
    rules.push(needsApproval('approval.kind', `every ${action.kind} needs a human approval (approval.actions)`));
  const above = policy.approval.aboveUsd;
  if (above !== undefined && usd !== undefined && usd > above) {
    rules.push(
      needsApproval(
        'approval.above-usd',
        `${formatUsd(usd, 'figure')} USD is above the ${formatUsd(above, 'figure')} USD approval threshold`,
      ),
    );
  }
  return rules;
};
