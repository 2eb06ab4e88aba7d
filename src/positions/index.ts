// DeFi positions beyond tokens (issue #9): readers that find a treasury's lending and liquidity
// positions in the protocols' own accounts (each protocol SDK or IDL stays behind its reader),
// liquid-staking tokens at their stake pool's on-chain rate, and a pure analysis of their value,
// health, range, LST depeg and concentration with a price-shock stress.
export type {
  DefiPosition,
  LendingLeg,
  LendingPosition,
  LiquidityPosition,
  LiquidStakingPosition,
  MintPrice,
  PositionLeg,
  PositionProtocol,
  PriceBook,
  ReadPositionsParams,
  ReadPositionsResult,
  StakePoolHolding,
  UnreadablePosition,
} from './types.js';
export { readPositions } from './read-positions.js';
export { positionRpc, type PositionRpc } from './rpc.js';
export { priceBookFromSnapshot } from './price-book.js';
export {
  analyzePositions,
  amountsFromLiquidity,
  isqrt,
  lendingFigures,
  liquidityFigures,
  liquidStakingFigures,
  shockLiquidity,
  DEFAULT_HEALTH_FACTOR_MIN_PPM,
  DEFAULT_MAX_PROTOCOL_SHARE_PPM,
  DEFAULT_LST_DEPEG_THRESHOLD_BPS,
  type AnalyzePositionsOptions,
  type AssetExposure,
  type LendingFigures,
  type LiquidityFigures,
  type LiquidStakingFigures,
  type PositionFigures,
  type PositionFlag,
  type PositionsAnalysis,
  type ProtocolExposure,
  type StressedPosition,
} from './analyze-positions.js';
export {
  readMarginfiPositions,
  encodeMarginfiAccount,
  encodeMarginfiBank,
  sharesFor,
  MARGINFI_PROGRAM_ID,
  MARGINFI_ACCOUNT_SIZE,
  MARGINFI_BANK_SIZE,
  MARGINFI_AUTHORITY_OFFSET,
  type MarginfiBankFields,
  type MarginfiBalanceFields,
} from './marginfi.js';
export {
  readWhirlpoolPositions,
  encodeWhirlpool,
  encodeWhirlpoolPosition,
  encodeTickArray,
  tickArrayFor,
  positionAddress,
  tickAtSqrtPrice,
  sqrtPriceAtTick,
  WHIRLPOOL_PROGRAM_ID,
  type WhirlpoolPoolFields,
  type WhirlpoolPositionFields,
  type TickFields,
} from './orca-whirlpools.js';
export {
  readStakePoolPositions,
  stakePoolHoldings,
  encodeStakePool,
  SPL_STAKE_POOL_PROGRAM_ID,
  STAKE_POOL_ACCOUNT_SIZE,
  type StakePoolFields,
} from './spl-stake-pool.js';
