// The one shape every policy rule has: (action, scope) → the rules it fires, none as an empty
// list. `scope` is the compiled policy and the decision's context (clock, prices, spend, balances,
// treasury addresses, pause). A rule that does not apply to an action returns NO_RULES. Rules
// that judge a proposal before it is resolved (the kill switch, active hours) take any action.
// USD figures come from src/shared/money (valueMicroUsd with explicit rounding, formatUsd).
import type { CompiledPolicy } from '../compile-policy.js';
import type { PolicyContext } from '../context.js';
import type { ResolvedAction } from '../resolved-action.js';
import type { FiredRule } from '../verdict.js';

export interface RuleScope {
  policy: CompiledPolicy;
  context: PolicyContext;
}

export type PolicyRule<A = ResolvedAction> = (action: A, scope: RuleScope) => readonly FiredRule[];

/** What a rule returns when it fires nothing (shared: a verdict allocates no empty lists). */
export const NO_RULES: readonly FiredRule[] = Object.freeze([]);
