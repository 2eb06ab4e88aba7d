// The shape every protocol reader returns: a DeFi position as token legs in base units, the
// protocol's own risk parameters, and figures valued in micro-USD. Plain data (bigint, strings),
// no SDK type, so nothing outside src/treasury/positions ever sees a protocol SDK.
import type { ReadRounds } from '../../chain/account-reader.js';
import type { Price } from '../../shared/index.js';

/** The `Price` of one mint (src/shared/money) with the token table's symbol. Untrusted prices value nothing here. */
export interface MintPrice extends Price {
  symbol: string;
}

/** USD prices by mint address (base58). Wrapped SOL's mint prices native SOL. */
export type PriceBook = ReadonlyMap<string, MintPrice>;

export type PositionProtocol = 'marginfi' | 'orca-whirlpools' | 'spl-stake-pool';

/** One token leg of a position, in the mint's base units. */
export interface PositionLeg {
  mint: string;
  decimals: number;
  amount: bigint;
}

/** A deposit or a borrow in a lending market, with the protocol's maintenance weights (ppm). */
export interface LendingLeg extends PositionLeg {
  side: 'supply' | 'borrow';
  /** The bank (MarginFi) or reserve the leg lives in. */
  market: string;
  /** Supply: share of value that counts toward maintenance health (liquidation threshold). Borrow: liability weight (≥ 1 000 000). */
  maintWeightPpm: bigint;
  /** Supply: share that counts toward new borrows (max LTV). Borrow: initial liability weight. */
  initWeightPpm: bigint;
}

export interface LendingPosition {
  kind: 'lending';
  protocol: 'marginfi';
  /** The account holding the position (a MarginfiAccount). */
  account: string;
  owner: string;
  legs: LendingLeg[];
  /** Protocol flags worth an operator's attention (e.g. "disabled", "frozen"). */
  notes: string[];
}

export interface LiquidityPosition {
  kind: 'liquidity';
  protocol: 'orca-whirlpools';
  /** The Position account. */
  account: string;
  owner: string;
  pool: string;
  positionMint: string;
  tokenA: PositionLeg;
  tokenB: PositionLeg;
  /** Uncollected fees (after any Token-2022 transfer fee), base units. */
  feesA: bigint;
  feesB: bigint;
  liquidity: bigint;
  tickLower: number;
  tickUpper: number;
  tickCurrent: number;
  /** √price × 2^64 of the pool and of the range edges (token B per token A, base units). */
  sqrtPriceX64: bigint;
  sqrtPriceLowerX64: bigint;
  sqrtPriceUpperX64: bigint;
  inRange: boolean;
}

/**
 * A liquid-staking token the treasury holds, with its stake pool's exchange rate as read on-chain.
 * The tokens themselves are treasury holdings (valued at market by the treasury analysis); this
 * adds what they are worth in SOL at the pool's rate.
 */
export interface LiquidStakingPosition {
  kind: 'liquid-staking';
  protocol: 'spl-stake-pool';
  /** The stake pool account. */
  account: string;
  owner: null;
  symbol: string;
  /** The LST held by all treasury owners together. */
  holding: PositionLeg;
  /** SOL (lamports) the pool holds and pool tokens outstanding: rate = totalLamports / poolTokenSupply. */
  totalLamports: bigint;
  poolTokenSupply: bigint;
  /** The epoch the pool's totals were last updated, and the chain's epoch (null when the Clock was not served). */
  lastUpdateEpoch: bigint;
  epoch: bigint | null;
  /** The pool's epoch fee on rewards (ppm). */
  epochFeePpm: bigint;
}

/** An LST holding and the stake pool that issues it (policy token table, `stakePool`). */
export interface StakePoolHolding {
  symbol: string;
  mint: string;
  decimals: number;
  amount: bigint;
  pool: string;
}

/** An account that belongs to a treasury owner but could not be read: never valued. */
export interface UnreadablePosition {
  kind: 'unreadable';
  protocol: PositionProtocol;
  account: string;
  owner: string | null;
  reason: string;
}

export type DefiPosition = LendingPosition | LiquidityPosition | LiquidStakingPosition | UnreadablePosition;

export interface ReadPositionsParams {
  /** Treasury owners (base58). */
  owners: readonly string[];
  /** LSTs held, with their stake pools (`stakePoolHoldings(snapshot, policy.tokens)`): read in one more getMultipleAccounts. */
  stakePools?: readonly StakePoolHolding[];
  commitment?: 'processed' | 'confirmed' | 'finalized';
}

export interface ReadPositionsResult {
  positions: DefiPosition[];
  /** Highest context slot of the answers. */
  slot: bigint;
  /** Reads the readers asked for, by method (before merging into rounds). */
  rpcCalls: Record<string, number>;
  /** What the reader sent: rounds, HTTP requests and JSON-RPC calls (with a shared reader, the whole observation's). */
  wire: ReadRounds;
}
