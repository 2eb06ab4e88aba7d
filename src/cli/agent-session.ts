// Everything a command needs to run agents: config, store, cluster, runtime (models, signers,
// executor). Opened once per command and closed in `finally`, whatever happened.
import type { Keypair } from '@solana/web3.js';
import type { AgentConfig, PolicyConfig, Settings, StewardConfig } from '../config/index.js';
import { createRuntime, type OwnedRuntime } from '../agent/runtime.js';
import { demoKeypair, openCluster, type OpenCluster } from '../demo/index.js';
import { recoverPending } from '../execute/index.js';
import { policyOf } from './agents.js';
import type { Logger } from '../shared/index.js';
import type { Store } from '../store/index.js';

export interface AgentSession {
  config: StewardConfig;
  store: Store;
  cluster: OpenCluster;
  runtime: OwnedRuntime;
  policyOf(agent: AgentConfig): PolicyConfig;
  close(): Promise<void>;
}

export async function openAgentSession(options: {
  config: StewardConfig;
  store: Store;
  settings: Settings;
  logger: Logger;
  signer?: Keypair;
}): Promise<AgentSession> {
  const cluster = await openCluster(options.settings.rpcUrl, { logger: options.logger });
  // Transactions a previous process signed but did not see settle are resolved first, by
  // signature status and block height, before any new work: never by blind resending.
  try {
    const recovery = await recoverPending(options.store.db, cluster.connection);
    if (recovery.settled.length > 0 || recovery.reset.length > 0) {
      options.logger.warn(
        { settled: recovery.settled.map((entry) => ({ action: entry.actionId, state: entry.state, signature: entry.signature })), resetBeforeSigning: recovery.reset },
        'resolved actions a previous process left in flight',
      );
    }
  } catch (error) {
    await cluster.close();
    throw error;
  }
  const runtime = createRuntime({
    db: options.store.db,
    cluster,
    settings: options.settings,
    logger: options.logger,
    ...(options.signer ? { signer: options.signer } : {}),
    // On the embedded demo chain an agent without a configured key signs with the demo agent key,
    // whose seed is public: it exists only there.
    ...(cluster.demo ? { fallbackSigner: demoKeypair('agent') } : {}),
  });
  return {
    config: options.config,
    store: options.store,
    cluster,
    runtime,
    policyOf: (agent) => policyOf(options.config, agent),
    async close() {
      await runtime.close();
      await cluster.close();
    },
  };
}
