// Destination allow-list for transfers: "treasury" admits any address the treasury owns (its
// owners and their token accounts); other entries are exact addresses.
import type { CompiledPolicy } from '../compile-policy.js';
import { deny, type FiredRule } from '../verdict.js';

export function checkDestination(policy: CompiledPolicy, to: string, treasury: ReadonlySet<string>): FiredRule | undefined {
  if (policy.destinations.addresses.has(to)) return undefined;
  if (policy.destinations.treasury && treasury.has(to)) return undefined;
  const allowed = [...(policy.destinations.treasury ? ['treasury'] : []), ...policy.destinations.addresses].join(', ') || 'none';
  return deny('destination.not-allowed', `destination ${to} is not on the allow-list (allowed: ${allowed})`);
}

export function checkValidator(policy: CompiledPolicy, validator: string): FiredRule | undefined {
  if (!policy.validators || policy.validators.has(validator)) return undefined;
  return deny('validator.not-allowed', `validator ${validator} is not in allow.validators`);
}
