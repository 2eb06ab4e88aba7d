// Liquid-staking tokens (jitoSOL and other SPL stake pool tokens): reads each configured pool's
// account and decodes it with @solana/spl-stake-pool's own `StakePoolLayout`, so an LST can be
// valued at its on-chain exchange rate (totalLamports / poolTokenSupply) and its market price
// checked against that rate. All pools and the Clock come back in one getMultipleAccounts.
// The SDK stays in this file: the rest of Steward sees a plain `LiquidStakingPosition`.
import { STAKE_POOL_PROGRAM_ID, StakePoolLayout, type StakePool } from '@solana/spl-stake-pool';
import { PublicKey, SYSVAR_CLOCK_PUBKEY, type AccountInfo } from '@solana/web3.js';
import { StewardError } from '../../errors/index.js';
import type { TreasurySnapshot } from '../snapshot.js';
import { BN } from './idl-values.js';
import { readMultipleAccounts as multipleAccounts, type AccountReader as PositionRpc } from '../../chain/account-reader.js';
import type { LiquidStakingPosition, StakePoolHolding, UnreadablePosition } from './types.js';

/** The SPL stake pool program (the one Jito's and most LST pools run under). */
export const SPL_STAKE_POOL_PROGRAM_ID = STAKE_POOL_PROGRAM_ID;
/**
 * Bytes of a stake pool account: the program allocates the layout with every optional field
 * present (611). Another size is another version of the program's layout: not decoded.
 */
export const STAKE_POOL_ACCOUNT_SIZE = 611;
const ACCOUNT_TYPE_STAKE_POOL = 1;

function unreadable(account: string, reason: string): UnreadablePosition {
  return { kind: 'unreadable', protocol: 'spl-stake-pool', account, owner: null, reason };
}

const big = (value: { toString(): string }): bigint => BigInt(value.toString());

/**
 * What the treasury holds of each LST with a configured stake pool (policy token table,
 * `stakePool`), summed over the snapshot's token accounts. Tokens it does not hold are left out.
 */
export function stakePoolHoldings(
  snapshot: Pick<TreasurySnapshot, 'tokenAccounts'>,
  tokens: Readonly<Record<string, { mint: string; decimals: number; stakePool?: string | undefined }>>,
): StakePoolHolding[] {
  const holdings: StakePoolHolding[] = [];
  for (const [symbol, entry] of Object.entries(tokens)) {
    if (entry.stakePool === undefined || entry.mint === 'native') continue;
    const amount = snapshot.tokenAccounts
      .filter((account) => account.mint === entry.mint)
      .reduce((sum, account) => sum + account.amount, 0n);
    if (amount > 0n) holdings.push({ symbol, mint: entry.mint, decimals: entry.decimals, amount, pool: entry.stakePool });
  }
  return holdings;
}

/** Stake pool accounts and the Clock's epoch, as read in one getMultipleAccounts. */
export interface FetchedStakePools {
  infos: ReadonlyMap<string, AccountInfo<Buffer> | null>;
  epoch: bigint | null;
}

/**
 * Reads the given stake pools (and the Clock, for the pool's update epoch) in one
 * getMultipleAccounts. The addresses come from configuration, so this can run before the
 * holdings are known, in parallel with the treasury scan.
 */
export async function fetchStakePools(rpc: PositionRpc, pools: readonly { symbol: string; pool: string }[]): Promise<FetchedStakePools> {
  if (pools.length === 0) return { infos: new Map(), epoch: null };
  const keys = pools.map(({ symbol, pool }) => {
    try {
      return new PublicKey(pool);
    } catch (error) {
      throw new StewardError('CONFIG_INVALID', `stake pool "${pool}" of ${symbol} is not a Solana address`, {
        hint: `fix tokens.${symbol}.stakePool in the policy file (the pool account, e.g. Jito4APyf642JPZPx3hGc6WWJ8zPKtRbRs4P815Awbb for jitoSOL)`,
        context: { symbol, stakePool: pool },
        cause: error,
      });
    }
  });
  const infos = await multipleAccounts(rpc, [...keys, SYSVAR_CLOCK_PUBKEY], 'stake pools and Clock');
  const clock = infos.get(SYSVAR_CLOCK_PUBKEY.toBase58());
  const epoch = clock && clock.data.length >= 24 ? clock.data.readBigUInt64LE(16) : null;
  return { infos, epoch };
}

/** Values each holding at its pool's rate, from pools already read with fetchStakePools. */
export function stakePoolPositions(
  holdings: readonly StakePoolHolding[],
  fetched: FetchedStakePools,
  programIds: readonly PublicKey[] = [SPL_STAKE_POOL_PROGRAM_ID],
): Array<LiquidStakingPosition | UnreadablePosition> {
  return holdings.map((holding) => decodeHolding(holding, fetched.infos.get(holding.pool) ?? null, fetched.epoch, programIds));
}

/** Reads every holding's stake pool (and the Clock) in one getMultipleAccounts and values it. */
export async function readStakePoolPositions(
  rpc: PositionRpc,
  holdings: readonly StakePoolHolding[],
  programIds: readonly PublicKey[] = [SPL_STAKE_POOL_PROGRAM_ID],
): Promise<Array<LiquidStakingPosition | UnreadablePosition>> {
  if (holdings.length === 0) return [];
  return stakePoolPositions(holdings, await fetchStakePools(rpc, holdings), programIds);
}

