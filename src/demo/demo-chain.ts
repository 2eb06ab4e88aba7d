// The "embedded" cluster: a LiteSVM chain served on 127.0.0.1, seeded with the demo DAO, with
// the demo oracle keeping its live prices fresh. Commands that read a chain call `openCluster`
// and get a Connection either way, so the same code runs against mainnet.
// `openCluster('embedded')` runs the chain in a CHILD process (`steward localnet --demo`): the
// LiteSVM addon is not memory-safe and must not share a heap with the agent. `startDemoChain`
// runs it in-process for TESTS that need ChainWriter access (seeding, injecting); commands
// never use it.
import type { Connection } from '@solana/web3.js';
import { chainLockHolder, createConnection, describeCluster, resolveCluster, spawnEmbeddedChain, startEmbeddedChain, type EmbeddedChainChild, type RpcCounter, type RunningEmbeddedChain } from '../chain/index.js';
import type { Logger } from '../shared/index.js';
import { startDemoOracle, type DemoOracle } from './oracle.js';
import { seedDemoDao, type DemoDao } from './seed.js';

export interface DemoChain {
  running: RunningEmbeddedChain;
  dao: DemoDao;
  oracle: DemoOracle;
  close(): Promise<void>;
}

/**
 * TEST-ONLY: starts the embedded chain IN THIS PROCESS on a free port, seeds the demo DAO and
 * starts its oracle. LiteSVM then shares this process's heap (see child.ts); commands use
 * `openCluster`, which runs the chain in a child process.
 */
export async function startDemoChain(options: { port?: number; logger?: Logger; oracleIntervalMs?: number } = {}): Promise<DemoChain> {
  const running = await startEmbeddedChain({ port: options.port ?? 0, ...(options.logger ? { logger: options.logger } : {}) });
  try {
    const dao = await seedDemoDao(running.chain);
    const oracle = startDemoOracle(running.chain, {
      intervalMs: options.oracleIntervalMs ?? 2_000,
      onError: (error) => options.logger?.warn({ err: error }, 'demo oracle publication failed'),
    });
    return {
      running,
      dao,
      oracle,
      close: async () => {
        oracle.stop();
        await running.close();
      },
    };
  } catch (error) {
    await running.close();
    throw error;
  }
}

export interface OpenCluster {
  connection: Connection;
  /** Safe to print: the cluster name or URL without credentials. */
  label: string;
  /**
   * Present when the cluster is the embedded demo chain: the process serving it (our child, or
   * the process of another command already serving the same state file).
   */
  demo: Pick<EmbeddedChainChild, 'url' | 'wsUrl' | 'pid' | 'chainId'> | null;
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
}

/** Connects to the cluster named by `rpcUrl` ("embedded" spawns the demo chain in a child process). */
export async function openCluster(rpcUrl: string, options: OpenClusterOptions = {}): Promise<OpenCluster> {
  const target = resolveCluster(rpcUrl);
  const connectionOptions = options.counter ? { counter: options.counter } : {};
  if (target.kind === 'url') {
    return { connection: createConnection(target.url, connectionOptions), label: describeCluster(target), demo: null, close: async () => undefined };
  }
  const stateFile = options.stateFile ?? undefined;
  // Another command (`steward start`, a `localnet --state`) already serves this chain: use it.
  const running = stateFile ? chainLockHolder(stateFile) : null;
  if (running) {
    return {
      connection: createConnection(running.url, { ...connectionOptions, wsUrl: running.wsUrl }),
      label: `${describeCluster(target)} ${running.chainId}, served by process ${running.pid} at ${running.url}`,
      demo: running,
      close: async () => undefined,
    };
  }
  options.progress?.(stateFile ? `starting the embedded chain (state ${stateFile})…` : 'starting a fresh embedded chain…');
  const started = Date.now();
  const child = await spawnEmbeddedChain({ demo: true, ...(stateFile ? { stateFile } : {}), ...(options.logger ? { logger: options.logger } : {}) });
  options.progress?.(`embedded chain ${child.chainId} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    connection: createConnection(child.url, { ...connectionOptions, wsUrl: child.wsUrl }),
    label: `${describeCluster(target)} ${child.chainId} at ${child.url} (pid ${child.pid})`,
    demo: child,
    close: () => child.close(),
  };
}
