// Kill switch: the policy file's `paused: true` or `steward pause` in the database stops every
// action, including `none`, without touching anything else.
import { deny, type FiredRule } from '../verdict.js';
import type { PolicyRule } from './rule.js';

export const checkKillSwitch: PolicyRule<unknown> = (_action, { policy, context }) => {
  const rules: FiredRule[] = [];
  if (policy.paused) rules.push(deny('kill-switch.file', `policy "${policy.name}" is paused in its file (paused: true)`));
  if (context.paused) rules.push(deny('kill-switch.db', 'Steward is paused (`steward pause`); run `steward resume` to lift it'));
  return rules;
};
