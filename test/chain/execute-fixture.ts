// Shared setup of the execution chain tests: the embedded chain served over JSON-RPC with the
// demo DAO seeded, the demo policy compiled, a fresh journal, and a policy context with fresh
// prices and the treasury's addresses. Helpers record a verdict, execute it with the demo agent
// key, and read balances from chain.
import { join } from 'node:path';
import type { Connection } from '@solana/web3.js';
import { createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { seedDemoDao } from '../../src/demo/seed.js';
import {
  executeAction,
  recordDecision,
  type ExecuteActionParams,
  type ExecuteOptions,
  type ExecutionOutcome,
} from '../../src/execute/index.js';
import { evaluatePolicy, type CompiledPolicy } from '../../src/policy/index.js';
import { agentKeypair, demoContext, demoPolicy } from './execute-demo-context.js';
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

/** Test timings: no sleep between retries, status polled every 20 ms, a rebroadcast after 500 ms. */
export const FAST: ExecuteOptions = { retry: { sleep: async () => {} }, confirm: { pollMs: 20, rebroadcastMs: 500, maxWaitMs: 20_000 } };

/** What a test changes about one execution; everything else is the fixture's. */
export interface ExecuteRun {
  db?: ExecuteActionParams['db'];
  connection?: Connection;
  mode?: ExecuteActionParams['mode'];
  /** The moment of the demo context (default: when the helper is called). */
  now?: number;
  options?: ExecuteOptions;
}

/**
 * Executes journalled action `id` with the demo agent key under the fixture's policy: on the
 * fixture's journal and chain, in execute mode, with the demo context of `now` and FAST timings,
 * unless the run says otherwise.
 */
export function execute(fixture: ExecFixture, id: number, run: ExecuteRun = {}): Promise<ExecutionOutcome> {
  return executeAction({
    db: run.db ?? fixture.store.db,
    connection: run.connection ?? fixture.connection,
    agentKeypair,
    policy: fixture.policy,
    action: id,
    mode: run.mode ?? 'execute',
    context: demoContext(fixture.policy, run.now ?? Date.now()),
    options: run.options ?? FAST,
  });
}
