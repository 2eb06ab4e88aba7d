// Orca Whirlpools concentrated-liquidity positions: a position belongs to whoever holds its
// position NFT, so the reader finds the owners' single-unit token accounts, derives each mint's
// Position PDA, and reads positions, pools, the tick arrays of the range edges and the token
// mints. Decoding, token amounts at the pool price and uncollected fees all come from Orca's
// own SDK (@orca-so/whirlpools-sdk: ParsablePosition/ParsableWhirlpool/ParsableTickArray,
// PoolUtil, PriceMath, collectFeesQuote), which stays behind this module.
// Reads: 2 getProgramAccounts per owner (SPL Token, Token-2022), then 3 getMultipleAccounts.
import { AccountLayout, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, unpackMint } from '@solana/spl-token';
import { PublicKey, SYSVAR_CLOCK_PUBKEY, type AccountInfo } from '@solana/web3.js';
import {
  AccountName,
  ORCA_WHIRLPOOL_PROGRAM_ID,
  PDAUtil,
  ParsablePosition,
  ParsableTickArray,
  ParsableWhirlpool,
  PoolUtil,
  PriceMath,
  TickArrayUtil,
  WHIRLPOOL_CODER,
  WHIRLPOOL_IDL,
  collectFeesQuote,
  getAccountSize,
  type PositionData,
  type WhirlpoolData,
} from '@orca-so/whirlpools-sdk';
import { derivedAddress } from '../../chain/derived-address.js';
import { BN, camelCaseKeys, encodeAccount, zeroOfDefined } from './idl-values.js';
import {
  readMultipleAccounts as multipleAccounts,
  readProgramAccounts as programAccounts,
  type AccountReader as PositionRpc,
} from '../../chain/account-reader.js';
import type { DefiPosition, UnreadablePosition } from './types.js';
import { StewardError } from '../../errors/index.js';

export const WHIRLPOOL_PROGRAM_ID: PublicKey = ORCA_WHIRLPOOL_PROGRAM_ID;
const TOKEN_ACCOUNT_OWNER_OFFSET = 32;
const TOKEN_ACCOUNT_SIZE = 165;

function unreadable(account: string, owner: string | null, reason: string): UnreadablePosition {
  return { kind: 'unreadable', protocol: 'orca-whirlpools', account, owner, reason };
}

/** Discriminator and exact size first, so a newer layout is reported, never decoded by guesswork. */
function checkLayout(name: AccountName, data: Buffer): string | null {
  if (!WHIRLPOOL_CODER.accountDiscriminator(name).equals(data.subarray(0, 8)))
    return `not a Whirlpools ${name} account (discriminator differs)`;
  const size = getAccountSize(name);
  if (data.length !== size)
    return `Whirlpools ${name} of ${data.length} bytes, this reader decodes the ${size}-byte layout (a newer or older account version)`;
  return null;
}

const toBig = (value: BN): bigint => BigInt(value.toString());

