// Issue #26 for reviews: a proposal's simulated balance changes are measured against a
// pre-state of the same moment. A payment into the treasury lands between the pre-state read
// and the simulation (RPC proxy); the proposal's 5,000 USDC outflow still shows in full, with
// the slots it was measured at, and a treasury that keeps moving is reported, not guessed.
import { createTransferInstruction } from '@solana/spl-token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { DEMO, seedDemoDao } from '../../src/demo/index.js';
import { indexTreasury, simulateProposal, type TreasuryIndex } from '../../src/governance/index.js';
import { startInflowProxy, type InflowProxy } from './treasury-inflow.js';
import { priceFromDecimal } from '../../src/shared/index.js';

let running: RunningEmbeddedChain;
let proxy: InflowProxy;
let treasury: TreasuryIndex;
const usdc = (whole: bigint) => whole * 1_000_000n;
// The routine grant's shape: the native treasury pays the grantee 5,000 USDC.
const grant = createTransferInstruction(DEMO.treasuryTokenAccounts.USDC, DEMO.granteeUsdcAccount, DEMO.nativeTreasury, usdc(5_000n));

beforeAll(async () => {
  running = await startEmbeddedChain({ port: 0 });
  await seedDemoDao(running.chain);
  proxy = await startInflowProxy(running.chain, running.url);
  treasury = indexTreasury({
    owners: [DEMO.nativeTreasury.toBase58(), DEMO.governance.toBase58()],
    tokens: [{ mint: DEMO.mints.USDC.toBase58(), symbol: 'USDC', decimals: 6, price: priceFromDecimal('1', '0', 0) }],
    tokenAccounts: [
      {
        address: DEMO.treasuryTokenAccounts.USDC.toBase58(),
        mint: DEMO.mints.USDC.toBase58(),
        owner: DEMO.nativeTreasury.toBase58(),
        amount: 0n,
      },
    ],
    solPrice: priceFromDecimal('150', '0', 0),
    totalUsdMicros: null,
    knownDestinations: [],
  });
});
afterAll(async () => {
  await proxy?.close();
  await running?.close();
});

describe('proposal simulation from one moment (#26)', () => {
  it('a payment landing before the simulation does not shrink the proposal outflow; the report carries the slots', async () => {
    proxy.queue.splice(0, proxy.queue.length, usdc(50_000n));
    const report = await simulateProposal(createConnection(proxy.url), { instructions: [grant], treasury });
    expect(proxy.queue).toEqual([]);
    if (report.status !== 'simulated') throw new Error(JSON.stringify(report));
    expect(report.ok).toBe(true);
    const change = report.changes.find((c) => c.address === DEMO.treasuryTokenAccounts.USDC.toBase58());
    expect(change).toMatchObject({ treasury: true, tokenDelta: -usdc(5_000n) });
    expect(report.rounds).toBe(2);
    expect(report.slots.simulation).toBeGreaterThanOrEqual(report.slots.pre);
    expect(report.slots.recheck).toBeGreaterThanOrEqual(report.slots.simulation);
  });

  it('a treasury that moves in every round is reported as not measurable, with the account and slots', async () => {
    proxy.queue.splice(0, proxy.queue.length, usdc(1n), usdc(2n), usdc(3n));
    const report = await simulateProposal(createConnection(proxy.url), { instructions: [grant], treasury });
    expect(report.status).toBe('not-simulated');
    if (report.status !== 'not-simulated') return;
    expect(report.reason).toContain(
      `treasury account(s) ${DEMO.treasuryTokenAccounts.USDC.toBase58()} changed between the reads around the simulation in each of 3 rounds`,
    );
  });
});
