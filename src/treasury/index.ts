// The treasury domain: observe a DAO treasury on chain (one slot-stamped snapshot, few RPC
// requests), view it once (grouped, valued holdings; balances; prices; positions; treasury
// addresses), analyze it with pure fixed-point arithmetic, summarize it for the model, store it.
export {
  snapshotSchema,
  parseSnapshot,
  toJsonText,
  tokenProgramKinds,
  type TreasurySnapshot,
  type TokenProgramKind,
  type MintRisk,
  type SnapshotTokenEntry,
  type SnapshotTokenAccount,
  type SnapshotMint,
  type SnapshotStakeAccount,
  type SnapshotPrice,
  type SnapshotAllowance,
  type SnapshotProblem,
} from './snapshot.js';
export type {
  TreasuryAnalysis,
  AssetPosition,
  Holding,
  TreasuryFlag,
  DepegCheck,
  TreasuryChanges,
  ValueKind,
  HoldingSource,
} from './analysis.js';
export { analyzeTreasury, DEFAULT_FEE_RESERVE_LAMPORTS, type AnalyzeTreasuryOptions } from './analyze-treasury.js';
export { summarizeForPrompt } from './summarize-for-prompt.js';
export { sharePpm, formatPpmPercent, parsePercentPpm, PPM } from './share.js';
export { buildTreasuryView, type TreasuryView } from './treasury-view.js';
export { treasuryAddresses, associatedAccountsOf, type TreasuryAddresses } from './treasury-addresses.js';
export { priceOfSnapshot } from './snapshot-price.js';
export { groupHoldings, type GroupedHoldings, type StakeTotals } from './group-holdings.js';
export { valueHoldings, type ValuedHoldings } from './value-holdings.js';
export { getTreasurySnapshot, MAX_ACCOUNTS_PER_REQUEST, type GetTreasurySnapshotParams } from './get-treasury-snapshot.js';
export { mintRisks, extensionNames } from './mint-risks.js';
export { parseStakeAccount, STAKE_STAKER_OFFSET, STAKE_WITHDRAWER_OFFSET, STAKE_ACCOUNT_SIZE } from './stake-account.js';
export { readPythPrice, PYTH_ORACLE_PROGRAMS, type PriceLimits } from './pyth-price.js';
export {
  saveObservation,
  latestObservation,
  observationHistory,
  ownersKey,
  type StoredObservation,
  type Jsonified,
} from './observation-store.js';
