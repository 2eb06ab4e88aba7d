// The demo DAO's DeFi positions, written with each protocol's own layout and owned by its real
// program id: two MarginFi accounts of the native treasury (one healthy, one a few percent from
// liquidation) over a SOL and a USDC bank, and two Orca Whirlpools positions in a SOL/USDC pool
// (one in range with uncollected fees, one out of range), each held through its position NFT;
// and jitoSOL's stake pool (StakePoolLayout, owned by the SPL stake pool program) at a rate of
// 1.25 SOL per jitoSOL, so the 182.40 market price reads 272 bps below its $187.50 pool value.
// docs/POSITIONS.md describes the figures the demo should show.
import { ASSOCIATED_TOKEN_PROGRAM_ID, NATIVE_MINT, TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from '@solana/spl-token';
import { LAMPORTS_PER_SOL, PublicKey, SYSVAR_CLOCK_PUBKEY } from '@solana/web3.js';
import type { ChainWriter } from '../../chain/embedded/types.js';
import {
  MARGINFI_PROGRAM_ID,
  SPL_STAKE_POOL_PROGRAM_ID,
  WHIRLPOOL_PROGRAM_ID,
  encodeStakePool,
  encodeMarginfiAccount,
  encodeMarginfiBank,
  encodeTickArray,
  encodeWhirlpool,
  encodeWhirlpoolPosition,
  isqrt,
  positionAddress,
  sharesFor,
  tickArrayFor,
  tickAtSqrtPrice,
  type TickFields,
} from '../../treasury/positions/index.js';
import { DEMO, DEMO_MINTS, SOL_PRICE, demoKeypair } from '../addresses.js';
import { rentExemptLamports } from './rent.js';
import { encodeMint, encodeTokenAccount } from './token-layouts.js';

const SOL = BigInt(LAMPORTS_PER_SOL);
const USDC = 1_000_000n;

/** MarginFi banks: weights and share values in ppm (1 000 000 = 1.0). */
export const DEMO_MARGINFI_BANKS = {
  SOL: {
    mint: NATIVE_MINT,
    decimals: 9,
    assetShareValuePpm: 1_020_000n,
    liabilityShareValuePpm: 1_050_000n,
    assetWeightInitPpm: 650_000n,
    assetWeightMaintPpm: 800_000n,
    liabilityWeightInitPpm: 1_250_000n,
    liabilityWeightMaintPpm: 1_100_000n,
  },
  USDC: {
    mint: DEMO.mints.USDC,
    decimals: 6,
    assetShareValuePpm: 1_010_000n,
    liabilityShareValuePpm: 1_040_000n,
    assetWeightInitPpm: 900_000n,
    assetWeightMaintPpm: 950_000n,
    liabilityWeightInitPpm: 1_000_000n,
    liabilityWeightMaintPpm: 1_000_000n,
  },
} as const;

/** Token amounts (base units) of the two MarginFi accounts. */
export const DEMO_MARGINFI_ACCOUNTS = {
  /** 1 000 SOL against 30 000 USDC: health 150 000 × 0.8 / 30 000 = 4. */
  healthy: { suppliedSol: 1_000n * SOL, borrowedUsdc: 30_000n * USDC },
  /** 100 SOL against 11 500 USDC: health 15 000 × 0.8 / 11 500 ≈ 1.043, 4.2 % from liquidation. */
  nearLiquidation: { suppliedSol: 100n * SOL, borrowedUsdc: 11_500n * USDC },
} as const;

export const DEMO_WHIRLPOOL = {
  tickSpacing: 64,
  feeRate: 3000,
  /** USD price ranges (USDC per SOL) of the two positions; the pool trades at SOL_PRICE. */
  inRange: { fromUsd: 120, toUsd: 190, liquidity: 350_000_000_000n, feesSol: SOL / 2n, feesUsdc: 75n * USDC },
  outOfRange: { fromUsd: 170, toUsd: 210, liquidity: 200_000_000_000n },
} as const;

/** jitoSOL's stake pool: lamports per whole jitoSOL (1.25 SOL), over the jitoSOL mint's supply. */
export const DEMO_STAKE_POOL = {
  address: demoKeypair('stake-pool/jitoSOL').publicKey,
  lamportsPerToken: 1_250_000_000n,
} as const;

export interface SeededPositions {
  marginfi: { group: PublicKey; banks: Record<'SOL' | 'USDC', PublicKey>; accounts: Record<'healthy' | 'nearLiquidation', PublicKey> };
  whirlpool: {
    pool: PublicKey;
    /** Token A and B of the pool (ordered by address, as the program requires). */
    mintA: PublicKey;
    mintB: PublicKey;
    sqrtPriceX64: bigint;
    positions: Record<
      'inRange' | 'outOfRange',
      { address: PublicKey; mint: PublicKey; tokenAccount: PublicKey; tickLower: number; tickUpper: number; liquidity: bigint }
    >;
    feeGrowthGlobalA: bigint;
    feeGrowthGlobalB: bigint;
  };
  stakePool: { address: PublicKey; poolMint: PublicKey; totalLamports: bigint; poolTokenSupply: bigint; lastUpdateEpoch: bigint };
}

function write(chain: ChainWriter, address: PublicKey, owner: PublicKey, data: Uint8Array): void {
  chain.setAccount(address, { lamports: rentExemptLamports(data.length), data, owner });
}

/** √(price of A in B, base units) × 2^64 from USD prices given as decimal integers (micro-USD). */
function sqrtPriceX64(priceAMicro: bigint, priceBMicro: bigint, decimalsA: number, decimalsB: number): bigint {
  return isqrt(((priceAMicro * 10n ** BigInt(decimalsB)) << 128n) / (priceBMicro * 10n ** BigInt(decimalsA)));
}

const usdMicro = (usd: number): bigint => BigInt(Math.round(usd * 1_000_000));

export function seedDemoPositions(chain: ChainWriter): SeededPositions {
  // MarginFi.
  const group = demoKeypair('marginfi/group').publicKey;
  const banks = { SOL: demoKeypair('marginfi/bank/SOL').publicKey, USDC: demoKeypair('marginfi/bank/USDC').publicKey };
  for (const symbol of ['SOL', 'USDC'] as const)
    write(chain, banks[symbol], MARGINFI_PROGRAM_ID, encodeMarginfiBank({ group, ...DEMO_MARGINFI_BANKS[symbol] }));
  const accounts = {
    healthy: demoKeypair('marginfi/account/healthy').publicKey,
    nearLiquidation: demoKeypair('marginfi/account/near-liquidation').publicKey,
  };
  for (const key of ['healthy', 'nearLiquidation'] as const) {
    const { suppliedSol, borrowedUsdc } = DEMO_MARGINFI_ACCOUNTS[key];
    const data = encodeMarginfiAccount({
      group,
      authority: DEMO.nativeTreasury,
      balances: [
        { bank: banks.SOL, assetSharesRaw: sharesFor(suppliedSol, DEMO_MARGINFI_BANKS.SOL.assetShareValuePpm), liabilitySharesRaw: 0n },
        {
          bank: banks.USDC,
          assetSharesRaw: 0n,
          liabilitySharesRaw: sharesFor(borrowedUsdc, DEMO_MARGINFI_BANKS.USDC.liabilityShareValuePpm),
        },
      ],
    });
    write(chain, accounts[key], MARGINFI_PROGRAM_ID, data);
  }

  // The wrapped-SOL mint, as every cluster has it (the pool's token).
  if (!chain.getAccount(NATIVE_MINT))
    write(chain, NATIVE_MINT, TOKEN_PROGRAM_ID, encodeMint({ mintAuthority: null, freezeAuthority: null, supply: 0n, decimals: 9 }));

  // Orca Whirlpools: a SOL/USDC pool at the demo SOL price.
  const [mintA, mintB] = [NATIVE_MINT, DEMO.mints.USDC].sort((x, y) => Buffer.compare(x.toBuffer(), y.toBuffer())) as [
    PublicKey,
    PublicKey,
  ];
  const solIsA = mintA.equals(NATIVE_MINT);
  const decimalsA = solIsA ? 9 : DEMO_MINTS.USDC.decimals;
  const decimalsB = solIsA ? DEMO_MINTS.USDC.decimals : 9;
  // Pool price of A in B for a SOL price in USD (USDC at 1).
  const sqrtFor = (solUsd: number): bigint =>
    solIsA ? sqrtPriceX64(usdMicro(solUsd), USDC, decimalsA, decimalsB) : sqrtPriceX64(USDC, usdMicro(solUsd), decimalsA, decimalsB);
  const { tickSpacing } = DEMO_WHIRLPOOL;
  const tickFor = (solUsd: number): number => Math.round(tickAtSqrtPrice(sqrtFor(solUsd)) / tickSpacing) * tickSpacing;
  const range = (fromUsd: number, toUsd: number): [number, number] => {
    const [x, y] = [tickFor(fromUsd), tickFor(toUsd)];
    return x < y ? [x, y] : [y, x];
  };
  const pool = demoKeypair('orca/whirlpool/SOL-USDC').publicKey;
  const poolSqrt = sqrtFor(SOL_PRICE);
  const inRange = DEMO_WHIRLPOOL.inRange;
  const [feesA, feesB] = solIsA ? [inRange.feesSol, inRange.feesUsdc] : [inRange.feesUsdc, inRange.feesSol];
  // Fee growth per unit of liquidity (X64) that owes the in-range position those fees.
  const feeGrowthGlobalA = (feesA << 64n) / inRange.liquidity;
  const feeGrowthGlobalB = (feesB << 64n) / inRange.liquidity;
  write(
    chain,
    pool,
    WHIRLPOOL_PROGRAM_ID,
    encodeWhirlpool({
      tokenMintA: mintA,
      tokenMintB: mintB,
      tickSpacing,
      feeRate: DEMO_WHIRLPOOL.feeRate,
      liquidity: inRange.liquidity,
      sqrtPriceX64: poolSqrt,
      feeGrowthGlobalA,
      feeGrowthGlobalB,
    }),
  );

  const positions = {} as SeededPositions['whirlpool']['positions'];
  const ticksByArray = new Map<string, { address: PublicKey; start: number; ticks: TickFields[] }>();
  const addTick = (index: number, liquidityNet: bigint, liquidityGross: bigint) => {
    const array = tickArrayFor(pool, index, tickSpacing);
    const entry = ticksByArray.get(array.address.toBase58()) ?? { address: array.address, start: array.start, ticks: [] };
    entry.ticks.push({ index, liquidityNet, liquidityGross });
    ticksByArray.set(array.address.toBase58(), entry);
  };
  for (const key of ['inRange', 'outOfRange'] as const) {
    const spec = DEMO_WHIRLPOOL[key];
    const [tickLower, tickUpper] = range(spec.fromUsd, spec.toUsd);
    const mint = demoKeypair(`orca/position-mint/${key}`).publicKey;
    const address = positionAddress(mint);
    const tokenAccount = getAssociatedTokenAddressSync(mint, DEMO.nativeTreasury, true, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID);
    write(chain, mint, TOKEN_PROGRAM_ID, encodeMint({ mintAuthority: null, freezeAuthority: null, supply: 1n, decimals: 0 }));
    write(chain, tokenAccount, TOKEN_PROGRAM_ID, encodeTokenAccount({ mint, owner: DEMO.nativeTreasury, amount: 1n }));
    write(
      chain,
      address,
      WHIRLPOOL_PROGRAM_ID,
      encodeWhirlpoolPosition({ whirlpool: pool, positionMint: mint, liquidity: spec.liquidity, tickLower, tickUpper }),
    );
    addTick(tickLower, spec.liquidity, spec.liquidity);
    addTick(tickUpper, -spec.liquidity, spec.liquidity);
    positions[key] = { address, mint, tokenAccount, tickLower, tickUpper, liquidity: spec.liquidity };
  }
  for (const { address, start, ticks } of ticksByArray.values()) {
    write(chain, address, WHIRLPOOL_PROGRAM_ID, encodeTickArray({ whirlpool: pool, startTick: start, tickSpacing, ticks }));
  }
  return {
    marginfi: { group, banks, accounts },
    whirlpool: { pool, mintA, mintB, sqrtPriceX64: poolSqrt, positions, feeGrowthGlobalA, feeGrowthGlobalB },
    stakePool: seedStakePool(chain),
  };
}

function seedStakePool(chain: ChainWriter): SeededPositions['stakePool'] {
  const poolMint = DEMO.mints.jitoSOL;
  // Pool tokens outstanding = the jitoSOL mint's supply (u64 at offset 36), so the pool and the mint agree.
  const mint = chain.getAccount(poolMint);
  const poolTokenSupply = mint && mint.data.length >= 44 ? Buffer.from(mint.data).readBigUInt64LE(36) : 2_000n * SOL;
  const totalLamports = (poolTokenSupply * DEMO_STAKE_POOL.lamportsPerToken) / SOL;
  // Updated this epoch: a fresh rate.
  const clock = chain.getAccount(SYSVAR_CLOCK_PUBKEY);
  const lastUpdateEpoch = clock && clock.data.length >= 24 ? Buffer.from(clock.data).readBigUInt64LE(16) : 0n;
  const data = encodeStakePool({
    poolMint,
    totalLamports,
    poolTokenSupply,
    lastUpdateEpoch,
    manager: demoKeypair('stake-pool/manager').publicKey,
    reserveStake: demoKeypair('stake-pool/reserve').publicKey,
    validatorList: demoKeypair('stake-pool/validator-list').publicKey,
    managerFeeAccount: demoKeypair('stake-pool/manager-fee').publicKey,
    tokenProgramId: TOKEN_PROGRAM_ID,
  });
  write(chain, DEMO_STAKE_POOL.address, SPL_STAKE_POOL_PROGRAM_ID, data);
  return { address: DEMO_STAKE_POOL.address, poolMint, totalLamports, poolTokenSupply, lastUpdateEpoch };
}
