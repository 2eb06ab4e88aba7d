// Figure 3 — RPC requests to observe the demo treasury (tokens, stake, prices) and its realm's
// open proposals, counted at the endpoint (RpcCounter on the Connection's fetch), at the demo's
// own size and scaled to 100 more token accounts over 20 more mints and 10 open proposals; next
// to the per-account approach common agent toolkits take (discover the accounts, then one
// request per account, mint, price, proposal and proposal transaction).
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, getMint } from '@solana/spl-token';
import { PublicKey, type Connection } from '@solana/web3.js';
import { createConnection, RpcCounter } from '../src/chain/index.js';
import { loadConfig, type PolicyConfig } from '../src/config/index.js';
import { DEMO, DEMO_PROPOSALS, GOVERNANCE_PROGRAM_ID, startDemoChain } from '../src/demo/index.js';
import { getProposals } from '../src/governance/index.js';
import { analyzeTreasury, getTreasurySnapshot } from '../src/treasury/index.js';
import { readTreasury } from '../src/agent/observe-treasury.js';
import { toAddress } from '../src/shared/index.js';
import { injectProposals, scaleTreasury } from './fixtures.js';
import { atLeast, atMost, median, round, type BenchOptions, type Figure } from './lib.js';

const GROUP = '3. RPC requests';
const ACCOUNTS = 100;
const MINTS = 20;
const PROPOSALS = 10;

/** What a per-account toolkit does for tokens: list accounts, then read each account, mint and price on its own. */
export async function perAccountTokens(connection: Connection, owner: PublicKey, tokens: PolicyConfig['tokens']): Promise<number> {
  await connection.getBalance(owner);
  // One listing request per token program, as such toolkits do.
  const classic = await connection.getTokenAccountsByOwner(owner, { programId: TOKEN_PROGRAM_ID });
  const token2022 = await connection.getProgramAccounts(TOKEN_2022_PROGRAM_ID, {
    filters: [{ memcmp: { offset: 32, bytes: owner.toBase58() } }],
  });
  const accounts = [...classic.value, ...token2022];
  for (const { pubkey } of accounts) await connection.getTokenAccountBalance(pubkey);
  for (const entry of Object.values(tokens)) {
    // A Token-2022 mint read as a classic one still costs its request; the owner check then throws.
    if (entry.mint !== 'native') await getMint(connection, new PublicKey(entry.mint)).catch(() => undefined);
    if (entry.pyth) await connection.getAccountInfo(new PublicKey(entry.pyth));
  }
  return accounts.length;
}

/** Per-account proposals: list the realm's proposals, then read each proposal and each of its transactions on its own. */
export async function perAccountProposals(
  connection: Connection,
  programId: PublicKey,
  realm: PublicKey,
  proposals: readonly { address: string; transactions: readonly { address: string }[] }[],
): Promise<void> {
  await connection.getAccountInfo(realm);
  await connection.getProgramAccounts(programId, {
    filters: [{ memcmp: { offset: 1, bytes: realm.toBase58() } }],
    dataSlice: { offset: 0, length: 0 },
  });
  for (const proposal of proposals) {
    await connection.getAccountInfo(new PublicKey(proposal.address));
    for (const transaction of proposal.transactions) await connection.getAccountInfo(new PublicKey(transaction.address));
  }
}

