// The treasury domain: observe a DAO treasury on chain (one slot-stamped snapshot, few RPC
// requests), analyze it with pure fixed-point arithmetic, summarize it for the model, store it.
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
export type { TreasuryAnalysis, AssetPosition, TreasuryFlag, DepegCheck, TreasuryChanges, ValueKind, HoldingSource } from './analysis.js';
export { analyzeTreasury, DEFAULT_FEE_RESERVE_LAMPORTS, type AnalyzeTreasuryOptions } from './analyze-treasury.js';
export { summarizeForPrompt } from './summarize-for-prompt.js';
export {
  valueMicroUsd,
  sharePpm,
  formatPrice,
  formatMicroUsd,
  formatUsdCents,
  formatPpmPercent,
  parsePercentPpm,
  parseUsdMicro,
  MICRO_USD_DECIMALS,
  PPM,
} from './fixed-point.js';
