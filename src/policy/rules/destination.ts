// Destination allow-list for transfers: "treasury" admits any address the treasury owns (its
// owners and their token accounts); other entries are exact addresses.
import { deny } from '../verdict.js';
import { NO_RULES, type PolicyRule } from './rule.js';

/** Transfers only. */
export const checkDestination: PolicyRule = (action, { policy, context }) => {
  if (action.kind !== 'transfer') return NO_RULES;
  const { to } = action;
  if (policy.destinations.addresses.has(to)) return NO_RULES;
  if (policy.destinations.treasury && context.treasuryAddresses.has(to)) return NO_RULES;
  const allowed = [...(policy.destinations.treasury ? ['treasury'] : []), ...policy.destinations.addresses].join(', ') || 'none';
  return [deny('destination.not-allowed', `destination ${to} is not on the allow-list (allowed: ${allowed})`)];
};

/** Stakes only. */
export const checkValidator: PolicyRule = (action, { policy }) => {
  if (action.kind !== 'stake' || !policy.validators || policy.validators.has(action.validator)) return NO_RULES;
  return [deny('validator.not-allowed', `validator ${action.validator} is not in allow.validators`)];
};
