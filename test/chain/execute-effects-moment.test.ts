// Issue #26: the effects check compares balances from one moment. An RPC proxy between the
// executor and the embedded chain lands a real payment INTO the treasury's USDC account right
// before forwarding simulateTransaction, i.e. after the executor read the pre-state, while the
// simulated transaction takes USDC out. Reading the pre-state once (the old way) showed a net
// inflow and the outflow vanished; now the outflow is measured in full or the action is
// refused, and the journal records the slots the effects came from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulateTransactionConfig, VersionedTransaction } from '@solana/web3.js';
import { createConnection, transportOf } from '../../src/chain/connection.js';
import { TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { DEMO } from '../../src/demo/addresses.js';
import { attemptsOf, effectChecksOf, readAction } from '../../src/execute/index.js';
import { execute, propose, startFixture, tokenBalance, usdc, type ExecFixture } from './execute-fixture.js';
import { startInflowProxy, type InflowProxy } from './treasury-inflow.js';

let f: ExecFixture;
let proxy: InflowProxy;
const treasuryUsdc = DEMO.treasuryTokenAccounts.USDC;
/** Queues payments to land before the next simulateTransaction requests (one per request). */
const inflowsBeforeSimulation = (...amounts: bigint[]) => proxy.queue.splice(0, proxy.queue.length, ...amounts);

beforeAll(async () => {
  f = await startFixture();
  proxy = await startInflowProxy(f.running.chain, f.running.url);
});
afterAll(async () => {
  await proxy?.close();
  await f?.close();
});

const run = (id: number, mode: 'dry-run' | 'execute') =>
  execute(f, id, { connection: createConnection(proxy.url, { commitment: 'confirmed' }), mode });

describe('effects from one moment (#26)', () => {
  it('a 50,000 USDC payment landing between the pre-state read and the simulation does not hide a 1,500 USDC outflow', async () => {
    const before = await tokenBalance(f.connection, treasuryUsdc);
    const { id, verdict } = propose(f, { kind: 'transfer', token: 'USDC', amount: '1500', to: DEMO.grantee.toBase58() });
    expect(verdict).toBe('allow');
    inflowsBeforeSimulation(usdc(50_000));
    const outcome = await run(id, 'dry-run');
    expect(proxy.queue).toEqual([]); // the payment did land mid-check
    expect(outcome.status).toBe('dry-run');
    if (outcome.status !== 'dry-run') return;
    const treasury = outcome.effects.tokenAccounts.find((a) => a.address === treasuryUsdc.toBase58());
    expect(treasury && treasury.pre - treasury.post).toBe(usdc(1500));
    expect(treasury?.pre).toBe(before + usdc(50_000));
    // The journal: the first round saw the treasury move and was discarded; the second measured.
    const [check, ...more] = effectChecksOf(f.store.db, id);
    expect(more).toEqual([]);
    expect(check).toMatchObject({ mode: 'dry-run', outcome: 'passed', rounds: 2 });
    expect(check!.pre_slot).toBeGreaterThan(0);
    expect(check!.simulation_slot).toBeGreaterThanOrEqual(check!.pre_slot);
    expect(check!.recheck_slot).toBeGreaterThanOrEqual(check!.simulation_slot);
    const recorded = JSON.parse(check!.effects ?? '{}') as { tokenAccounts: { address: string; pre: string; post: string }[] };
    const row = recorded.tokenAccounts.find((a) => a.address === treasuryUsdc.toBase58());
    expect(BigInt(row!.pre) - BigInt(row!.post)).toBe(usdc(1500));
  });

  it('lands the transfer exactly once after an inflow during its check, and the treasury ends where the two movements put it', async () => {
    const before = await tokenBalance(f.connection, treasuryUsdc);
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '700', to: DEMO.grantee.toBase58() });
    inflowsBeforeSimulation(usdc(20_000));
    const outcome = await run(id, 'execute');
    expect(outcome.status).toBe('confirmed');
    expect(await tokenBalance(f.connection, treasuryUsdc)).toBe(before + usdc(20_000) - usdc(700));
    expect(attemptsOf(f.store.db, id).map((a) => a.state)).toEqual(['confirmed']);
    expect(effectChecksOf(f.store.db, id)).toMatchObject([{ mode: 'execute', outcome: 'passed', rounds: 2 }]);
  });

  it('refuses, signing nothing, when payments keep landing during every round', async () => {
    const before = await tokenBalance(f.connection, treasuryUsdc);
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '900', to: DEMO.grantee.toBase58() });
    inflowsBeforeSimulation(usdc(30_000), usdc(30_001), usdc(30_002));
    const outcome = await run(id, 'execute');
    expect(outcome).toMatchObject({ status: 'refused', stage: 'simulation' });
    if (outcome.status !== 'refused') return;
    expect(outcome.reason).toContain(
      `treasury account ${treasuryUsdc.toBase58()} changed between the reads around the simulation in each of 3 rounds`,
    );
    expect(attemptsOf(f.store.db, id)).toEqual([]);
    expect(readAction(f.store.db, id).state).toBe('effects-refused');
    expect(await tokenBalance(f.connection, treasuryUsdc)).toBe(before + usdc(90_003));
    const [check] = effectChecksOf(f.store.db, id);
    expect(check).toMatchObject({ outcome: 'unstable', rounds: 3, effects: null });
    expect(check!.detail).toContain(treasuryUsdc.toBase58());
  });
});

describe('accounts read around the simulation (#18)', () => {
  it('are the accounts the transfer may write: no program and no read-only mint is fetched', async () => {
    const asked: { method: string; addresses: string[] }[] = [];
    const watched = createConnection(f.running.url, { commitment: 'confirmed' });
    // The executor reads accounts through the connection's transport and simulates through web3.js.
    const transport = transportOf(watched);
    const call = transport.call.bind(transport);
    transport.call = (method, params) => {
      if (method === 'getMultipleAccounts') asked.push({ method: 'read', addresses: params[0] as string[] });
      return call(method, params);
    };
    const simulate = watched.simulateTransaction.bind(watched);
    watched.simulateTransaction = ((tx: VersionedTransaction, config?: SimulateTransactionConfig) => {
      asked.push({ method: 'simulate', addresses: config?.accounts?.addresses ?? [] });
      return simulate(tx, config);
    }) as typeof watched.simulateTransaction;
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '3', to: DEMO.grantee.toBase58() });
    const outcome = await execute(f, id, { connection: watched, mode: 'dry-run' });
    expect(outcome.status).toBe('dry-run');
    const simulation = asked.findIndex((a) => a.method === 'simulate');
    expect(simulation).toBeGreaterThan(0);
    const simulated = asked[simulation]!.addresses;
    // Fee payer, the treasury's USDC account and the grantee's: what a transferChecked writes.
    expect(simulated).toContain(treasuryUsdc.toBase58());
    expect(simulated).toHaveLength(3);
    for (const readOnly of [TOKEN_PROGRAM_ID.toBase58(), DEMO.mints.USDC.toBase58()]) expect(simulated).not.toContain(readOnly);
    // The reads just before and after the simulation ask for the same accounts.
    expect(asked[simulation - 1]).toEqual({ method: 'read', addresses: simulated });
    expect(asked[simulation + 1]).toEqual({ method: 'read', addresses: simulated });
  });
});