export async function readWhirlpoolPositions(rpc: PositionRpc, owners: readonly string[]): Promise<DefiPosition[]> {
  // 1. Single-unit token accounts of the owners: the candidate position NFTs.
  const found = await Promise.all(
    owners.flatMap((owner) => [
      programAccounts(
        rpc,
        TOKEN_PROGRAM_ID,
        [{ dataSize: TOKEN_ACCOUNT_SIZE }, { memcmp: { offset: TOKEN_ACCOUNT_OWNER_OFFSET, bytes: owner } }],
        `SPL Token accounts of ${owner} (position NFTs)`,
      ).then((accounts) => ({ owner, accounts })),
      programAccounts(
        rpc,
        TOKEN_2022_PROGRAM_ID,
        [{ memcmp: { offset: TOKEN_ACCOUNT_OWNER_OFFSET, bytes: owner } }],
        `Token-2022 accounts of ${owner} (position NFTs)`,
      ).then((accounts) => ({
        owner,
        accounts,
      })),
    ]),
  );
  const candidates = new Map<string, { owner: string; mint: PublicKey; position: PublicKey }>();
  for (const { owner, accounts } of found) {
    for (const { account } of accounts) {
      if (account.data.length < TOKEN_ACCOUNT_SIZE) continue;
      const token = AccountLayout.decode(account.data.subarray(0, TOKEN_ACCOUNT_SIZE));
      if (token.amount !== 1n || token.owner.toBase58() !== owner) continue;
      const position = positionAddress(token.mint);
      candidates.set(position.toBase58(), { owner, mint: token.mint, position });
    }
  }
  if (candidates.size === 0) return [];

  // 2. Position accounts: a candidate without one is an ordinary NFT.
  const positionInfos = await multipleAccounts(
    rpc,
    [...candidates.values()].map((c) => c.position),
    'Whirlpools positions',
  );
  const results: DefiPosition[] = [];
  const positions: Array<{ owner: string; address: PublicKey; data: PositionData }> = [];
  for (const [address, candidate] of candidates) {
    const info = positionInfos.get(address);
    if (!info || !info.owner.equals(WHIRLPOOL_PROGRAM_ID)) continue;
    const problem = checkLayout(AccountName.Position, info.data);
    const data = problem ? null : ParsablePosition.parse(candidate.position, info);
    if (!data) {
      results.push(unreadable(address, candidate.owner, problem ?? 'Whirlpools Position does not decode'));
      continue;
    }
    if (!data.positionMint.equals(candidate.mint)) {
      results.push(
        unreadable(
          address,
          candidate.owner,
          `Position names mint ${data.positionMint.toBase58()}, not the NFT ${candidate.mint.toBase58()} it was derived from`,
        ),
      );
      continue;
    }
    positions.push({ owner: candidate.owner, address: candidate.position, data });
  }
  if (positions.length === 0) return results;

  // 3. Their pools.
  const poolInfos = await multipleAccounts(
    rpc,
    positions.map((p) => p.data.whirlpool),
    'Whirlpools pools',
  );
  const pools = new Map<string, WhirlpoolData | string>();
  for (const [address, info] of poolInfos) {
    if (!info || !info.owner.equals(WHIRLPOOL_PROGRAM_ID)) {
      pools.set(address, `its pool ${address} does not exist or is not owned by the Whirlpools program`);
      continue;
    }
    const problem = checkLayout(AccountName.Whirlpool, info.data);
    const pool = problem ? null : ParsableWhirlpool.parse(new PublicKey(address), info);
    pools.set(address, pool ?? `its pool ${address}: ${problem ?? 'does not decode'}`);
  }

  // 4. Tick arrays of each range edge, the token mints and the Clock (transfer-fee epoch).
  const edges = positions.map(({ data }) => {
    const pool = pools.get(data.whirlpool.toBase58());
    if (pool === undefined || typeof pool === 'string') return null;
    const arrayOf = (tick: number) =>
      derivedAddress(
        `orca-tick-array-of:${WHIRLPOOL_PROGRAM_ID.toBase58()}:${data.whirlpool.toBase58()}:${pool.tickSpacing}:${tick}`,
        () => PDAUtil.getTickArrayFromTickIndex(tick, pool.tickSpacing, data.whirlpool, WHIRLPOOL_PROGRAM_ID).publicKey,
      );
    return { pool, lower: arrayOf(data.tickLowerIndex), upper: arrayOf(data.tickUpperIndex) };
  });
  const extra = edges.flatMap((edge) => (edge ? [edge.lower, edge.upper, edge.pool.tokenMintA, edge.pool.tokenMintB] : []));
  const extraInfos = await multipleAccounts(rpc, [...extra, SYSVAR_CLOCK_PUBKEY], 'Whirlpools tick arrays, mints and Clock');
  const clock = extraInfos.get(SYSVAR_CLOCK_PUBKEY.toBase58());
  const epoch = clock && clock.data.length >= 24 ? Number(clock.data.readBigUInt64LE(16)) : 0;

  positions.forEach(({ owner, address, data }, index) => {
    const edge = edges[index];
    const pool = pools.get(data.whirlpool.toBase58());
    if (!edge || pool === undefined || typeof pool === 'string') {
      results.push(unreadable(address.toBase58(), owner, typeof pool === 'string' ? pool : 'its pool was not read'));
      return;
    }
    try {
      results.push(valuePosition(owner, address, data, edge.pool, edge.lower, edge.upper, extraInfos, epoch));
    } catch (error) {
      results.push(unreadable(address.toBase58(), owner, error instanceof Error ? error.message : String(error)));
    }
  });
  return results;
}

