// Shared setup of the execution chain tests: the embedded chain served over JSON-RPC with the
// demo DAO seeded, the demo policy compiled, a fresh journal, and a policy context with fresh
// prices and the treasury's addresses. Helpers record a verdict and read balances from chain.
import { join } from 'node:path';
import type { Connection } from '@solana/web3.js';
import { createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { seedDemoDao } from '../../src/demo/seed.js';
import { recordDecision } from '../../src/execute/index.js';
import { evaluatePolicy, type CompiledPolicy } from '../../src/policy/index.js';
import { demoContext, demoPolicy } from './execute-demo-context.js';
import { openStore, type Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/tmp.js';

export { agentKeypair, demoContext, demoPolicy, treasuryAddresses } from './execute-demo-context.js';

export interface ExecFixture {
  running: RunningEmbeddedChain;
  connection: Connection;
  store: Store;
  policy: CompiledPolicy;
  dbPath: string;
  close(): Promise<void>;
}

export async function startFixture(options: { slotMs?: number } = {}): Promise<ExecFixture> {
  const running = await startEmbeddedChain({ port: 0, ...(options.slotMs ? { slotMs: options.slotMs } : {}) });
  await seedDemoDao(running.chain);
  const dbPath = join(tempDir('steward-exec-'), 'steward.db');
  const store = openStore(dbPath);
  return {
    running,
    connection: createConnection(running.url, { commitment: 'confirmed' }),
    store,
    policy: demoPolicy(),
    dbPath,
    close: async () => {
      store.close();
      await running.close();
    },
  };
}

/** Judges `payload` with the demo policy and journals the verdict; returns the action id. */
export function propose(
  fixture: ExecFixture,
  payload: unknown,
  now = Date.now(),
  context = demoContext(fixture.policy, now),
): { id: number; verdict: string } {
  const verdict = evaluatePolicy(fixture.policy, payload, context);
  const id = recordDecision({
    db: fixture.store.db,
    policy: fixture.policy,
    agent: 'treasury-guardian',
    payload,
    verdict,
    now: new Date(now),
  });
  return { id, verdict: verdict.kind };
}

export async function tokenBalance(connection: Connection, account: { toBase58(): string }): Promise<bigint> {
  const info = await connection.getTokenAccountBalance(account as never, 'confirmed');
  return BigInt(info.value.amount);
}

export const usdc = (whole: number) => BigInt(whole) * 1_000_000n;
