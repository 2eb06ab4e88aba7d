// The "embedded" cluster: a LiteSVM chain served on 127.0.0.1, seeded with the demo DAO, with
// the demo oracle keeping its live prices fresh. Commands that read a chain call `openCluster`
// and get a Connection either way, so the same code runs against mainnet.
// `openCluster('embedded')` runs the chain in a CHILD process (`steward localnet --demo`): the
// LiteSVM addon is not memory-safe and must not share a heap with the agent. `startDemoChain`
// runs it in-process for TESTS that need ChainWriter access (seeding, injecting); commands
// never use it.
import type { Connection } from '@solana/web3.js';
import { createConnection, describeCluster, resolveCluster, spawnEmbeddedChain, startEmbeddedChain, type EmbeddedChainChild, type RpcCounter, type RunningEmbeddedChain } from '../chain/index.js';
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
  /** Present when the cluster is the embedded demo chain: the child process serving it. */
  demo: EmbeddedChainChild | null;
  close(): Promise<void>;
}

/** Connects to the cluster named by `rpcUrl` ("embedded" spawns the demo chain in a child process). */
export async function openCluster(rpcUrl: string, options: { counter?: RpcCounter; logger?: Logger } = {}): Promise<OpenCluster> {
  const target = resolveCluster(rpcUrl);
  const connectionOptions = options.counter ? { counter: options.counter } : {};
  if (target.kind === 'url') {
    return { connection: createConnection(target.url, connectionOptions), label: describeCluster(target), demo: null, close: async () => undefined };
  }
  const child = await spawnEmbeddedChain({ demo: true, ...(options.logger ? { logger: options.logger } : {}) });
  return {
    connection: createConnection(child.url, { ...connectionOptions, wsUrl: child.wsUrl }),
    label: `${describeCluster(target)} at ${child.url} (pid ${child.pid})`,
    demo: child,
    close: () => child.close(),
  };
}