function valuePosition(
  owner: string,
  address: PublicKey,
  position: PositionData,
  pool: WhirlpoolData,
  lowerArray: PublicKey,
  upperArray: PublicKey,
  accounts: Map<string, AccountInfo<Buffer> | null>,
  epoch: number,
): DefiPosition {
  const tickArray = (key: PublicKey) => {
    const info = accounts.get(key.toBase58());
    const data = info && info.owner.equals(WHIRLPOOL_PROGRAM_ID) ? ParsableTickArray.parse(key, info) : null;
    // eslint-disable-next-line no-restricted-syntax -- caught where positions are valued: the position is reported unreadable with this text
    if (!data) throw new Error(`its tick array ${key.toBase58()} is missing or does not decode`);
    return data;
  };
  const mint = (key: PublicKey) => {
    const info = accounts.get(key.toBase58());
    // eslint-disable-next-line no-restricted-syntax -- caught where positions are valued, as above
    if (!info) throw new Error(`its pool's mint ${key.toBase58()} does not exist`);
    return { ...unpackMint(key, info, info.owner), tokenProgram: info.owner };
  };
  const mintA = mint(pool.tokenMintA);
  const mintB = mint(pool.tokenMintB);
  const tickLower = TickArrayUtil.getTickFromArray(tickArray(lowerArray), position.tickLowerIndex, pool.tickSpacing);
  const tickUpper = TickArrayUtil.getTickFromArray(tickArray(upperArray), position.tickUpperIndex, pool.tickSpacing);
  const lowerSqrt = PriceMath.tickIndexToSqrtPriceX64(position.tickLowerIndex);
  const upperSqrt = PriceMath.tickIndexToSqrtPriceX64(position.tickUpperIndex);
  const amounts = PoolUtil.getTokenAmountsFromLiquidity(position.liquidity, pool.sqrtPrice, lowerSqrt, upperSqrt, false);
  const fees = collectFeesQuote({
    whirlpool: pool,
    position,
    tickLower,
    tickUpper,
    tokenExtensionCtx: { currentEpoch: epoch, tokenMintWithProgramA: mintA, tokenMintWithProgramB: mintB },
  });
  return {
    kind: 'liquidity',
    protocol: 'orca-whirlpools',
    account: address.toBase58(),
    owner,
    pool: position.whirlpool.toBase58(),
    positionMint: position.positionMint.toBase58(),
    tokenA: { mint: pool.tokenMintA.toBase58(), decimals: mintA.decimals, amount: toBig(amounts.tokenA) },
    tokenB: { mint: pool.tokenMintB.toBase58(), decimals: mintB.decimals, amount: toBig(amounts.tokenB) },
    feesA: toBig(fees.feeOwedA),
    feesB: toBig(fees.feeOwedB),
    liquidity: toBig(position.liquidity),
    tickLower: position.tickLowerIndex,
    tickUpper: position.tickUpperIndex,
    tickCurrent: pool.tickCurrentIndex,
    sqrtPriceX64: toBig(pool.sqrtPrice),
    sqrtPriceLowerX64: toBig(lowerSqrt),
    sqrtPriceUpperX64: toBig(upperSqrt),
    inRange: pool.tickCurrentIndex >= position.tickLowerIndex && pool.tickCurrentIndex < position.tickUpperIndex,
  };
}

// Encoders over Orca's own coder, for the demo seed and tests.

type Fields = Record<string, unknown>;

function encode(name: AccountName, idlType: string, fields: Fields): Buffer {
  return encodeAccount(WHIRLPOOL_CODER, name, { ...(camelCaseKeys(zeroOfDefined(WHIRLPOOL_IDL, idlType)) as Fields), ...fields });
}

export interface WhirlpoolPoolFields {
  tokenMintA: PublicKey;
  tokenMintB: PublicKey;
  tickSpacing: number;
  /** Fee in hundredths of a basis point (3000 = 0.3 %). */
  feeRate: number;
  liquidity: bigint;
  sqrtPriceX64: bigint;
  feeGrowthGlobalA?: bigint;
  feeGrowthGlobalB?: bigint;
}

