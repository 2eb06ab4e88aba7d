// The console's view of each agent's treasury: read from chain exactly as `steward observe`
// does (same reader, same analyses, saved as an observation), kept in memory so pages answer
// from it without a chain round trip; read again on start, on "Observe again" and after an
// approved action executes.
import { analyzeTreasuryRead, readTreasury } from '../../agent/observe-treasury.js';
import { resolveCluster, type OpenCluster } from '../../chain/index.js';
import type { AgentConfig, Settings, StewardConfig } from '../../config/index.js';
import type { Db } from '../../store/index.js';
import type { PositionsAnalysis } from '../../treasury/positions/index.js';
import { latestObservation, saveObservation, type TreasuryAnalysis } from '../../treasury/index.js';
import { agentKeyOf, policyOf } from '../agents.js';

export interface AgentRead {
  agent: string;
  observationId: number;
  /** The chain's identity key (ClusterIdentity.key): what observations are stored under. */
  cluster: string;
  analysis: TreasuryAnalysis;
  positions: PositionsAnalysis;
}

export class ConsoleObserver {
  private readonly reads = new Map<string, AgentRead>();

  constructor(
    private readonly db: Db,
    private readonly config: StewardConfig,
    private readonly settings: Settings,
    private readonly cluster: OpenCluster,
  ) {}

  /** The agents whose treasury the console shows: those with the treasury task (else all). */
  get agents(): AgentConfig[] {
    const all = this.config.agents.map((entry) => entry.config);
    const treasury = all.filter((agent) => agent.tasks.includes('treasury'));
    return treasury.length > 0 ? treasury : all;
  }

  latest(agent: string): AgentRead | undefined {
    return this.reads.get(agent);
  }

  async observe(agent: AgentConfig): Promise<AgentRead> {
    const policy = policyOf(this.config, agent);
    // Keyed by the chain's identity, as `steward observe` stores it: never another cluster's figures.
    const identity = await this.cluster.identity();
    const cluster = identity.key;
    const agentKey = agentKeyOf(agent, this.settings, this.cluster, undefined, 'the agent key')?.key.toBase58() ?? null;
    const previous = latestObservation(this.db, agent.treasury.owners, { cluster });
    const read = await readTreasury(this.cluster.connection, {
      agent,
      policy,
      agentKey,
      now: new Date(),
      previous,
      embedded: resolveCluster(this.settings.rpcUrl).kind === 'embedded',
      fork: this.cluster.forkInfo !== undefined,
    });
    const { analysis, positions } = analyzeTreasuryRead(agent, read, previous);
    const observationId = saveObservation(this.db, {
      snapshot: read.snapshot,
      analysis,
      cluster,
      clusterName: identity.name,
      endpoint: identity.endpoint,
      agent: agent.name,
    });
    const result = { agent: agent.name, observationId, cluster, analysis, positions };
    this.reads.set(agent.name, result);
    return result;
  }

  async observeAll(): Promise<void> {
    for (const agent of this.agents) await this.observe(agent);
  }
}
