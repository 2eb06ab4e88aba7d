// Crash safety: the executor runs in a child process and is SIGKILLed at each lifecycle point
// (after build, after sign-and-record, after send, before the confirm record). The chain lives
// in this process and outlives the child. After each kill, recovery runs here, then the action
// is executed again if the journal allows it; exactly one transfer must have landed and the
// journal must match the chain. Odd runs also expire the blockhash before recovering, so the
// "expired → new attempt" path is exercised.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/demo/addresses.js';
import { attemptsOf, readAction, recoverPending } from '../../src/execute/index.js';
import { killPoints } from '../../src/execute/test-hooks.js';
import { execute, propose, startFixture, tokenBalance, usdc, type ExecFixture } from './execute-fixture.js';

const RUNS_PER_POINT = 2;
let f: ExecFixture;
const fast = { retry: { sleep: async () => {} }, confirm: { pollMs: 20, rebroadcastMs: 300, maxWaitMs: 20_000 } };

beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f?.close();
});

function runChild(
  actionId: number,
  killAt: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--no-allocation-site-pretenuring', '--import', 'tsx', join(import.meta.dirname, 'execute-crash-child.ts')],
      {
        env: {
          ...process.env,
          STEWARD_TEST_HOOKS: '1',
          STEWARD_TEST_KILL_AT: killAt,
          CHILD_RPC_URL: f.running.url,
          CHILD_DB: f.dbPath,
          CHILD_ACTION_ID: String(actionId),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('crash safety: SIGKILL at every lifecycle point', () => {
  const results: { point: string; run: number; landed: number }[] = [];

  for (const point of killPoints) {
    for (let run = 0; run < RUNS_PER_POINT; run++) {
      it(`killed ${point} (run ${run + 1}${run % 2 === 1 ? ', blockhash expired before recovery' : ''}): exactly one transfer lands`, async () => {
        const amount = 7 + results.length;
        const before = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
        const { id, verdict } = propose(f, { kind: 'transfer', token: 'USDC', amount: String(amount), to: DEMO.grantee.toBase58() });
        expect(verdict).toBe('allow');
        const child = await runChild(id, point);
        expect(child.signal, child.stderr).toBe('SIGKILL');

        if (run % 2 === 1) f.running.chain.advanceSlots(f.running.chain.blockhashValiditySlots + 5n);
        await recoverPending(f.store.db, f.connection, fast);
        const state = readAction(f.store.db, id).state;
        if (point === 'after-build') {
          // Killed before signing: the action is closed as abandoned (documented choice), never
          // executed later, and nothing moved.
          expect(state).toBe('abandoned');
          expect(attemptsOf(f.store.db, id)).toEqual([]);
          expect(await tokenBalance(f.connection, DEMO.granteeUsdcAccount)).toBe(before);
          results.push({ point, run, landed: 0 });
          return;
        }
        if (state !== 'confirmed') {
          const outcome = await execute(f, id, { options: fast });
          expect(outcome.status).toBe('confirmed');
        }
        const delta = (await tokenBalance(f.connection, DEMO.granteeUsdcAccount)) - before;
        const landed = Number(delta / usdc(amount));
        results.push({ point, run, landed });
        expect(delta).toBe(usdc(amount));

        // The journal matches the chain: one confirmed attempt whose signature the chain knows;
        // every other attempt expired and unknown to the chain.
        const attempts = attemptsOf(f.store.db, id);
        expect(attempts.filter((a) => a.state === 'confirmed')).toHaveLength(1);
        for (const attempt of attempts) {
          const status = (await f.connection.getSignatureStatuses([attempt.signature], { searchTransactionHistory: true })).value[0];
          if (attempt.state === 'confirmed') expect(status?.err).toBeNull();
          else {
            expect(attempt.state).toBe('expired');
            expect(status).toBeNull();
          }
        }
        expect(readAction(f.store.db, id).state).toBe('confirmed');
      }, 60_000);
    }
  }

  it('reports kill points × runs and duplicates', () => {
    const duplicates = results.filter((r) => r.landed > 1).length;
    const abandoned = results.filter((r) => r.point === 'after-build').length;
    console.log(
      `crash safety: ${killPoints.length} kill points × ${RUNS_PER_POINT} runs = ${results.length} runs, duplicates ${duplicates}, abandoned before signing ${abandoned}, lost ${results.filter((r) => r.landed === 0).length - abandoned}`,
    );
    expect(results).toHaveLength(killPoints.length * RUNS_PER_POINT);
    expect(duplicates).toBe(0);
    expect(results.filter((r) => r.point !== 'after-build' && r.landed === 0)).toEqual([]);
  });
});