export function encodeWhirlpool(fields: WhirlpoolPoolFields): Buffer {
  return encode(AccountName.Whirlpool, 'Whirlpool', {
    tickSpacing: fields.tickSpacing,
    feeTierIndexSeed: [fields.tickSpacing & 0xff, fields.tickSpacing >> 8],
    feeRate: fields.feeRate,
    liquidity: new BN(fields.liquidity.toString()),
    sqrtPrice: new BN(fields.sqrtPriceX64.toString()),
    tickCurrentIndex: PriceMath.sqrtPriceX64ToTickIndex(new BN(fields.sqrtPriceX64.toString())),
    tokenMintA: fields.tokenMintA,
    tokenMintB: fields.tokenMintB,
    feeGrowthGlobalA: new BN((fields.feeGrowthGlobalA ?? 0n).toString()),
    feeGrowthGlobalB: new BN((fields.feeGrowthGlobalB ?? 0n).toString()),
  });
}

export interface WhirlpoolPositionFields {
  whirlpool: PublicKey;
  positionMint: PublicKey;
  liquidity: bigint;
  tickLower: number;
  tickUpper: number;
}

export function encodeWhirlpoolPosition(fields: WhirlpoolPositionFields): Buffer {
  return encode(AccountName.Position, 'Position', {
    whirlpool: fields.whirlpool,
    positionMint: fields.positionMint,
    liquidity: new BN(fields.liquidity.toString()),
    tickLowerIndex: fields.tickLower,
    tickUpperIndex: fields.tickUpper,
  });
}

export interface TickFields {
  index: number;
  liquidityNet: bigint;
  liquidityGross: bigint;
  feeGrowthOutsideA?: bigint;
  feeGrowthOutsideB?: bigint;
}

/** A fixed tick array starting at `startTick` with the given initialized ticks. */
export function encodeTickArray(fields: { whirlpool: PublicKey; startTick: number; tickSpacing: number; ticks: TickFields[] }): Buffer {
  const zero = camelCaseKeys(zeroOfDefined(WHIRLPOOL_IDL, 'TickArray')) as { ticks: Fields[] };
  const ticks = zero.ticks;
  for (const tick of fields.ticks) {
    const offset = (tick.index - fields.startTick) / fields.tickSpacing;
    if (!Number.isInteger(offset) || offset < 0 || offset >= ticks.length) {
      throw new StewardError('ARGUMENT_INVALID', `tick ${tick.index} is not in the array starting at ${fields.startTick}`, {
        context: { tick: tick.index, start: fields.startTick },
      });
    }
    ticks[offset] = {
      ...ticks[offset],
      initialized: true,
      liquidityNet: new BN(tick.liquidityNet.toString()),
      liquidityGross: new BN(tick.liquidityGross.toString()),
      feeGrowthOutsideA: new BN((tick.feeGrowthOutsideA ?? 0n).toString()),
      feeGrowthOutsideB: new BN((tick.feeGrowthOutsideB ?? 0n).toString()),
    };
  }
  return encodeAccount(WHIRLPOOL_CODER, AccountName.TickArray, { startTickIndex: fields.startTick, ticks, whirlpool: fields.whirlpool });
}

/** Start tick and address of the tick array holding `tick`. */
export function tickArrayFor(whirlpool: PublicKey, tick: number, tickSpacing: number): { start: number; address: PublicKey } {
  const ticksInArray = 88 * tickSpacing;
  const start = Math.floor(tick / ticksInArray) * ticksInArray;
  const address = derivedAddress(
    `orca-tick-array:${WHIRLPOOL_PROGRAM_ID.toBase58()}:${whirlpool.toBase58()}:${start}`,
    () => PDAUtil.getTickArray(WHIRLPOOL_PROGRAM_ID, whirlpool, start).publicKey,
  );
  return { start, address };
}

export function positionAddress(positionMint: PublicKey): PublicKey {
  return derivedAddress(
    `orca-position:${WHIRLPOOL_PROGRAM_ID.toBase58()}:${positionMint.toBase58()}`,
    () => PDAUtil.getPosition(WHIRLPOOL_PROGRAM_ID, positionMint).publicKey,
  );
}

/** The tick at or below √price × 2^64, by Orca's own price math. */
export function tickAtSqrtPrice(sqrtPriceX64: bigint): number {
  return PriceMath.sqrtPriceX64ToTickIndex(new BN(sqrtPriceX64.toString()));
}

/** √price × 2^64 at a tick, by Orca's own price math. */
export function sqrtPriceAtTick(tick: number): bigint {
  return toBig(PriceMath.tickIndexToSqrtPriceX64(tick));
}
