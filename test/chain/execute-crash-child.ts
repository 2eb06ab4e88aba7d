// Child process of the crash-safety test: executes one action against the parent's embedded
// chain and journal. The parent sets STEWARD_TEST_KILL_AT so the executor SIGKILLs itself at a
// lifecycle point. Run: node --no-allocation-site-pretenuring --import tsx execute-crash-child.ts
import { createConnection } from '../../src/chain/connection.js';
import { executeAction } from '../../src/execute/index.js';
import { openStore } from '../../src/store/index.js';
import { agentKeypair, demoContext, demoPolicy } from './execute-demo-context.js';

const url = process.env['CHILD_RPC_URL'] as string;
const store = openStore(process.env['CHILD_DB'] as string);
const policy = demoPolicy();
const outcome = await executeAction({
  db: store.db,
  connection: createConnection(url, { commitment: 'confirmed' }),
  agentKeypair,
  policy,
  action: Number(process.env['CHILD_ACTION_ID']),
  mode: 'execute',
  context: demoContext(policy, Date.now()),
  options: { retry: { sleep: async () => {} }, confirm: { pollMs: 20, rebroadcastMs: 500, maxWaitMs: 20_000 } },
});
store.close();
process.stdout.write(`${JSON.stringify(outcome, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
