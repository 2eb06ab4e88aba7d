// What agent runs share inside one process: the database, the cluster connection, one chat
// model per agent (the LLM layer shares the loaded weights between agents naming the same
// file), the signers and the executor. Close it once, at the end; it closes what it opened.
import { join } from 'node:path';
import type { Keypair } from '@solana/web3.js';
import type { AgentConfig, Settings } from '../config/index.js';
import type { ClusterIdentity, OpenCluster } from '../chain/index.js';
import type { ConfirmEndpoint } from '../execute/index.js';
import { chooseModel, createChatModel, ensureTestModel, type StewardChatModel } from '../llm/index.js';
import type { Logger } from '../shared/index.js';
import type { Db } from '../store/index.js';
import type { AgentRuntime } from './run-agent.js';
import { testModelAllowed, testModelNotice, testModelRefused } from './model-fallback.js';
import { loadAgentSigner } from './signer.js';

export interface CreateRuntimeOptions {
  db: Db;
  cluster: Pick<OpenCluster, 'connection' | 'label' | 'demo' | 'close' | 'forkInfo'>;
  /** The cluster's identity (OpenCluster.identity()): observations are keyed by it. */
  clusterIdentity?: ClusterIdentity;
  settings: Settings;
  logger: Logger;
  /** Use this key for every agent (the demo's agent key); otherwise each agent's signer config. */
  signer?: Keypair;
  /** Used when an agent has no signer configured (the demo agent key on the embedded chain). */
  fallbackSigner?: Keypair;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  /** Second RPC endpoint that must agree before a sent transaction is settled. */
  confirmWith?: ConfirmEndpoint | undefined;
  /** Every run of this runtime is a dry run: an agent without a model may use the test model. */
  dryRun?: boolean;
  /** Told once per agent that runs on the generated test model (a line for the operator). */
  notice?: (line: string) => void;
}

export interface OwnedRuntime extends AgentRuntime {
  close(): Promise<void>;
}

export function createRuntime(options: CreateRuntimeOptions): OwnedRuntime {
  const models = new Map<string, Promise<StewardChatModel>>();
  const env = options.env ?? process.env;
  const fallback = {
    embedded: options.cluster.demo !== null,
    fork: options.cluster.forkInfo !== undefined,
    dryRun: options.dryRun ?? false,
    clusterLabel: options.cluster.label,
  };
  // An agent that names no model (and no STEWARD_MODEL / endpoint is set) runs on the generated
  // test model where random decisions cannot move real funds, and is refused elsewhere.
  const openModel = async (agent: AgentConfig): Promise<StewardChatModel> => {
    if (chooseModel(agent.model, options.settings, env).kind !== 'none') return createChatModel(agent.model, options.settings, { env });
    if (!testModelAllowed(agent, fallback)) throw testModelRefused(agent, fallback);
    const path = await ensureTestModel({ dir: join(options.settings.modelsDir, 'test') });
    options.notice?.(testModelNotice(agent));
    return createChatModel({ ...agent.model, local: path }, options.settings, { env });
  };
  return {
    db: options.db,
    connection: options.cluster.connection,
    clusterLabel: options.cluster.label,
    clusterKey: options.clusterIdentity?.key ?? (options.cluster.demo ? `embedded:${options.cluster.demo.chainId}` : options.cluster.label),
    clusterName: options.clusterIdentity?.name ?? null,
    clusterEndpoint: options.clusterIdentity?.endpoint ?? null,
    embedded: options.cluster.demo !== null,
    fork: options.cluster.forkInfo !== undefined,
    logger: options.logger,
    now: options.now ?? (() => new Date()),
    reportsDir: options.settings.reportsDir,
    confirmWith: options.confirmWith,
    jupiterUrl: options.settings.jupiterUrl,
    model: (agent: AgentConfig) => {
      let model = models.get(agent.name);
      if (!model) {
        model = openModel(agent);
        models.set(agent.name, model);
        // A failed open is not cached: the next run tries again.
        model.catch(() => models.delete(agent.name));
      }
      return model;
    },
    signer: (agent: AgentConfig) =>
      options.signer ?? loadAgentSigner(agent, env, options.settings.keypair) ?? options.fallbackSigner ?? null,
    close: async () => {
      const opened = await Promise.allSettled(models.values());
      models.clear();
      for (const entry of opened) if (entry.status === 'fulfilled') await entry.value.close();
    },
  };
}
