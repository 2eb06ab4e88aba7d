// The execution domain: a policy-approved action becomes at most one landed transaction,
// journalled before it is sent and recoverable after any crash. See docs/EXECUTION.md.
export { executeAction, type ExecuteActionParams, type ExecuteOptions } from './execute-action.js';
export type { ExecutionOutcome, RefusalStage } from './outcome.js';
export { recoverPending, type RecoverOptions, type RecoveryReport } from './recover-pending.js';
export { recordDecision, type RecordDecisionParams } from './record-decision.js';
export { readAction, transitionAction, type ActionRow } from './action-journal.js';
export { attemptsOf, liveAttempts, type AttemptRow, type AttemptState } from './attempts.js';
export { boundPreState, computeEffects, programsFromLogs, type ComputeEffectsOptions, type RawAccount } from './effects.js';
export { effectChecksOf, type EffectCheckOutcome, type EffectCheckRow } from './effect-checks.js';
export { DEFAULT_EFFECTS_ROUNDS, type EffectsSlots, type SimulationResult } from './simulate.js';
export { decisionMemo, decisionHash, parseDecisionMemo, MEMO_PROGRAM_ID } from './memo.js';
export { defaultConfirmOptions, type ConfirmOptions, type ConfirmEndpoint } from './send-and-confirm.js';
export { actionDigest } from './action-digest.js';
export {
  approveAction,
  rejectApproval,
  listApprovals,
  getApproval,
  requirePending,
  expireApprovals,
  type ApprovalRow,
  type ApprovalDecision,
} from './approvals.js';
export {
  buildGrantInstruction,
  unsignedGrantTransaction,
  withDelegate,
  readAllowances,
  type GrantParams,
  type GrantInstruction,
  type AllowanceView,
} from './grant.js';
export { decideAndRecord, journalContext, recheckBeforeSigning, type ObservedContext, type FencedDecisionParams } from './fence.js';
export { journalAttention, otherHostRuns, findForeignMemos, type Attention, type ForeignMemo } from './needs-attention.js';
export { loadLedgerEntries, readSpendWindows, readUnsettledOutflows } from './spend-windows.js';
