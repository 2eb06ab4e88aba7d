// Opening the cluster a command names: an RPC URL, or "embedded" — the demo chain served by a
// child process (or by the process already serving the same state file). Every command that reads
// or writes a chain goes through here.
import type { Connection } from '@solana/web3.js';
import type { Logger } from '../shared/index.js';
import { describeCluster, resolveCluster } from './cluster.js';
import { embeddedIdentity, forkIdentity, readClusterIdentity, type ClusterIdentity } from './cluster-identity.js';
import { createConnection, transportOf, type RpcCounter } from './connection.js';
import type { ForkInfo } from './fork/fork-loader.js';
import { rpcCall } from './rpc.js';
import { redactUrl } from '../shared/redact.js';
import { chainLockHolder, spawnEmbeddedChain, type EmbeddedChainChild } from './embedded/index.js';

export interface OpenCluster {
  connection: Connection;
  /** Safe to print: the cluster name or URL without credentials. */
  label: string;
  /**
   * Present when the cluster is the embedded demo chain: the process serving it (our child, or
   * the process of another command already serving the same state file).
   */
  demo: Pick<EmbeddedChainChild, 'url' | 'wsUrl' | 'pid' | 'chainId'> | null;
  /** On a fork (`--fork`): its upstream, start slot, fetched accounts and upstream requests so far. */
  forkInfo?: () => Promise<ForkInfo>;
  /**
   * Which chain this is (embedded or a fork: its own chain id; a URL: its genesis hash, plus the
   * endpoint when local), read once and kept. RPC_FAILED when the cluster does not answer.
   */
  identity(): Promise<ClusterIdentity>;
  close(): Promise<void>;
}

export interface OpenClusterOptions {
  counter?: RpcCounter;
  logger?: Logger;
  /**
   * The embedded chain's state file (chainStateFileFor(db)): the chain continues from it and
   * saves to it, so one command sees the last one's transactions. Without it the chain is fresh.
   */
  stateFile?: string | null;
  /** Told about steps that take a while (starting the chain), for a progress line. */
  progress?: (line: string) => void;
  /**
   * Run on a fork of this cluster (`--fork URL`): a fresh embedded chain reading it on first
   * access; `cacheDb`: the store whose fork cache it starts from and fills.
   */
  fork?: { url: string; budget?: number | undefined; maxAgeSlots?: number | undefined; cacheDb?: string | undefined } | undefined;
}

/** Connects to the cluster named by `rpcUrl` ("embedded" spawns the demo chain in a child process). */
export async function openCluster(rpcUrl: string, options: OpenClusterOptions = {}): Promise<OpenCluster> {
  const target = resolveCluster(rpcUrl);
  const connectionOptions = options.counter ? { counter: options.counter } : {};
  if (options.fork) {
    const upstream = options.fork.url;
    options.progress?.(`starting a fork of ${redactUrl(upstream)}…`);
    const child = await spawnEmbeddedChain({ demo: false, fork: options.fork, ...(options.logger ? { logger: options.logger } : {}) });
    const connection = createConnection(child.url, { ...connectionOptions, wsUrl: child.wsUrl });
    return {
      connection,
      label: `fork of ${redactUrl(options.fork.url)} (embedded chain ${child.chainId} at ${child.url}, pid ${child.pid})`,
      demo: null,
      forkInfo: () =>
        rpcCall('steward_forkInfo', child.url, () => transportOf(connection).request('steward_forkInfo', [])) as Promise<ForkInfo>,
      // A fork is its own chain (a fresh one per command): never the upstream's figures.
      identity: async () => forkIdentity(child.chainId, upstream),
      close: () => child.close(),
    };
  }
  if (target.kind === 'url') {
    // Read on a connection of its own, so that counted requests stay those of the work itself.
    let identity: Promise<ClusterIdentity> | undefined;
    const read = () =>
      (identity ??= readClusterIdentity(createConnection(target.url), target.url).catch((error: unknown) => {
        identity = undefined;
        throw error;
      }));
    return {
      connection: createConnection(target.url, connectionOptions),
      label: describeCluster(target),
      demo: null,
      identity: read,
      close: async () => undefined,
    };
  }
  const stateFile = options.stateFile ?? undefined;
  // Another command (`steward start`, a `localnet --state`) already serves this chain: use it.
  const running = stateFile ? chainLockHolder(stateFile) : null;
  if (running) {
    return {
      connection: createConnection(running.url, { ...connectionOptions, wsUrl: running.wsUrl }),
      label: `${describeCluster(target)} ${running.chainId}, served by process ${running.pid} at ${running.url}`,
      demo: running,
      identity: async () => embeddedIdentity(running.chainId),
      close: async () => undefined,
    };
  }
  options.progress?.(stateFile ? `starting the embedded chain (state ${stateFile})…` : 'starting a fresh embedded chain…');
  const started = Date.now();
  const child = await spawnEmbeddedChain({
    demo: true,
    ...(stateFile ? { stateFile } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  options.progress?.(`embedded chain ${child.chainId} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    connection: createConnection(child.url, { ...connectionOptions, wsUrl: child.wsUrl }),
    label: `${describeCluster(target)} ${child.chainId} at ${child.url} (pid ${child.pid})`,
    demo: child,
    identity: async () => embeddedIdentity(child.chainId),
    close: () => child.close(),
  };
}
