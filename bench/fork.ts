// Figure 12 — what fork mode costs the user's RPC plan: the upstream requests of a forked
// observation (readTreasury, as `steward observe --fork` reads) and of a forked review of the
// realm's proposals (reviewRealm without a model, simulation on the fork), on a cold fork and
// on a second fork of the same upstream that starts from the store's cache. The upstream is the
// demo chain in its own process (`localnet --demo`); requests are HTTP requests the fork's
// upstream client made (batches count once), its Clock read at the fork's start included.
import { PublicKey } from '@solana/web3.js';
import { readTreasury } from '../src/agent/observe-treasury.js';
import { createConnection, spawnEmbeddedChain, startEmbeddedChain } from '../src/chain/index.js';
import { loadConfig } from '../src/config/index.js';
import { DEMO, GOVERNANCE_PROGRAM_ID } from '../src/demo/index.js';
import { indexTreasury, reviewRealm, treasuryContextFromView } from '../src/governance/index.js';
import { forkCacheStore, openStore } from '../src/store/index.js';
import { buildTreasuryView } from '../src/treasury/index.js';
import type { BenchOptions, Figure } from './lib.js';

const GROUP = '12. Fork upstream requests';

export async function run(_options: BenchOptions): Promise<Figure[]> {
  const config = loadConfig(process.cwd());
  const agent = config.agents.find((file) => file.config.name === 'treasury-guardian')!.config;
  const policy = config.policies.find((file) => file.config.name === agent.policy)!.config;
  const upstream = await spawnEmbeddedChain({ demo: true });
  const store = openStore(':memory:');
  try {
    const cache = forkCacheStore(store.db, upstream.url);
    /** One fork: its start, an observation, then a review; the upstream requests after each step. */
    const onFork = async () => {
      const fork = await startEmbeddedChain({ fork: { url: upstream.url, cache } });
      try {
        const connection = createConnection(fork.url);
        const started = fork.fork!.info().requests;
        const read = await readTreasury(connection, {
          agent,
          policy,
          agentKey: DEMO.agent.toBase58(),
          now: new Date(),
          previous: null,
          embedded: true,
        });
        const observed = fork.fork!.info().requests;
        const result = await reviewRealm(connection, {
          programId: new PublicKey(agent.treasury.governanceProgram ?? GOVERNANCE_PROGRAM_ID),
          realm: new PublicKey(agent.treasury.realm ?? DEMO.realm),
          treasury: indexTreasury(treasuryContextFromView(buildTreasuryView(read.snapshot, read.positions))),
          now: Math.floor(Date.now() / 1000),
          model: null,
          force: true,
        });
        const info = fork.fork!.info();
        return {
          start: started,
          observation: observed - started,
          review: info.requests - observed,
          proposals: result.outcomes.length,
          fetched: info.fetched,
          hits: info.cache.hits,
        };
      } finally {
        await fork.close();
      }
    };
    const cold = await onFork();
    const warm = await onFork();
    const figure = (id: string, name: string, value: number, method: string, details: Record<string, unknown>): Figure => ({
      id,
      group: GROUP,
      name,
      value,
      unit: 'requests',
      method,
      details,
    });
    const how = (which: string) =>
      `HTTP requests the fork's upstream client made (a getMultipleAccounts batch counts once; listings forwarded); upstream: the demo chain in its own process; ${which}`;
    return [
      figure('fork.start-requests', 'fork start (the upstream Clock)', cold.start, how('cold fork'), {}),
      figure(
        'fork.observation-requests.cold',
        'forked observation, cold fork',
        cold.observation,
        how('readTreasury of treasury-guardian on a fork with an empty cache'),
        { fetched: cold.fetched },
      ),
      figure(
        'fork.review-requests.cold',
        `forked review of ${cold.proposals} proposals, after the observation`,
        cold.review,
        how('reviewRealm without a model (decode, flags, simulation on the fork)'),
        {},
      ),
      figure(
        'fork.observation-requests.warm',
        'forked observation, second fork (store cache)',
        warm.observation,
        how("a second fork of the same upstream starting from the first one's cache"),
        { cacheHits: warm.hits },
      ),
      figure(
        'fork.review-requests.warm',
        `forked review of ${warm.proposals} proposals, second fork (store cache)`,
        warm.review,
        how(
          'as above, second fork; each simulation pays from a fresh random fee payer, which the fork looks up upstream once (absent): one request per proposal',
        ),
        {},
      ),
    ];
  } finally {
    store.close();
    await upstream.close();
  }
}
