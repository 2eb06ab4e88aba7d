// getTreasurySnapshot + analyzeTreasury against the embedded chain seeded with the demo DAO,
// over real JSON-RPC. Expected figures are recomputed here from the seed's own constants,
// independently of the treasury code.
import { resolve } from 'node:path';
import { AccountLayout, MintLayout, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { Keypair, PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, RpcCounter, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { loadConfig, type AgentConfig, type PolicyConfig } from '../../src/config/index.js';
import {
  DEMO,
  DEMO_AGENT_ALLOWANCES,
  DEMO_MINTS,
  DEMO_PRICE_FEEDS,
  DEMO_SOL_BALANCES,
  DEMO_TREASURY_BALANCES,
  PYTH_PROGRAM_ID,
  seedDemoDao,
  type DemoDao,
  type DemoSymbol,
} from '../../src/demo/index.js';
import { StewardError } from '../../src/errors/index.js';
import { parseAmount } from '../../src/shared/index.js';
import { analyzeTreasury, getTreasurySnapshot, type TreasurySnapshot } from '../../src/treasury/index.js';

let running: RunningEmbeddedChain;
let dao: DemoDao;
let policy: PolicyConfig;
let agent: AgentConfig;

const units = (text: string, decimals: number): bigint => {
  const parsed = parseAmount(text, decimals, { allowZero: true });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};

beforeAll(async () => {
  running = await startEmbeddedChain();
  dao = await seedDemoDao(running.chain);
  const config = loadConfig(resolve(import.meta.dirname, '../..'));
  policy = config.policies.find((file) => file.config.name === 'treasury')!.config;
  agent = config.agents.find((file) => file.config.name === 'treasury-guardian')!.config;
});
afterAll(async () => {
  await running?.close();
});

async function observeDemo(counter?: RpcCounter): Promise<TreasurySnapshot> {
  return getTreasurySnapshot(createConnection(running.url, counter ? { counter } : {}), {
    owners: agent.treasury.owners,
    agent: DEMO.agent.toBase58(),
    tokens: policy.tokens,
    oracle: policy.oracle,
    now: new Date(),
  });
}

describe('treasury observation of the demo DAO', () => {
  it('finds every seeded treasury account, mint, stake account, allowance and price in 4 RPC requests', async () => {
    const counter = new RpcCounter();
    const snapshot = await observeDemo(counter);
    expect(counter.requests).toBeLessThanOrEqual(4);
    expect(counter.methods).toEqual({ getProgramAccounts: 3, getMultipleAccounts: 1 });

    const symbols = Object.keys(DEMO_MINTS) as DemoSymbol[];
    expect(snapshot.owners).toEqual([
      { address: DEMO.nativeTreasury.toBase58(), lamports: DEMO_SOL_BALANCES.nativeTreasury, exists: true },
    ]);
    // The treasury's token accounts, plus the two Orca position NFTs it holds (valued as DeFi positions).
    const positionNfts = Object.values(dao.positions.whirlpool.positions);
    expect(snapshot.tokenAccounts.map((account) => account.address).sort()).toEqual(
      [
        ...symbols.map((symbol) => DEMO.treasuryTokenAccounts[symbol].toBase58()),
        ...positionNfts.map((position) => position.tokenAccount.toBase58()),
      ].sort(),
    );
    for (const symbol of symbols) {
      const account = snapshot.tokenAccounts.find((entry) => entry.address === DEMO.treasuryTokenAccounts[symbol].toBase58());
      expect(account?.amount).toBe(units(DEMO_TREASURY_BALANCES[symbol], DEMO_MINTS[symbol].decimals));
      expect(account?.program).toBe(DEMO_MINTS[symbol].program.equals(TOKEN_2022_PROGRAM_ID) ? 'token-2022' : 'spl-token');
    }
    expect(snapshot.mints.map((mint) => mint.address).sort()).toEqual(
      [...symbols.map((symbol) => DEMO.mints[symbol].toBase58()), ...positionNfts.map((position) => position.mint.toBase58())].sort(),
    );
    expect(snapshot.stakeAccounts.map((stake) => [stake.address, stake.voter, stake.role])).toEqual([
      [DEMO.stakeAccount.toBase58(), DEMO.voteAccount.toBase58(), 'withdrawer'],
    ]);
    expect(snapshot.allowances.map((allowance) => [allowance.symbol, allowance.delegate, allowance.remaining])).toEqual(
      (Object.entries(DEMO_AGENT_ALLOWANCES) as [DemoSymbol, string][])
        .map(([symbol, text]) => [symbol, DEMO.agent.toBase58(), units(text, DEMO_MINTS[symbol].decimals)])
        .sort((a, b) =>
          DEMO.treasuryTokenAccounts[a[0] as DemoSymbol].toBase58() < DEMO.treasuryTokenAccounts[b[0] as DemoSymbol].toBase58() ? -1 : 1,
        ),
    );
    expect(snapshot.prices.map((price) => [price.symbol, price.trusted])).toEqual(
      Object.keys(policy.tokens).map((symbol) => [symbol, symbol !== 'JUP']),
    );
    expect(snapshot.prices.find((price) => price.symbol === 'JUP')?.reasons.join()).toMatch(/^stale: published 36\d\ds ago, limit 120s$/);
    expect(snapshot.chainClock).not.toBeNull();
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.slot).toBeGreaterThanOrEqual(snapshot.minSlot);
  });

  it('flags the stale price, the depegged stablecoin and the Token-2022 permanent delegate', async () => {
    const analysis = analyzeTreasury(await observeDemo(), { ...agent.treasury });
    const flags = analysis.flags.map((flag) => `${flag.severity}:${flag.code}:${flag.subject}`);
    expect(flags).toContain('critical:depeg:USDT');
    expect(flags).toContain('warning:untrusted-price:JUP');
    expect(flags).toContain('critical:mint-risk:PYUSD');
    const pyusd = analysis.flags
      .filter((flag) => flag.subject === 'PYUSD')
      .map((flag) => flag.message)
      .join('\n');
    expect(pyusd).toContain('permanent delegate');
    expect(pyusd).toContain('fee of 10 bps');
    expect(analysis.depegs.find((check) => check.symbol === 'USDT')).toMatchObject({ status: 'depegged', deviationBps: '85' });
  });

  it('totals equal an independent computation from the seed constants', async () => {
    const connection = createConnection(running.url);
    const analysis = analyzeTreasury(await observeDemo(), { ...agent.treasury });
    const priceUnits = (symbol: keyof typeof DEMO_PRICE_FEEDS) => units(DEMO_PRICE_FEEDS[symbol].price, 8);
    // micro-USD = base units × price × 10^8 / 10^(decimals + 8 − 6)
    const micro = (amount: bigint, decimals: number, price: bigint) => (amount * price) / 10n ** BigInt(decimals + 2);
    const stakeLamports = BigInt(await connection.getBalance(DEMO.stakeAccount));
    let trusted = micro(DEMO_SOL_BALANCES.nativeTreasury + stakeLamports, 9, priceUnits('SOL'));
    let untrusted = 0n;
    for (const symbol of Object.keys(DEMO_MINTS) as DemoSymbol[]) {
      const value = micro(
        units(DEMO_TREASURY_BALANCES[symbol], DEMO_MINTS[symbol].decimals),
        DEMO_MINTS[symbol].decimals,
        priceUnits(symbol),
      );
      if (DEMO_PRICE_FEEDS[symbol].staleSeconds > 0) untrusted += value;
      else trusted += value;
    }
    expect(analysis.totals.trustedMicroUsd).toBe(trusted);
    expect(analysis.totals.untrustedMicroUsd).toBe(untrusted);
    expect(analysis.assets.reduce((sum, asset) => sum + (asset.valueKind === 'trusted' ? (asset.valueMicroUsd ?? 0n) : 0n), 0n)).toBe(
      trusted,
    );
  });
});

describe('treasury observation at scale and with bad data', () => {
  const owner = Keypair.generate().publicKey;
  const mints = Array.from({ length: 20 }, () => Keypair.generate().publicKey);
  const prices = Array.from({ length: 20 }, () => Keypair.generate().publicKey);
  const tokens: PolicyConfig['tokens'] = {};

  beforeAll(() => {
    const chain = running.chain;
    const usdcPrice = chain.getAccount(DEMO.priceAccounts.USDC)!;
    mints.forEach((mint, index) => {
      const data = Buffer.alloc(MintLayout.span);
      MintLayout.encode(
        {
          mintAuthorityOption: 0,
          mintAuthority: PublicKey.default,
          supply: 10n ** 18n,
          decimals: 6,
          isInitialized: true,
          freezeAuthorityOption: 0,
          freezeAuthority: PublicKey.default,
        },
        data,
      );
      chain.setAccount(mint, { lamports: 1_461_600n, data, owner: TOKEN_PROGRAM_ID });
      chain.setAccount(prices[index]!, { lamports: usdcPrice.lamports, data: usdcPrice.data, owner: PYTH_PROGRAM_ID });
      tokens[`T${index}`] = { mint: mint.toBase58() as never, decimals: 6, pyth: prices[index]!.toBase58() as never, stable: false };
    });
    for (let index = 0; index < 100; index++) {
      const data = Buffer.alloc(AccountLayout.span);
      AccountLayout.encode(
        {
          mint: mints[index % 20]!,
          owner,
          amount: 1_000_000n,
          delegateOption: 0,
          delegate: PublicKey.default,
          state: 1,
          isNativeOption: 0,
          isNative: 0n,
          delegatedAmount: 0n,
          closeAuthorityOption: 0,
          closeAuthority: PublicKey.default,
        },
        data,
      );
      chain.setAccount(Keypair.generate().publicKey, { lamports: 2_039_280n, data, owner: TOKEN_PROGRAM_ID });
    }
  });

  const observe = (connection = createConnection(running.url), extra: Partial<Parameters<typeof getTreasurySnapshot>[1]> = {}) =>
    getTreasurySnapshot(connection, { owners: [owner.toBase58()], agent: null, tokens, oracle: policy.oracle, now: new Date(), ...extra });

  it('reads 100 token accounts across 20 mints plus 20 prices in at most 4 RPC requests', async () => {
    const counter = new RpcCounter();
    const snapshot = await observe(createConnection(running.url, { counter }));
    expect(counter.requests).toBeLessThanOrEqual(4);
    expect(snapshot.tokenAccounts).toHaveLength(100);
    expect(snapshot.mints).toHaveLength(20);
    expect(snapshot.prices.filter((price) => price.trusted)).toHaveLength(20);
    const analysis = analyzeTreasury(snapshot, { depegThresholdBps: 50 });
    // 100 accounts × 1.000000 token × $1.00 = $100.
    expect(analysis.totals.trustedMicroUsd).toBe(100_000_000n);
    expect(analysis.assets.filter((asset) => asset.valueKind === 'trusted' && asset.amount > 0n)).toHaveLength(20);
  });

  it('flags an unparseable account, a vanished mint and a fake price account, and keeps totals right', async () => {
    const chain = running.chain;
    const junk = Keypair.generate().publicKey;
    const junkData = Buffer.alloc(170, 7);
    owner.toBuffer().copy(junkData, 32);
    chain.setAccount(junk, { lamports: 2_000_000n, data: junkData, owner: TOKEN_2022_PROGRAM_ID });
    const ghostMint = Keypair.generate().publicKey;
    const orphan = Keypair.generate().publicKey;
    const orphanData = Buffer.alloc(AccountLayout.span);
    AccountLayout.encode(
      {
        mint: ghostMint,
        owner,
        amount: 5n,
        delegateOption: 0,
        delegate: PublicKey.default,
        state: 1,
        isNativeOption: 0,
        isNative: 0n,
        delegatedAmount: 0n,
        closeAuthorityOption: 0,
        closeAuthority: PublicKey.default,
      },
      orphanData,
    );
    chain.setAccount(orphan, { lamports: 2_039_280n, data: orphanData, owner: TOKEN_PROGRAM_ID });
    // A perfect copy of a Pyth price, in an account the Pyth program does not own.
    const fake = Keypair.generate().publicKey;
    const usdcPrice = chain.getAccount(DEMO.priceAccounts.USDC)!;
    chain.setAccount(fake, { lamports: usdcPrice.lamports, data: usdcPrice.data, owner: Keypair.generate().publicKey });
    const withFake = { ...tokens, T0: { ...tokens.T0!, pyth: fake.toBase58() as never } };

    const snapshot = await observe(undefined, { tokens: withFake });
    expect(snapshot.problems.map((problem) => [problem.code, problem.account])).toEqual([
      ['account-unparseable', junk.toBase58()],
      ['mint-missing', ghostMint.toBase58()],
    ]);
    expect(snapshot.prices.find((price) => price.symbol === 'T0')?.reasons[0]).toMatch(/^owned by .*, not the Pyth oracle program$/);
    const analysis = analyzeTreasury(snapshot, { depegThresholdBps: 50 });
    // T0's 5 accounts are valued at an untrusted price now; the ghost mint's tokens at none.
    expect(analysis.totals.trustedMicroUsd).toBe(95_000_000n);
    expect(analysis.totals.untrustedMicroUsd).toBe(5_000_000n);
    expect(analysis.totals.unpriced).toEqual([`${ghostMint.toBase58().slice(0, 4)}…${ghostMint.toBase58().slice(-4)}`]);
    chain.setAccount(junk, { lamports: 0n, data: new Uint8Array(0), owner: PublicKey.default });
    chain.setAccount(orphan, { lamports: 0n, data: new Uint8Array(0), owner: PublicKey.default });
  });

  it('refuses answers from a slot older than the previous snapshot', async () => {
    const snapshot = await observe();
    const thrown = await observe(undefined, { minContextSlot: snapshot.slot + 1_000_000n }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(StewardError);
    expect((thrown as StewardError).code).toBe('RPC_STALE_SLOT');
    expect((thrown as StewardError).hint).toMatch(/retry/);
  });
});
