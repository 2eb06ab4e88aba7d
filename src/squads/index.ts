// Squads v4 multisig treasuries: reading the multisig and its spending limits, the limit
// arithmetic (reset, not rolling), compiling a policy into spending limits, the drift between
// the two fences, and the instructions members and the agent send.
export {
  SQUADS_PROGRAM_ID,
  SQUADS_PERIODS,
  PERIOD_INDEX,
  PERMISSION,
  periodSeconds,
  periodFromIndex,
  programConfigAddress,
  multisigAddress,
  vaultAddress,
  spendingLimitAddress,
  transactionAddress,
  proposalAddress,
  type SquadsPeriod,
} from './program.js';
export { encodeProgramConfig, programConfigAccount, type ProgramConfigParams } from './program-config.js';
export {
  readSquadsTreasury,
  readSpendingLimits,
  decodeSpendingLimit,
  clockUnixTimestamp,
  type SquadsTreasury,
  type SquadsMember,
  type SquadsSpendingLimit,
  type ReadSquadsParams,
} from './read-squads.js';
export { remainingAt, nextResetAfter, periodsTouched, worstCaseInWindow, type LimitState } from './limit-arithmetic.js';
export {
  configAction,
  changedLimitAddress,
  planConfigTransaction,
  approveInstruction,
  executeConfigInstruction,
  controlledInstruction,
  type SpendingLimitSpec,
  type LimitChange,
  type ConfigChange,
  type ConfigTransactionPlan,
} from './config-transaction.js';
export { spendingLimitUseInstruction, type SpendingLimitUseParams } from './spend.js';
export { createMultisigInstruction, permissionMask, memberChange, type MemberSpec } from './create-multisig.js';
export {
  compileSpendingLimits,
  baseUnitsForUsd,
  type CompiledLimit,
  type CompileLimitsParams,
  type CompileLimitsResult,
  type UncompiledToken,
} from './compile-limits.js';
export { checkSquadsDrift, driftFlagIds, REMOVED_MEMBER_KEEPS_LIMIT, type DriftFlag, type DriftFlagId, type DriftParams } from './drift.js';
export { planGrant, matchesCompiled, type GrantPlan, type GrantPlanStep } from './grant-plan.js';