function decodeHolding(
  holding: StakePoolHolding,
  info: AccountInfo<Buffer> | null,
  epoch: bigint | null,
  programIds: readonly PublicKey[],
): LiquidStakingPosition | UnreadablePosition {
  const where = `stake pool ${holding.pool} (${holding.symbol})`;
  if (!info) return unreadable(holding.pool, `${where} does not exist on this cluster; check tokens.${holding.symbol}.stakePool`);
  if (!programIds.some((program) => program.equals(info.owner))) {
    return unreadable(
      holding.pool,
      `${where} is owned by ${info.owner.toBase58()}, not the SPL stake pool program ${programIds.map((p) => p.toBase58()).join(' or ')}`,
    );
  }
  if (info.data.length !== STAKE_POOL_ACCOUNT_SIZE) {
    return unreadable(
      holding.pool,
      `${where} holds ${info.data.length} bytes where StakePoolLayout expects ${STAKE_POOL_ACCOUNT_SIZE}: another version of the stake pool program, not decoded`,
    );
  }
  let pool: StakePool;
  try {
    pool = StakePoolLayout.decode(info.data);
  } catch (error) {
    return unreadable(holding.pool, `${where} does not decode with StakePoolLayout: ${(error as Error).message}`);
  }
  if (pool.accountType !== ACCOUNT_TYPE_STAKE_POOL) {
    return unreadable(holding.pool, `${where} has account type ${pool.accountType}, not a stake pool (1)`);
  }
  if (pool.poolMint.toBase58() !== holding.mint) {
    return unreadable(
      holding.pool,
      `${where} mints ${pool.poolMint.toBase58()}, not ${holding.mint}; the configured pool belongs to another token`,
    );
  }
  const poolTokenSupply = big(pool.poolTokenSupply);
  if (poolTokenSupply === 0n) return unreadable(holding.pool, `${where} has no pool tokens outstanding: no exchange rate`);
  return {
    kind: 'liquid-staking',
    protocol: 'spl-stake-pool',
    account: holding.pool,
    owner: null,
    symbol: holding.symbol,
    holding: { mint: holding.mint, decimals: holding.decimals, amount: holding.amount },
    totalLamports: big(pool.totalLamports),
    poolTokenSupply,
    lastUpdateEpoch: big(pool.lastUpdateEpoch),
    epoch,
    epochFeePpm: pool.epochFee.denominator.isZero() ? 0n : (big(pool.epochFee.numerator) * 1_000_000n) / big(pool.epochFee.denominator),
  };
}

export interface StakePoolFields {
  poolMint: PublicKey;
  totalLamports: bigint;
  poolTokenSupply: bigint;
  lastUpdateEpoch: bigint;
  manager?: PublicKey;
  reserveStake?: PublicKey;
  validatorList?: PublicKey;
  managerFeeAccount?: PublicKey;
  tokenProgramId?: PublicKey;
  /** Epoch fee as numerator / denominator (default 4 / 100, Jito's). */
  epochFee?: { numerator: bigint; denominator: bigint };
}

/** A stake pool account (611 bytes) written with StakePoolLayout, for the demo and tests. */
export function encodeStakePool(fields: StakePoolFields): Buffer {
  const key = (value: PublicKey | undefined) => value ?? PublicKey.default;
  const fee = (numerator: bigint, denominator: bigint) => ({
    numerator: new BN(numerator.toString()),
    denominator: new BN(denominator.toString()),
  });
  const zeroFee = fee(0n, 0n);
  // None is null: buffer-layout skips undefined fields without advancing correctly.
  const pool = {
    accountType: ACCOUNT_TYPE_STAKE_POOL,
    manager: key(fields.manager),
    staker: key(fields.manager),
    stakeDepositAuthority: key(undefined),
    stakeWithdrawBumpSeed: 255,
    validatorList: key(fields.validatorList),
    reserveStake: key(fields.reserveStake),
    poolMint: fields.poolMint,
    managerFeeAccount: key(fields.managerFeeAccount),
    tokenProgramId: key(fields.tokenProgramId),
    totalLamports: new BN(fields.totalLamports.toString()),
    poolTokenSupply: new BN(fields.poolTokenSupply.toString()),
    lastUpdateEpoch: new BN(fields.lastUpdateEpoch.toString()),
    lockup: { unixTimestamp: new BN(0), epoch: new BN(0), custodian: PublicKey.default },
    epochFee: fee(fields.epochFee?.numerator ?? 4n, fields.epochFee?.denominator ?? 100n),
    nextEpochFee: null,
    preferredDepositValidatorVoteAddress: null,
    preferredWithdrawValidatorVoteAddress: null,
    stakeDepositFee: zeroFee,
    stakeWithdrawalFee: zeroFee,
    nextStakeWithdrawalFee: null,
    stakeReferralFee: 0,
    solDepositAuthority: null,
    solDepositFee: zeroFee,
    solReferralFee: 0,
    solWithdrawAuthority: null,
    solWithdrawalFee: zeroFee,
    nextSolWithdrawalFee: null,
    lastEpochPoolTokenSupply: new BN(fields.poolTokenSupply.toString()),
    lastEpochTotalLamports: new BN(fields.totalLamports.toString()),
  };
  const data = Buffer.alloc(STAKE_POOL_ACCOUNT_SIZE);
  StakePoolLayout.encode(pool as unknown as StakePool, data);
  return data;
}
