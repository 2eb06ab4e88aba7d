// What agent runs share inside one process: the database, the cluster connection, one chat
// model per agent (the LLM layer shares the loaded weights between agents naming the same
// file), the signers and the executor. Close it once, at the end; it closes what it opened.
import type { Keypair } from '@solana/web3.js';
import type { AgentConfig, Settings } from '../config/index.js';
import type { OpenCluster } from '../chain/index.js';
import type { ConfirmEndpoint } from '../execute/index.js';
import { createChatModel, type StewardChatModel } from '../llm/index.js';
import type { Logger } from '../shared/index.js';
import type { Db } from '../store/index.js';
import type { AgentRuntime } from './run-agent.js';
import { loadAgentSigner } from './signer.js';

export interface CreateRuntimeOptions {
  db: Db;
  cluster: OpenCluster;
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
}

export interface OwnedRuntime extends AgentRuntime {
  close(): Promise<void>;
}

export function createRuntime(options: CreateRuntimeOptions): OwnedRuntime {
  const models = new Map<string, Promise<StewardChatModel>>();
  const env = options.env ?? process.env;
  return {
    db: options.db,
    connection: options.cluster.connection,
    clusterLabel: options.cluster.label,
    clusterKey: options.cluster.demo ? 'embedded' : options.cluster.label,
    embedded: options.cluster.demo !== null,
    logger: options.logger,
    now: options.now ?? (() => new Date()),
    reportsDir: options.settings.reportsDir,
    confirmWith: options.confirmWith,
    model: (agent: AgentConfig) => {
      let model = models.get(agent.name);
      if (!model) {
        model = createChatModel(agent.model, options.settings, { env });
        models.set(agent.name, model);
        // A failed open is not cached: the next run tries again.
        model.catch(() => models.delete(agent.name));
      }
      return model;
    },
    signer: (agent: AgentConfig) => options.signer ?? loadAgentSigner(agent, env, options.settings.keypair) ?? options.fallbackSigner ?? null,
    close: async () => {
      const opened = await Promise.allSettled(models.values());
      models.clear();
      for (const entry of opened) if (entry.status === 'fulfilled') await entry.value.close();
    },
  };
}
