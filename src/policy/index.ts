// The policy engine: proposed actions in, verdicts out. Pure and synchronous: the caller fills
// the context (spend windows and unsettled outflows: src/execute/spend-windows.ts; the kill
// switch: src/store/pause-flag.ts).
export {
  proposedActionSchema,
  proposedActionKinds,
  outflowKinds,
  proposedActionJsonSchema,
  parseProposedAction,
  transferActionSchema,
  swapActionSchema,
  stakeActionSchema,
  unstakeActionSchema,
  voteActionSchema,
  noneActionSchema,
  type ActionKind,
  type ProposedAction,
  type TransferAction,
  type SwapAction,
  type StakeAction,
  type UnstakeAction,
  type VoteAction,
  type NoneAction,
  type ParseActionResult,
} from './actions.js';
export { compilePolicy, BASE_PROGRAMS, type CompiledPolicy, type CompiledToken, type CompiledWindow } from './compile-policy.js';
export { emptyWindowSpend, type PolicyContext, type SpendWindows, type WindowSpend } from './context.js';
export { evaluatePolicy, type PolicyVerdict } from './evaluate-policy.js';
export { checkEffects } from './check-effects.js';
export type { TransactionEffects, TokenAccountChange, LamportChange, AuthorityChange } from './effects.js';
export { ledgerColumns, type ResolvedAction, type Outflow, type LedgerColumns } from './resolved-action.js';
export { assessPrice, type PriceTrust } from './price.js';
export { ruleIds, verdictKind, verdictExitCode, type RuleId, type FiredRule, type Verdict, type VerdictKind } from './verdict.js';
export { createSpendLedger, type LedgerEntry, type SpendLedger } from './ledger.js';
