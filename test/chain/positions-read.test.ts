// readPositions against the embedded chain seeded with the demo DAO and its DeFi positions,
// written with MarginFi's IDL layout and Orca's own coder. Expected figures are computed here
// by hand from the seed's constants; RPC requests are counted.
import { NATIVE_MINT } from '@solana/spl-token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, RpcCounter, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { DEMO, seedDemoDao } from '../../src/demo/index.js';
import { DEMO_MARGINFI_ACCOUNTS, seedDemoPositions, type SeededPositions } from '../../src/demo/seed/positions.js';
import {
  amountsFromLiquidity,
  analyzePositions,
  encodeMarginfiAccount,
  MARGINFI_PROGRAM_ID,
  readPositions,
  sqrtPriceAtTick,
  WHIRLPOOL_PROGRAM_ID,
  type LendingPosition,
  type LiquidityPosition,
  type PriceBook,
} from '../../src/treasury/positions/index.js';
import { demoKeypair } from '../../src/demo/addresses.js';

let running: RunningEmbeddedChain;
let seeded: SeededPositions;
const treasury = DEMO.nativeTreasury.toBase58();
const SOL_MINT = NATIVE_MINT.toBase58();
const USDC_MINT = DEMO.mints.USDC.toBase58();
const prices: PriceBook = new Map([
  [SOL_MINT, { symbol: 'SOL', mantissa: 15_000_000_000n, exponent: -8, confidence: 0n, publishTime: 0, trusted: true, reasons: [] }],
  [USDC_MINT, { symbol: 'USDC', mantissa: 100_000_000n, exponent: -8, confidence: 0n, publishTime: 0, trusted: true, reasons: [] }],
]);

beforeAll(async () => {
  running = await startEmbeddedChain();
  await seedDemoDao(running.chain);
  seeded = seedDemoPositions(running.chain);
});
afterAll(async () => {
  await running?.close();
});