export async function run(options: BenchOptions): Promise<Figure[]> {
  const runs = options.size === 'smoke' ? 1 : 10;
  const config = loadConfig(process.cwd());
  const guardian = config.agents.find(({ config: agent }) => agent.tasks.includes('treasury'))?.config;
  if (!guardian) throw new Error('no treasury agent under agents/');
  const policy = config.policies.find(({ config: p }) => p.name === guardian.policy)?.config;
  if (!policy) throw new Error(`no policy named ${guardian.policy}`);
  const owners = guardian.treasury.owners;
  const realm = new PublicKey(guardian.treasury.realm ?? DEMO.realm);
  const programId = new PublicKey(guardian.treasury.governanceProgram ?? GOVERNANCE_PROGRAM_ID);

  const demo = await startDemoChain({ oracleIntervalMs: 1_000 });
  try {
    const counter = new RpcCounter();
    const connection = createConnection(demo.running.url, { counter, wsUrl: demo.running.wsUrl });
    const observe = async (tokens: PolicyConfig['tokens']) => {
      const times: number[] = [];
      let tokenRequests = 0;
      let proposalRequests = 0;
      let proposals = 0;
      let methods: Record<string, number> = {};
      let snapshotAccounts = 0;
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        counter.reset();
        const snapshot = await getTreasurySnapshot(connection, {
          owners,
          agent: DEMO.agent.toBase58(),
          tokens,
          oracle: policy.oracle,
          now: new Date(),
        });
        tokenRequests = counter.requests;
        methods = { ...counter.methods };
        counter.reset();
        const read = await getProposals(connection, { programId, realm });
        proposalRequests = counter.requests;
        for (const [method, n] of Object.entries(counter.methods)) methods[`proposals:${method}`] = n;
        times.push(performance.now() - started);
        analyzeTreasury(snapshot, { depegThresholdBps: 50 });
        proposals = read.proposals.length;
        snapshotAccounts = snapshot.tokenAccounts.length;
      }
      return { tokenRequests, proposalRequests, proposals, methods, ms: median(times), snapshotAccounts };
    };

    const base = await observe(policy.tokens);

    // The whole observation as a run makes it: treasury, stake, prices, MarginFi, Whirlpools and
    // the stake pool through one account reader, with one owner and with a second one (a Squads
    // vault will be one), at demo size.
    const whole = async (ownerList: readonly string[]) => {
      counter.reset();
      const read = await readTreasury(connection, {
        agent: { ...guardian, treasury: { ...guardian.treasury, owners: ownerList.map(toAddress) } },
        policy,
        agentKey: DEMO.agent.toBase58(),
        now: new Date(),
        previous: null,
        embedded: true,
      });
      return { rounds: read.rpc.rounds, requests: counter.requests, methods: { ...counter.methods }, positions: read.positions.length };
    };
    const observation = await whole(owners);
    const twoOwners = await whole([...owners, DEMO.agent.toBase58()]);
    const extraTokens = scaleTreasury(demo.running.chain, new PublicKey(owners[0]!), {
      accounts: ACCOUNTS,
      mints: MINTS,
      priceTemplate: demo.dao.priceAccounts.USDC,
    });
    injectProposals(demo.running.chain, Math.max(0, PROPOSALS - DEMO_PROPOSALS.length));
    const tokens = { ...policy.tokens, ...extraTokens };
    const scaled = await observe(tokens);

    // The per-account approach on the same scaled treasury.
    const naiveCounter = new RpcCounter();
    const naive = createConnection(demo.running.url, { counter: naiveCounter });
    const read = await getProposals(connection, { programId, realm });
    const naiveTimes: number[] = [];
    let found = 0;
    for (let i = 0; i < Math.min(runs, 3); i++) {
      naiveCounter.reset();
      const started = performance.now();
      found = 0;
      for (const owner of owners) found += await perAccountTokens(naive, new PublicKey(owner), tokens);
      await perAccountProposals(naive, programId, realm, read.proposals);
      naiveTimes.push(performance.now() - started);
    }
    const naiveRequests = naiveCounter.requests;
    const stewardTotal = scaled.tokenRequests + scaled.proposalRequests;
    const perOwnerTokens = scaled.tokenRequests / owners.length;
    const scale = `${owners.length} owner(s), ${scaled.snapshotAccounts} token accounts (${ACCOUNTS} added) over ${Object.keys(tokens).length} policy tokens (${MINTS} added, each with a Pyth account), ${scaled.proposals} open proposals`;
    const independent = base.tokenRequests === scaled.tokenRequests && base.proposalRequests === scaled.proposalRequests;
    return [
      {
        id: 'rpc.observation',
        group: GROUP,
        name: 'whole observation (treasury, stake, prices, DeFi positions, stake pool): requests',
        value: observation.requests,
        unit: 'requests',
        target: '≤ 6, same with 2 owners',
        met: atMost(observation.requests, 6) && twoOwners.requests === observation.requests,
        method: `readTreasury (what a run and \`steward observe\` call) over the in-process demo chain, HTTP requests counted at the Connection; one account reader coalesces each round's reads into one JSON-RPC batch (${JSON.stringify(observation.methods)} calls, ${observation.positions} positions); with a second owner: ${twoOwners.requests} requests, ${twoOwners.rounds} rounds`,
        details: { rounds: observation.rounds, methods: observation.methods, twoOwners },
      },
      {
        id: 'rpc.observation-rounds',
        group: GROUP,
        name: 'whole observation: sequential rounds',
        value: observation.rounds,
        unit: 'rounds',
        target: '≤ 4',
        met: atMost(observation.rounds, 4),
        method:
          'rounds of the same observation: the listings and pools; owners, mints, prices, MarginFi banks and Whirlpools positions; Whirlpools pools; tick arrays and pool mints',
      },
      {
        id: 'rpc.tokens-per-owner',
        group: GROUP,
        name: 'treasury observation (tokens, stake, prices), per owner',
        value: perOwnerTokens,
        unit: 'requests/owner',
        target: '≤ 4',
        met: atMost(perOwnerTokens, 4),
        method: `getTreasurySnapshot over the in-process embedded chain, HTTP requests counted at the Connection (RpcCounter); ${scale}`,
        details: { methods: scaled.methods, medianMs: round(scaled.ms), demoSizeRequests: base.tokenRequests },
      },
      {
        id: 'rpc.proposals',
        group: GROUP,
        name: 'open proposals with their transactions',
        value: scaled.proposalRequests,
        unit: 'requests',
        target: '≤ 3',
        met: atMost(scaled.proposalRequests, 3),
        method: `getProposals for the demo realm with ${scaled.proposals} open proposals (${base.proposals} at demo size: ${base.proposalRequests} requests)`,
      },
      {
        id: 'rpc.independent-of-size',
        group: GROUP,
        name: 'requests at demo size → scaled (same count = independent of accounts/mints/proposals)',
        value: stewardTotal,
        unit: 'requests',
        target: 'same as demo size',
        met: independent,
        method: `demo size: ${base.tokenRequests} + ${base.proposalRequests} (${base.snapshotAccounts} token accounts, ${base.proposals} proposals); scaled: ${scaled.tokenRequests} + ${scaled.proposalRequests}`,
      },
      {
        id: 'rpc.fewer-than-per-account',
        group: GROUP,
        name: `Steward vs per-account approach (${naiveRequests} requests)`,
        value: round(naiveRequests / stewardTotal, 1),
        unit: '× fewer',
        target: '≥ 10×',
        met: atLeast(naiveRequests / stewardTotal, 10),
        method: `per-account: getBalance, one listing per token program, getTokenAccountBalance per account (${found}), getMint + Pyth getAccountInfo per token, realm + proposal listing, getAccountInfo per proposal and per proposal transaction; wall ${round(median(naiveTimes))} ms vs Steward ${round(scaled.ms)} ms (median)`,
      },
    ];
  } finally {
    await demo.close();
  }
}
