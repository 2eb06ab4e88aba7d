// evaluatePolicy: one proposed action (untrusted input) + the compiled policy + the context →
// a verdict. Pure and synchronous: no I/O, no clock but `context.now`. Every rule that applies
// is evaluated so a deny lists all its reasons; only an action that cannot be resolved at all
// (invalid shape, unknown token, bad amount) stops early, since later rules would have nothing
// to measure. Every check after that is a PolicyRule (rules/rule.ts): one (action, scope) →
// fired-rules signature, run in a fixed order.
import { parseProposedAction, type ProposedAction } from './actions.js';
import type { CompiledPolicy, CompiledToken } from './compile-policy.js';
import type { PolicyContext } from './context.js';
import { valueMicroUsd } from '../shared/index.js';
import type { Outflow, ResolvedAction } from './resolved-action.js';
import { checkActiveHours } from './rules/active-hours.js';
import { checkAddress } from './rules/address.js';
import { parseActionAmount } from './rules/amount.js';
import { checkApproval } from './rules/approval.js';
import { checkDestination, checkValidator } from './rules/destination.js';
import { checkKillSwitch } from './rules/kill-switch.js';
import { priceFor, usdRuleNames } from './rules/oracle.js';
import { checkPerTxLimits } from './rules/per-tx-limits.js';
import { checkReserve } from './rules/reserves.js';
import type { PolicyRule, RuleScope } from './rules/rule.js';
import { checkSwapBounds } from './rules/swap-bounds.js';
import { isRule, nativeToken, resolveToken } from './rules/token.js';
import { checkWindowLimits } from './rules/window-limits.js';
import { deny, verdictKind, type FiredRule, type Verdict } from './verdict.js';

export type PolicyVerdict = Verdict<ResolvedAction>;

/** The rules a resolved action meets, in the order their reasons are listed. Each says when it applies. */
const RESOLVED_RULES: readonly PolicyRule[] = [
  checkPerTxLimits,
  checkWindowLimits,
  checkReserve,
  checkDestination,
  checkValidator,
  checkSwapBounds,
  checkApproval,
];

export function evaluatePolicy(policy: CompiledPolicy, input: unknown, context: PolicyContext): PolicyVerdict {
  const scope: RuleScope = { policy, context };
  const rules = [...checkKillSwitch(input, scope)];
  if (rules.length > 0) return { kind: 'deny', rules, action: undefined };

  const parsed = parseProposedAction(input);
  if (!parsed.ok) {
    const id = parsed.path === 'kind' ? 'action.kind-unknown' : 'action.invalid';
    return { kind: 'deny', rules: [deny(id, parsed.reason)], action: undefined };
  }
  const action = parsed.action;
  if (!policy.allowedKinds.has(action.kind)) {
    rules.push(deny('action.kind-not-allowed', `"${action.kind}" is not in allow.actions (${[...policy.allowedKinds].join(', ')})`));
  }
  rules.push(...checkActiveHours(action, scope));

  const resolved = resolve(policy, action, context, rules);
  if (resolved) {
    for (const rule of RESOLVED_RULES) {
      const fired = rule(resolved, scope);
      if (fired.length > 0) rules.push(...fired);
    }
  }

  const kind = verdictKind(rules);
  if (kind === 'deny' || !resolved) return { kind: 'deny', rules, action: resolved };
  return { kind, rules, action: resolved };
}

/** Looks tokens, amounts and addresses up; pushes the reason and returns undefined when it cannot. */
function resolve(policy: CompiledPolicy, action: ProposedAction, context: PolicyContext, rules: FiredRule[]): ResolvedAction | undefined {
  const reason = action.reason;
  switch (action.kind) {
    case 'none':
      return { kind: 'none', reason: action.reason };
    case 'vote': {
      const proposal = checkAddress(action.proposal, 'proposal');
      if (typeof proposal !== 'string') return fail(rules, proposal);
      return { kind: 'vote', proposal, choice: action.choice, reason };
    }
    case 'unstake': {
      const stakeAccount = checkAddress(action.stakeAccount, 'stakeAccount');
      if (typeof stakeAccount !== 'string') return fail(rules, stakeAccount);
      if (action.amount === undefined) return { kind: 'unstake', stakeAccount, amount: undefined, reason };
      const sol = nativeToken(policy);
      if (isRule(sol)) return fail(rules, sol);
      const amount = parseActionAmount(sol, action.amount, 'amount');
      if (typeof amount !== 'bigint') return fail(rules, amount);
      return { kind: 'unstake', stakeAccount, amount, reason };
    }
    case 'transfer': {
      const token = resolveToken(policy, action.token, 'token');
      if (isRule(token)) return fail(rules, token);
      const amount = parseActionAmount(token, action.amount, 'amount');
      if (typeof amount !== 'bigint') return fail(rules, amount);
      const to = checkAddress(action.to, 'to');
      if (typeof to !== 'string') return fail(rules, to);
      const outflow = priceOutflow(policy, context, token, amount, rules);
      return { kind: 'transfer', token, amount, to, internal: context.treasuryAddresses.has(to), memo: action.memo, outflow, reason };
    }
    case 'swap': {
      const from = resolveToken(policy, action.from, 'from');
      if (isRule(from)) return fail(rules, from);
      const to = resolveToken(policy, action.to, 'to');
      if (isRule(to)) return fail(rules, to);
      if (from === to) return fail(rules, deny('swap.same-token', `a swap from ${from.symbol} to ${to.symbol} does nothing but pay fees`));
      const amount = parseActionAmount(from, action.amount, 'amount');
      if (typeof amount !== 'bigint') return fail(rules, amount);
      const outflow = priceOutflow(policy, context, from, amount, rules);
      return { kind: 'swap', from, to, amount, maxSlippageBps: action.maxSlippageBps, outflow, reason };
    }
    case 'stake': {
      const sol = nativeToken(policy);
      if (isRule(sol)) return fail(rules, sol);
      const amount = parseActionAmount(sol, action.amount, 'amount');
      if (typeof amount !== 'bigint') return fail(rules, amount);
      const validator = checkAddress(action.validator, 'validator');
      if (typeof validator !== 'string') return fail(rules, validator);
      const outflow = priceOutflow(policy, context, sol, amount, rules);
      return { kind: 'stake', token: sol, amount, validator, outflow, reason };
    }
    default:
      return action satisfies never;
  }
}

/** Records why an action cannot be resolved (a plain function: no closure per verdict). */
function fail(rules: FiredRule[], rule: FiredRule): undefined {
  rules.push(rule);
  return undefined;
}

/** Values an outflow in USD; when a USD rule needs the value and the price is untrusted, denies. */
function priceOutflow(policy: CompiledPolicy, context: PolicyContext, token: CompiledToken, amount: bigint, rules: FiredRule[]): Outflow {
  const trust = priceFor(policy, context, token.symbol);
  if (trust.trusted) return { token, amount, usd: valueMicroUsd(amount, token.decimals, trust.price, 'up') };
  if (policy.needsUsd) {
    rules.push(deny('oracle.untrusted', `${usdRuleNames(policy).join(', ')} need(s) a trusted USD price: ${trust.reason}`));
  }
  return { token, amount, usd: undefined };
}
