// Everything a command needs to run agents: config, store, cluster, runtime (models, signers,
// executor). Opened once per command and closed in `finally`, whatever happened.
import type { Keypair } from '@solana/web3.js';
import type { AgentConfig, PolicyConfig, Settings, StewardConfig } from '../config/index.js';
import { createRuntime, type OwnedRuntime } from '../agent/runtime.js';
import { openCluster, type OpenCluster, type ClusterIdentity } from '../chain/index.js';
import { demoKeypair } from '../demo/index.js';
import { recoverPending } from '../execute/index.js';
import { confirmEndpoint } from '../agent/confirm-endpoint.js';
import { chainStateFileFor } from '../chain/embedded/state-file.js';
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
  progress?: (line: string) => void;
  /** Opens the command's cluster (the CLI context's: `--url`, or a fork with `--fork`); default: settings.rpcUrl. */
  openCluster?: () => Promise<OpenCluster>;
  /** Every run is a dry run (`run --dry-run`): an agent without a model may use the test model anywhere. */
  dryRun?: boolean;
  /** Lines for the operator (an agent running on the generated test model). */
  notice?: (line: string) => void;
  /** Checks the cluster before anything else reads it (start's preflight); throws to refuse. */
  checkCluster?: (cluster: OpenCluster) => Promise<void>;
}): Promise<AgentSession> {
  const confirmFromSettings = confirmEndpoint(options.settings);
  const cluster = options.openCluster
    ? await options.openCluster()
    : await openCluster(options.settings.rpcUrl, {
        logger: options.logger,
        stateFile: chainStateFileFor(options.settings.db),
        ...(options.progress ? { progress: options.progress } : {}),
      });
  // A fork's transactions exist on the fork only: a second endpoint of the real cluster would never agree.
  const confirmWith = cluster.forkInfo ? undefined : confirmFromSettings;
  // Transactions a previous process signed but did not see settle are resolved first, by
  // signature status and block height, before any new work: never by blind resending.
  try {
    await options.checkCluster?.(cluster);
    // A fresh fork knows none of the journal's signatures: nothing to recover there.
    const recovery = cluster.forkInfo ? { settled: [] } : await recoverPending(options.store.db, cluster.connection, { confirmWith });
    if (recovery.settled.length > 0) {
      options.logger.warn(
        { settled: recovery.settled.map((entry) => ({ action: entry.actionId, state: entry.state, signature: entry.signature })) },
        'resolved actions a previous process left in flight',
      );
    }
  } catch (error) {
    await cluster.close();
    throw error;
  }
  let clusterIdentity: ClusterIdentity;
  try {
    clusterIdentity = await cluster.identity();
  } catch (error) {
    await cluster.close();
    throw error;
  }
  const runtime = createRuntime({
    db: options.store.db,
    cluster,
    clusterIdentity,
    settings: options.settings,
    logger: options.logger,
    confirmWith,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.notice ? { notice: options.notice } : {}),
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
