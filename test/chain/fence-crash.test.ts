// Crash leftovers, in real processes: `steward run` processes on one database and one chain
// (`steward localnet --demo`) are SIGKILLed at random — half of them at a random executor
// lifecycle point (STEWARD_TEST_KILL_AT), half after a random delay — then ONE command
// (`steward run`, whose model now proposes nothing) opens the store. After it: no run stays
// running, every action is final or clearly flagged (unknown), no transfer landed twice or
// without its journal entry, and the window figures match the chain.
//
// STEWARD_CRASH_RUNS sets how many processes are killed (default 6; the closing figures used ≥ 30),
// STEWARD_CRASH_PARALLEL how many run at once (default 3).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/demo/index.js';
import { killPoints } from '../../src/execute/test-hooks.js';
import { compilePolicy } from '../../src/policy/index.js';
import { readSpendWindows } from '../../src/execute/index.js';
import { loadConfig } from '../../src/config/index.js';
import { openStore } from '../../src/store/index.js';
import { stewardProcess, type StewardExit } from '../helpers/steward-process.js';
import { tempDir } from '../helpers/tmp.js';
import { AGENT, startFenceFixture, transfers, usdcBalance, type FenceFixture } from './fence-fixture.js';

const RUNS = Number(process.env['STEWARD_CRASH_RUNS'] ?? 6);
const PARALLEL = Math.max(1, Number(process.env['STEWARD_CRASH_PARALLEL'] ?? 3));
const FINAL = new Set(['confirmed', 'failed', 'expired', 'denied', 'abandoned', 'effects-refused']);

let f: FenceFixture;

beforeAll(async () => {
  f = await startFenceFixture();
}, 300_000);
afterAll(async () => {
  await f?.close();
});

describe(`crash leftovers: ${RUNS} steward runs killed at random, then one command`, () => {
  it('nothing stays running, every action is final or flagged, no duplicate transfer, windows match the chain', async () => {
    const config = f.config({ windowUsdc: '1000000', reserveUsdc: '0', maxActions: 2 });
    const db = join(tempDir('steward-crash-'), 'steward.db');
    const before = await usdcBalance(f.connection, DEMO.granteeUsdcAccount);
    f.model.answer(transfers(2, '100'));
    const exits: (StewardExit & { how: string })[] = [];
    for (let started = 0; started < RUNS; started += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, RUNS - started) }, (_, i) => {
        const n = started + i;
        if (n % 2 === 0) {
          const point = killPoints[Math.floor(Math.random() * killPoints.length)] as string;
          return stewardProcess(['--config', config, '--db', db, 'run', AGENT], {
            env: { ...f.env(), STEWARD_TEST_HOOKS: '1', STEWARD_TEST_KILL_AT: point },
          }).then((exit) => ({ ...exit, how: `at ${point}` }));
        }
        const delay = 3_000 + Math.floor(Math.random() * 30_000);
        return stewardProcess(['--config', config, '--db', db, 'run', AGENT], { env: f.env(), killAfterMs: delay }).then((exit) => ({
          ...exit,
          how: `after ${delay} ms`,
        }));
      });
      exits.push(...(await Promise.all(batch)));
    }
    const killed = exits.filter((exit) => exit.signal === 'SIGKILL').length;

    // The one command: opens the store (closes dead processes' leftovers), settles signed
    // transactions against the chain, and runs the agent, which now proposes nothing.
    f.model.answer({ assessment: 'Nothing to do.', actions: [{ kind: 'none', reason: 'after the crash' }] });
    const after = await stewardProcess(['--config', config, '--db', db, 'run', AGENT], { env: f.env() });
    expect(after.code, after.stderr).toBe(0);

    using store = openStore(db);
    const running = store.db.prepare("SELECT id FROM runs WHERE status = 'running'").pluck().all();
    expect(running, 'no run stays running').toEqual([]);
    const actions = store.db.prepare("SELECT id, state, amount FROM actions WHERE kind = 'transfer'").all() as {
      id: number;
      state: string;
      amount: string;
    }[];
    const open = actions.filter((action) => !FINAL.has(action.state) && action.state !== 'unknown');
    expect(open, 'every action final or flagged').toEqual([]);
    // No duplicates: one confirmed attempt per confirmed action, and the chain got exactly the confirmed sum.
    const confirmedAttempts = store.db
      .prepare("SELECT action_id, COUNT(*) AS n FROM transactions WHERE state = 'confirmed' GROUP BY action_id")
      .all() as { action_id: number; n: number }[];
    expect(confirmedAttempts.filter((row) => row.n > 1)).toEqual([]);
    const confirmed = actions.filter((action) => action.state === 'confirmed').reduce((sum, action) => sum + BigInt(action.amount), 0n);
    const unknown = actions.filter((action) => action.state === 'unknown').reduce((sum, action) => sum + BigInt(action.amount), 0n);
    const landed = (await usdcBalance(f.connection, DEMO.granteeUsdcAccount)) - before;
    expect(landed, 'chain = journal (no duplicate, no unjournalled transfer)').toBeGreaterThanOrEqual(confirmed);
    expect(landed).toBeLessThanOrEqual(confirmed + unknown);
    // The window figure is what landed (plus what is flagged unknown, which counts as spent).
    const policy = compilePolicy(loadConfig(config).policies[0]!.config);
    expect(readSpendWindows(store.db, policy.name, policy, Date.now())['24h']?.tokens['USDC'] ?? 0n).toBe(confirmed + unknown);
    const states = actions.reduce<Record<string, number>>((out, action) => ({ ...out, [action.state]: (out[action.state] ?? 0) + 1 }), {});
    console.log(
      `crash leftovers: ${exits.length} runs, ${killed} SIGKILLed (${exits.map((exit) => exit.how).join(', ')}); actions ${JSON.stringify(states)}; landed ${landed / 1_000_000n} USDC = journal ${confirmed / 1_000_000n} confirmed + ${unknown / 1_000_000n} unknown; duplicates 0`,
    );
  }, 1_800_000);
});
