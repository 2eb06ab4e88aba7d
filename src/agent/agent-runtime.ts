// What an agent run (and a tool session) needs from the process: the database, the cluster, the
// clock, the models and signers. Created by createRuntime (runtime.ts); types only.
import type { Connection, Keypair } from '@solana/web3.js';
import type { AgentConfig } from '../config/index.js';
import type { ConfirmEndpoint } from '../execute/index.js';
import type { StewardModelExtras } from '../llm/index.js';
import type { Logger } from '../shared/index.js';
import type { Db } from '../store/index.js';

/** What a run needs of a chat model: structured answers and an identity for the record. */
export type AgentModel = Pick<StewardModelExtras, 'generateStructured' | 'modelIdentity'>;

export interface AgentRuntime {
  db: Db;
  connection: Connection;
  /** Printable name of the cluster (no credentials). */
  clusterLabel: string;
  /** The cluster's identity key (ClusterIdentity.key): observations are stored and compared under it. */
  clusterKey: string;
  /** The cluster's readable name and endpoint (ClusterIdentity), stored beside each observation. */
  clusterName?: string | null;
  clusterEndpoint?: string | null;
  /** The embedded chain restarts at slot 0 with every process. */
  embedded: boolean;
  /** A fork (`--fork`): an embedded chain reading a real cluster, where nothing is ever sent. */
  fork?: boolean | undefined;
  logger: Logger;
  now: () => Date;
  /** The agent's chat model (shared per model file by the LLM layer). */
  model: (agent: AgentConfig) => Promise<AgentModel>;
  /** The agent's signing key, or null when none is configured (then nothing is signed). */
  signer: (agent: AgentConfig) => Keypair | null;
  /** Where reviews are written; reports of runs are written by the caller from the result. */
  reportsDir: string;
  /** Second RPC endpoint that must agree before a sent transaction is settled. */
  confirmWith?: ConfirmEndpoint | undefined;
  /** Jupiter-compatible swap API the swap builder uses (STEWARD_JUPITER_URL). */
  jupiterUrl?: string | undefined;
}

export type EffectiveMode = AgentConfig['mode'];
