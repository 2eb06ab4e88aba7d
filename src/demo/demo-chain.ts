// The demo chain IN THIS PROCESS, for tests that need ChainWriter access (seeding, injecting):
// a LiteSVM chain served on 127.0.0.1, seeded with the demo DAO, with the demo oracle keeping its
// prices fresh. Commands never use it: `openCluster('embedded')` (src/chain/open-cluster.ts) runs
// the chain in a CHILD process (`steward localnet --demo`), because the LiteSVM addon is not
// memory-safe and must not share a heap with the agent.
import { startEmbeddedChain, type RunningEmbeddedChain } from '../chain/index.js';
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
