// Human approval: above a USD value, and for the kinds the policy names (every vote by default).
import type { ActionKind } from '../actions.js';
import type { CompiledPolicy } from '../compile-policy.js';
import { formatUsd } from '../../shared/index.js';
import { needsApproval, type FiredRule } from '../verdict.js';

export function checkApproval(policy: CompiledPolicy, kind: ActionKind, usd: bigint | undefined, rules: FiredRule[]): void {
  if (policy.approval.kinds.has(kind)) rules.push(needsApproval('approval.kind', `every ${kind} needs a human approval (approval.actions)`));
  const above = policy.approval.aboveUsd;
  if (above !== undefined && usd !== undefined && usd > above) {
    rules.push(needsApproval('approval.above-usd', `${formatUsd(usd, 'figure')} USD is above the ${formatUsd(above, 'figure')} USD approval threshold`));
  }
}
