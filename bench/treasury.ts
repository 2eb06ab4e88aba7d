// Treasury observation bench: RPC requests and wall time of getTreasurySnapshot against the
// embedded chain, next to the per-account approach common agent toolkits take (discover the
// token accounts, then one getTokenAccountBalance / getAccountInfo per account, mint and price).
//   node --no-allocation-site-pretenuring --import tsx bench/treasury.ts
import { AccountLayout, MintLayout, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, getMint } from '@solana/spl-token';
import { Keypair, PublicKey, type Connection } from '@solana/web3.js';
import { createConnection, RpcCounter, startEmbeddedChain } from '../src/chain/index.js';
import { DEMO, PYTH_PROGRAM_ID, seedDemoDao } from '../src/demo/index.js';
import type { PolicyConfig } from '../src/config/index.js';
import { analyzeTreasury, getTreasurySnapshot } from '../src/treasury/index.js';

const ACCOUNTS = 100;
const MINTS = 20;
const RUNS = 10;

/** What a per-account toolkit does: list accounts, then read each account, mint and price on its own. */
async function perAccount(connection: Connection, owner: PublicKey, tokens: PolicyConfig['tokens']): Promise<number> {
  await connection.getBalance(owner);
  // One listing request per token program, as such toolkits do.
  const classic = await connection.getTokenAccountsByOwner(owner, { programId: TOKEN_PROGRAM_ID });
  const token2022 = await connection.getProgramAccounts(TOKEN_2022_PROGRAM_ID, { filters: [{ memcmp: { offset: 32, bytes: owner.toBase58() } }] });
  const accounts = [...classic.value, ...token2022];
  for (const { pubkey } of accounts) await connection.getTokenAccountBalance(pubkey);
  for (const entry of Object.values(tokens)) {
    if (entry.mint !== 'native') await getMint(connection, new PublicKey(entry.mint));
    if (entry.pyth) await connection.getAccountInfo(new PublicKey(entry.pyth));
  }
  return accounts.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const running = await startEmbeddedChain();
  try {
    const chain = running.chain;
    seedDemoDao(chain);
    const owner = Keypair.generate().publicKey;
    const tokens: PolicyConfig['tokens'] = {};
    const price = chain.getAccount(DEMO.priceAccounts.USDC)!;
    const mints = Array.from({ length: MINTS }, (_, index) => {
      const mint = Keypair.generate().publicKey;
      const data = Buffer.alloc(MintLayout.span);
      MintLayout.encode({ mintAuthorityOption: 0, mintAuthority: PublicKey.default, supply: 10n ** 18n, decimals: 6, isInitialized: true, freezeAuthorityOption: 0, freezeAuthority: PublicKey.default }, data);
      chain.setAccount(mint, { lamports: 1_461_600n, data, owner: TOKEN_PROGRAM_ID });
      const pyth = Keypair.generate().publicKey;
      chain.setAccount(pyth, { lamports: price.lamports, data: price.data, owner: PYTH_PROGRAM_ID });
      tokens[`T${index}`] = { mint: mint.toBase58() as never, decimals: 6, pyth: pyth.toBase58() as never, stable: false };
      return mint;
    });
    for (let index = 0; index < ACCOUNTS; index++) {
      const data = Buffer.alloc(AccountLayout.span);
      AccountLayout.encode(
        { mint: mints[index % MINTS]!, owner, amount: 1_000_000n, delegateOption: 0, delegate: PublicKey.default, state: 1, isNativeOption: 0, isNative: 0n, delegatedAmount: 0n, closeAuthorityOption: 0, closeAuthority: PublicKey.default },
        data,
      );
      chain.setAccount(Keypair.generate().publicKey, { lamports: 2_039_280n, data, owner: TOKEN_PROGRAM_ID });
    }
    const oracle = { maxStaleness: '120s', maxConfidenceBps: 100 };

    const counter = new RpcCounter();
    const connection = createConnection(running.url, { counter });
    const times: number[] = [];
    let analysisMs = 0;
    for (let run = 0; run < RUNS; run++) {
      counter.reset();
      const started = performance.now();
      const snapshot = await getTreasurySnapshot(connection, { owners: [owner.toBase58()], tokens, oracle, now: new Date() });
      times.push(performance.now() - started);
      const analysisStart = performance.now();
      analyzeTreasury(snapshot, { depegThresholdBps: 50 });
      analysisMs += performance.now() - analysisStart;
    }
    const stewardRequests = counter.requests;
    const stewardMethods = JSON.stringify(counter.methods);

    const naiveCounter = new RpcCounter();
    const naive = createConnection(running.url, { counter: naiveCounter });
    const naiveTimes: number[] = [];
    let found = 0;
    for (let run = 0; run < 3; run++) {
      naiveCounter.reset();
      const started = performance.now();
      found = await perAccount(naive, owner, tokens);
      naiveTimes.push(performance.now() - started);
    }

    console.log(`treasury observation: 1 owner, ${ACCOUNTS} token accounts across ${MINTS} mints, ${MINTS} Pyth prices (embedded chain, localhost)`);
    console.log(`  getTreasurySnapshot: ${stewardRequests} RPC requests ${stewardMethods}, median ${median(times).toFixed(1)} ms over ${RUNS} runs`);
    console.log(`  per-account approach: ${naiveCounter.requests} RPC requests for ${found} accounts, median ${median(naiveTimes).toFixed(1)} ms over 3 runs`);
    console.log(`  analyzeTreasury: ${(analysisMs / RUNS).toFixed(2)} ms per snapshot`);
    console.log(`  target: <= 4 requests per owner — ${stewardRequests <= 4 ? 'met' : 'MISSED'}`);
  } finally {
    await running.close();
  }
}

await main();
