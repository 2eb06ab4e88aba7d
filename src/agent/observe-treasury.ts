// One observation of an agent's treasury, as runs and `steward observe` make it: the treasury's
// accounts, its DeFi positions and the configured liquid-staking pools read in parallel, then
// the pure analyses. Numbers come from here; the model only ever reads them.
import type { Connection } from '@solana/web3.js';
import { createAccountReader, shareReader, type ReadRounds } from '../chain/account-reader.js';
import type { AgentConfig, PolicyConfig } from '../config/index.js';
import {
  analyzePositions,
  fetchStakePools,
  readPositions,
  stakePoolHoldings,
  stakePoolPositions,
  type DefiPosition,
  type PositionsAnalysis,
} from '../treasury/positions/index.js';
import {
  analyzeTreasury,
  buildTreasuryView,
  getTreasurySnapshot,
  type StoredObservation,
  type TreasuryAnalysis,
  type TreasurySnapshot,
  type TreasuryView,
} from '../treasury/index.js';

/** The stress every observation reports: SOL (and wrapped SOL) 30% lower. */
export const SOL_SHOCK: Readonly<Record<string, bigint>> = { So11111111111111111111111111111111111111112: -300_000n };

export interface ReadTreasuryParams {
  agent: AgentConfig;
  policy: PolicyConfig;
  /** The agent's public key: allowances delegated to it are the on-chain limit, others are flagged. */
  agentKey: string | null;
  now: Date;
  /** The previous observation of this treasury on this cluster: an older answer is refused. */
  previous: StoredObservation | null;
  /** The embedded chain restarts at slot 0 with every process: its slots are not compared. */
  embedded: boolean;
  /** A fork (`--fork`): prices are judged at the fork's clock when it is ahead of `now` (no refresh from the upstream). */
  fork?: boolean | undefined;
}

export interface TreasuryRead {
  snapshot: TreasurySnapshot;
  positions: DefiPosition[];
  /** What the whole observation cost on the wire: sequential rounds, HTTP requests, JSON-RPC calls. */
  rpc: ReadRounds;
}

export async function readTreasury(connection: Connection, params: ReadTreasuryParams): Promise<TreasuryRead> {
  const owners = params.agent.treasury.owners;
  // The pools' addresses are configuration: read them alongside, value the holdings after.
  const pools = Object.entries(params.policy.tokens).flatMap(([symbol, entry]) =>
    entry.stakePool ? [{ symbol, pool: entry.stakePool }] : [],
  );
  // One reader for the whole observation: what the treasury, the position readers and the pools
  // ask for in the same round travels in one request (src/chain/account-reader.ts).
  const reader = createAccountReader(connection, { minContextSlot: params.embedded ? undefined : params.previous?.snapshot.slot });
  const [snapshot, defi, fetchedPools] = await Promise.all([
    getSnapshot(connection, params, reader),
    readPositions(connection, { owners, reader }),
    fetchStakePools(shareReader(reader), pools),
  ]);
  const staking = stakePoolPositions(stakePoolHoldings(snapshot, params.policy.tokens), fetchedPools);
  return { snapshot, positions: [...defi.positions, ...staking], rpc: reader.wire };
}

function getSnapshot(
  connection: Connection,
  params: ReadTreasuryParams,
  reader: ReturnType<typeof createAccountReader>,
): Promise<TreasurySnapshot> {
  return getTreasurySnapshot(connection, {
    reader,
    owners: params.agent.treasury.owners,
    agent: params.agentKey,
    tokens: params.policy.tokens,
    oracle: params.policy.oracle,
    now: params.now,
    pricesAtChainClock: params.fork,
    minContextSlot: params.embedded ? undefined : params.previous?.snapshot.slot,
  });
}

export interface TreasuryAnalyses {
  /** The one view of this observation: the policy context and the review context derive from it too. */
  view: TreasuryView;
  analysis: TreasuryAnalysis;
  positions: PositionsAnalysis;
}

export function analyzeTreasuryRead(agent: AgentConfig, read: TreasuryRead, previous: StoredObservation | null): TreasuryAnalyses {
  const view = buildTreasuryView(read.snapshot, read.positions);
  const analysis = analyzeTreasury(view, {
    targets: agent.treasury.targets,
    monthlySpendUsd: agent.treasury.monthlySpendUsd,
    depegThresholdBps: agent.treasury.depegThresholdBps,
    previous: previous?.snapshot,
  });
  const positions = analyzePositions(read.positions, view.priceBook, {
    treasuryMicroUsd: view.totals.trustedMicroUsd,
    shocks: SOL_SHOCK,
  });
  return { view, analysis, positions };
}