describe('DeFi positions of the demo DAO', () => {
  it('reads two MarginFi accounts and two Whirlpools positions in 4 RPC requests (one per round)', async () => {
    const counter = new RpcCounter();
    const result = await readPositions(createConnection(running.url, { counter }), { owners: [treasury] });
    expect(result.positions.filter((p) => p.kind === 'unreadable')).toEqual([]);
    expect(result.positions).toHaveLength(4);
    // Round 1: MarginFi's and Whirlpools' listings (3 getProgramAccounts); round 2: MarginFi banks
    // and Whirlpools positions (merged into 1 getMultipleAccounts); rounds 3 and 4: pools, then
    // tick arrays, mints and Clock. Each round is one request.
    expect(counter.requests).toBe(4);
    expect(result.wire.rounds).toBe(4);
    expect(counter.methods).toEqual({ getProgramAccounts: 3, getMultipleAccounts: 3 });
    // What the readers asked for, before merging.
    expect(result.rpcCalls).toEqual({ getProgramAccounts: 3, getMultipleAccounts: 4 });
    expect(result.slot).toBeGreaterThan(0n);
  });

  it('values the MarginFi accounts through their banks and computes health by hand', async () => {
    const { positions } = await readPositions(createConnection(running.url), { owners: [treasury] });
    const lending = positions.filter((p): p is LendingPosition => p.kind === 'lending');
    const healthy = lending.find((p) => p.account === seeded.marginfi.accounts.healthy.toBase58())!;
    const near = lending.find((p) => p.account === seeded.marginfi.accounts.nearLiquidation.toBase58())!;
    expect(healthy.legs.map((l) => [l.side, l.mint, l.amount])).toEqual(
      expect.arrayContaining([
        ['supply', SOL_MINT, DEMO_MARGINFI_ACCOUNTS.healthy.suppliedSol],
        ['borrow', USDC_MINT, DEMO_MARGINFI_ACCOUNTS.healthy.borrowedUsdc],
      ]),
    );
    const analysis = analyzePositions(positions, prices, { shocks: { [SOL_MINT]: -300_000n } });
    const figure = (account: string) => analysis.positions.find((p) => p.account === account)!;
    // 1 000 SOL × $150 = $150 000 supplied, $30 000 borrowed; health = 150 000 × 0.8 / (30 000 × 1.0) = 4.
    expect(figure(healthy.account)).toMatchObject({
      suppliedMicroUsd: 150_000_000_000n,
      borrowedMicroUsd: 30_000_000_000n,
      ltvPpm: 200_000n,
      maxLtvPpm: 650_000n,
      liquidationLtvPpm: 800_000n,
      healthFactorPpm: 4_000_000n,
      distanceToLiquidationPpm: 750_000n,
    });
    // 100 SOL = $15 000 against $11 500: health 12 000 / 11 500 = 1.043478; 1 − 1/1.043478 = 4.1666 %.
    expect(figure(near.account)).toMatchObject({
      suppliedMicroUsd: 15_000_000_000n,
      borrowedMicroUsd: 11_500_000_000n,
      healthFactorPpm: 1_043_478n,
      distanceToLiquidationPpm: 41_666n,
    });
    expect(analysis.flags.filter((f) => f.kind === 'health-low').map((f) => f.account)).toEqual([near.account]);
    // SOL −30 %: health 4 → 2.8 and 1.043 → 0.730 (liquidatable).
    const stressed = (account: string) => analysis.stress!.positions.find((p) => p.account === account)!;
    expect(stressed(healthy.account).healthAfterPpm).toBe(2_800_000n);
    expect(stressed(near.account).healthAfterPpm).toBe(730_434n);
    expect(stressed(near.account).netAfterMicroUsd).toBeLessThan(stressed(near.account).netBeforeMicroUsd);
  });

  it('reads the Whirlpools positions with amounts at the pool price, range status and uncollected fees', async () => {
    const { positions } = await readPositions(createConnection(running.url), { owners: [treasury] });
    const lp = positions.filter((p): p is LiquidityPosition => p.kind === 'liquidity');
    const byKey = (key: 'inRange' | 'outOfRange') => lp.find((p) => p.account === seeded.whirlpool.positions[key].address.toBase58())!;
    const { sqrtPriceX64, feeGrowthGlobalA, feeGrowthGlobalB } = seeded.whirlpool;
    for (const key of ['inRange', 'outOfRange'] as const) {
      const seed = seeded.whirlpool.positions[key];
      const position = byKey(key);
      expect(position).toMatchObject({
        pool: seeded.whirlpool.pool.toBase58(),
        tickLower: seed.tickLower,
        tickUpper: seed.tickUpper,
        liquidity: seed.liquidity,
        inRange: key === 'inRange',
      });
      const expected = amountsFromLiquidity(seed.liquidity, sqrtPriceX64, sqrtPriceAtTick(seed.tickLower), sqrtPriceAtTick(seed.tickUpper));
      // Orca's SDK computes in decimal.js; the exact bigint formula agrees to a base unit.
      expect(Number(position.tokenA.amount - expected.a)).toBeGreaterThanOrEqual(-1);
      expect(Number(position.tokenA.amount - expected.a)).toBeLessThanOrEqual(1);
      expect(Number(position.tokenB.amount - expected.b)).toBeGreaterThanOrEqual(-1);
      expect(Number(position.tokenB.amount - expected.b)).toBeLessThanOrEqual(1);
    }
    const out = byKey('outOfRange');
    expect(out.tokenA.amount === 0n || out.tokenB.amount === 0n).toBe(true);
    expect([out.feesA, out.feesB]).toEqual([0n, 0n]);
    // Fees inside the in-range position = L × fee growth / 2^64 (ticks' outside growth is zero).
    const inside = byKey('inRange');
    expect(inside.feesA).toBe((inside.liquidity * feeGrowthGlobalA) >> 64n);
    expect(inside.feesB).toBe((inside.liquidity * feeGrowthGlobalB) >> 64n);
    const analysis = analyzePositions(positions, prices);
    expect(analysis.flags.filter((f) => f.kind === 'lp-out-of-range').map((f) => f.account)).toEqual([out.account]);
  });

  it('reports a MarginFi account of another layout version and a Position that does not decode as unreadable', async () => {
    const newer = demoKeypair('test/marginfi/newer').publicKey;
    const data = encodeMarginfiAccount({ group: seeded.marginfi.group, authority: DEMO.nativeTreasury, balances: [] });
    running.chain.setAccount(newer, { lamports: 10_000_000n, data: Buffer.concat([data, Buffer.alloc(64)]), owner: MARGINFI_PROGRAM_ID });
    const broken = seeded.whirlpool.positions.outOfRange.address;
    const original = running.chain.getAccount(broken)!;
    const garbled = Buffer.from(original.data);
    garbled.fill(0xff, 8);
    running.chain.setAccount(broken, { ...original, data: garbled, owner: WHIRLPOOL_PROGRAM_ID });
    try {
      const { positions } = await readPositions(createConnection(running.url), { owners: [treasury] });
      const unreadable = positions.filter((p) => p.kind === 'unreadable');
      expect(unreadable.map((p) => p.account).sort()).toEqual([newer.toBase58(), broken.toBase58()].sort());
      expect(unreadable.find((p) => p.account === newer.toBase58())!.reason).toMatch(/2376 bytes.*2312-byte layout/);
      const analysis = analyzePositions(positions, prices);
      expect(analysis.positions.filter((p) => p.kind === 'unreadable')).toHaveLength(2);
      expect(analysis.flags.filter((f) => f.kind === 'unreadable')).toHaveLength(2);
    } finally {
      running.chain.setAccount(broken, original);
    }
  });
});
