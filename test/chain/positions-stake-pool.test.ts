// The SPL stake pool reader against the embedded chain: pool accounts written with the SDK's own
// StakePoolLayout and owned by the stake pool program, read in one getMultipleAccounts; figures
// checked against hand computation; accounts of another size, owner or mint are unreadable.
import { NATIVE_MINT } from '@solana/spl-token';
import { PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, RpcCounter, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { DEMO, seedDemoDao } from '../../src/demo/index.js';
import { demoKeypair } from '../../src/demo/addresses.js';
import { DEMO_STAKE_POOL } from '../../src/demo/seed/positions.js';
import {
  analyzePositions,
  encodeStakePool,
  readPositions,
  SPL_STAKE_POOL_PROGRAM_ID,
  STAKE_POOL_ACCOUNT_SIZE,
  type LiquidStakingPosition,
  type PriceBook,
  type StakePoolHolding,
} from '../../src/treasury/positions/index.js';

let running: RunningEmbeddedChain;
const SOL = 1_000_000_000n;
const JITOSOL = DEMO.mints.jitoSOL.toBase58();
const prices: PriceBook = new Map([
  [
    NATIVE_MINT.toBase58(),
    { symbol: 'SOL', mantissa: 15_000_000_000n, exponent: -8, confidence: 0n, publishTime: 0, trusted: true, reasons: [] },
  ],
  [JITOSOL, { symbol: 'jitoSOL', mantissa: 18_240_000_000n, exponent: -8, confidence: 0n, publishTime: 0, trusted: true, reasons: [] }],
]);
const holding = (pool: PublicKey, amount = 2_000n * SOL): StakePoolHolding => ({
  symbol: 'jitoSOL',
  mint: JITOSOL,
  decimals: 9,
  amount,
  pool: pool.toBase58(),
});
const write = (address: PublicKey, data: Buffer, owner = SPL_STAKE_POOL_PROGRAM_ID) =>
  running.chain.setAccount(address, { lamports: 10_000_000n, data: new Uint8Array(data), owner });

// An odd rate: 1 234 567 890 123 lamports over 987 654 321 000 pool tokens.
const odd = { address: demoKeypair('test/stake-pool/odd').publicKey, totalLamports: 1_234_567_890_123n, poolTokenSupply: 987_654_321_000n };

beforeAll(async () => {
  running = await startEmbeddedChain();
  await seedDemoDao(running.chain);
  write(
    odd.address,
    encodeStakePool({
      poolMint: DEMO.mints.jitoSOL,
      totalLamports: odd.totalLamports,
      poolTokenSupply: odd.poolTokenSupply,
      lastUpdateEpoch: 0n,
    }),
  );
});
afterAll(async () => {
  await running?.close();
});

describe('SPL stake pool reader', () => {
  it('reads the demo jitoSOL pool in the first round, next to the other protocols', async () => {
    const counter = new RpcCounter();
    const result = await readPositions(createConnection(running.url, { counter }), {
      owners: [DEMO.nativeTreasury.toBase58()],
      stakePools: [holding(DEMO_STAKE_POOL.address)],
    });
    // Asked for: MarginFi 2 + Whirlpools 5 + stake pools and Clock 1; sent: one request per round,
    // the pools riding in the first one with the listings.
    expect(result.rpcCalls).toEqual({ getProgramAccounts: 3, getMultipleAccounts: 5 });
    expect(counter.requests).toBe(4);
    expect(result.wire).toMatchObject({ rounds: 4, requests: 4 });
    const pool = result.positions.find((p): p is LiquidStakingPosition => p.kind === 'liquid-staking')!;
    expect(pool).toMatchObject({
      account: DEMO_STAKE_POOL.address.toBase58(),
      symbol: 'jitoSOL',
      totalLamports: 2_500n * SOL,
      poolTokenSupply: 2_000n * SOL,
      epochFeePpm: 40_000n,
    });
    expect(pool.epoch).toBe(pool.lastUpdateEpoch);

    const analysis = analyzePositions(result.positions, prices, { shocks: { [NATIVE_MINT.toBase58()]: -300_000n } });
    expect(analysis.liquidStaking).toEqual([
      expect.objectContaining({
        lamportsPerToken: 1_250_000_000n,
        solLamports: 2_500n * SOL,
        fairMicroUsd: 375_000n * 1_000_000n,
        marketMicroUsd: 364_800n * 1_000_000n,
        fairPriceMicroUsd: 187_500_000n,
        marketPriceMicroUsd: 182_400_000n,
        // 182.4 / 187.5 − 1 = −0.0272 exactly.
        depegBps: -272n,
        depegged: true,
        rateStale: false,
        stressedFairMicroUsd: 262_500n * 1_000_000n,
      }),
    ]);
    // An LST overlay, not a position asset: the treasury already counts the tokens.
    expect(analysis.assetsMicroUsd).toBe(
      analyzePositions(
        result.positions.filter((p) => p.kind !== 'liquid-staking'),
        prices,
      ).assetsMicroUsd,
    );
    expect(analysis.flags.filter((f) => f.kind === 'lst-depeg').map((f) => f.message)).toEqual([
      `jitoSOL (stake pool ${DEMO_STAKE_POOL.address.toBase58()}) trades at $182.40, 272 bps below its stake-pool value $187.50 (1.25 SOL per token; threshold 100 bps)`,
    ]);
  });

  it('computes an odd rate as the hand computation does, and flags a pool updated in an earlier epoch', async () => {
    const amount = 123_456_789_012n;
    const { positions } = await readPositions(createConnection(running.url), { owners: [], stakePools: [holding(odd.address, amount)] });
    expect(positions).toHaveLength(1);
    const [figure] = analyzePositions(positions, prices).liquidStaking;
    const solLamports = (amount * odd.totalLamports) / odd.poolTokenSupply;
    expect(figure).toMatchObject({
      lamportsPerToken: (SOL * odd.totalLamports) / odd.poolTokenSupply,
      solLamports,
      // lamports × $150 in micro-USD: lamports × 150 / 1000.
      fairMicroUsd: (solLamports * 150n) / 1_000n,
      marketMicroUsd: (amount * 18_240n) / 100_000n,
      // (182.4 × supply − 150 × total) × 10 000 / (150 × total), truncated toward zero.
      depegBps: ((18_240n * odd.poolTokenSupply - 15_000n * odd.totalLamports) * 10_000n) / (15_000n * odd.totalLamports),
    });
    const epoch = (positions[0] as LiquidStakingPosition).epoch;
    expect(figure!.rateStale).toBe(epoch !== null && epoch > 0n);
  });

  it('turns a pool of another size, owner, mint or account type into an unreadable position naming the account', async () => {
    const good = encodeStakePool({ poolMint: DEMO.mints.jitoSOL, totalLamports: 5n * SOL, poolTokenSupply: 4n * SOL, lastUpdateEpoch: 0n });
    const cases = {
      short: {
        data: good.subarray(0, 421),
        owner: SPL_STAKE_POOL_PROGRAM_ID,
        reason: `holds 421 bytes where StakePoolLayout expects ${STAKE_POOL_ACCOUNT_SIZE}`,
      },
      long: {
        data: Buffer.concat([good, Buffer.alloc(8)]),
        owner: SPL_STAKE_POOL_PROGRAM_ID,
        reason: `holds 619 bytes where StakePoolLayout expects ${STAKE_POOL_ACCOUNT_SIZE}`,
      },
      foreign: {
        data: good,
        owner: DEMO.governanceProgram,
        reason: `is owned by ${DEMO.governanceProgram.toBase58()}, not the SPL stake pool program`,
      },
      otherMint: {
        data: encodeStakePool({ poolMint: DEMO.mints.USDC, totalLamports: 5n, poolTokenSupply: 4n, lastUpdateEpoch: 0n }),
        owner: SPL_STAKE_POOL_PROGRAM_ID,
        reason: `mints ${DEMO.mints.USDC.toBase58()}, not ${JITOSOL}`,
      },
      validatorList: {
        data: Buffer.from([2, ...good.subarray(1)]),
        owner: SPL_STAKE_POOL_PROGRAM_ID,
        reason: 'has account type 2, not a stake pool (1)',
      },
      noSupply: {
        data: encodeStakePool({ poolMint: DEMO.mints.jitoSOL, totalLamports: 0n, poolTokenSupply: 0n, lastUpdateEpoch: 0n }),
        owner: SPL_STAKE_POOL_PROGRAM_ID,
        reason: 'has no pool tokens outstanding',
      },
    } as const;
    const addresses = Object.fromEntries(Object.keys(cases).map((key) => [key, demoKeypair(`test/stake-pool/${key}`).publicKey])) as Record<
      keyof typeof cases,
      PublicKey
    >;
    for (const [key, { data, owner }] of Object.entries(cases)) write(addresses[key as keyof typeof cases], Buffer.from(data), owner);
    const missing = demoKeypair('test/stake-pool/missing').publicKey;

    const counter = new RpcCounter();
    const { positions } = await readPositions(createConnection(running.url, { counter }), {
      owners: [],
      stakePools: [...Object.values(addresses).map((address) => holding(address)), holding(missing)],
    });
    expect(counter.requests).toBe(1);
    for (const [key, { reason }] of Object.entries(cases)) {
      const address = addresses[key as keyof typeof cases].toBase58();
      const position = positions.find((p) => p.account === address);
      expect(position, key).toMatchObject({ kind: 'unreadable', protocol: 'spl-stake-pool', account: address });
      expect(position?.kind === 'unreadable' ? position.reason : '', key).toContain(`stake pool ${address} (jitoSOL) ${reason}`);
    }
    expect(positions.find((p) => p.account === missing.toBase58())).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining('does not exist on this cluster; check tokens.jitoSOL.stakePool'),
    });
    const analysis = analyzePositions(positions, prices);
    expect(analysis.liquidStaking).toEqual([]);
    expect(analysis.flags.filter((f) => f.kind === 'unreadable')).toHaveLength(7);
  });
});
