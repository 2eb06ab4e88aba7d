// Stored observations on a real SQLite database with the real migrations.
import { PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { StewardError } from '../../src/errors/index.js';
import type { Address } from '../../src/shared/index.js';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { tempDir } from '../helpers/tmp.js';
import { analyzeTreasury, latestObservation, ownersKey, saveObservation, type TreasurySnapshot } from '../../src/treasury/index.js';

const addr = (n: number): Address => new PublicKey(Buffer.alloc(32, n)).toBase58() as Address;

function snapshot(slot: bigint, owners: Address[], lamports: bigint): TreasurySnapshot {
  return {
    version: 1,
    slot,
    minSlot: slot,
    observedAt: '2025-01-01T00:00:00.000Z',
    chainClock: null,
    agent: null,
    oracle: { maxStalenessSeconds: 60, maxConfidenceBps: 100 },
    tokens: [{ symbol: 'SOL', mint: 'native', decimals: 9, pyth: addr(9), stable: false }],
    owners: owners.map((address) => ({ address, lamports, exists: true })),
    tokenAccounts: [],
    mints: [],
    stakeAccounts: [],
    prices: [
      {
        symbol: 'SOL',
        account: addr(9),
        component: 15_000_000_000n,
        confidenceComponent: 1n,
        exponent: -8,
        status: 'Trading',
        publishSlot: slot,
        publishTime: 1n,
        ageSeconds: 1,
        trusted: true,
        reasons: [],
      },
    ],
    allowances: [],
    problems: [],
    rpcCalls: { getMultipleAccounts: 1 },
  };
}

describe('treasury observation store', () => {
  it('saves observations and returns the latest by slot for the same owner set, in any order', () => {
    using store = openStore(':memory:');
    const owners = [addr(1), addr(2)];
    const first = snapshot(100n, owners, 10n ** 9n);
    const huge = snapshot(2n ** 60n, owners, (1n << 64n) - 1n);
    const devnet = {
      cluster: 'genesis:EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG',
      clusterName: 'devnet',
      endpoint: 'https://api.devnet.solana.com',
    };
    const idA = saveObservation(store.db, {
      snapshot: huge,
      analysis: analyzeTreasury(huge, { depegThresholdBps: 50 }),
      agent: 'treasury-guardian',
      ...devnet,
    });
    const idB = saveObservation(store.db, { snapshot: first, analysis: analyzeTreasury(first, { depegThresholdBps: 50 }), ...devnet });
    expect(idB).toBe(idA + 1);
    const latest = latestObservation(store.db, [addr(2), addr(1), addr(2)], { cluster: devnet.cluster });
    expect(latest?.id).toBe(idA);
    expect(latest?.slot).toBe(2n ** 60n);
    expect(latest?.agent).toBe('treasury-guardian');
    expect(latest?.snapshot).toEqual(huge);
    // 2 × (2^64 − 1) lamports = 36,893,488,147.41910323 SOL × $150 = $5,534,023,222,112.8654845,
    // truncated to micro-USD.
    expect(latest?.analysis.totals.trustedMicroUsd).toBe('5534023222112865484');
    expect(latest?.cluster).toBe(devnet.cluster);
    expect(latest?.clusterName).toBe('devnet');
    expect(latest?.endpoint).toBe(devnet.endpoint);
    expect(latestObservation(store.db, owners, { cluster: 'genesis:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d' })).toBeNull();
    // By endpoint: the newest row read through it (not the highest slot).
    expect(latestObservation(store.db, owners, { endpoint: devnet.endpoint })?.id).toBe(idB);
    expect(latestObservation(store.db, owners, { endpoint: 'http://127.0.0.1:8899' })).toBeNull();
    expect(latestObservation(store.db, [addr(1)], { cluster: devnet.cluster })).toBeNull();
    expect(ownersKey([addr(2), addr(1)])).toBe(`${addr(1)},${addr(2)}`);
  });

  it('gives the observation it just saved exactly as another connection reads it back from its JSON', () => {
    const path = join(tempDir('steward-observations-'), 'store.db');
    using writer = openStore(path);
    const owners = [addr(3)];
    const saved = snapshot(77n, owners, 5n * 10n ** 9n);
    const id = saveObservation(writer.db, {
      snapshot: saved,
      analysis: analyzeTreasury(saved, { depegThresholdBps: 50 }),
      cluster: 'embedded',
    });
    const remembered = latestObservation(writer.db, owners, { cluster: 'embedded' });
    using reader = openStore(path);
    const parsed = latestObservation(reader.db, owners, { cluster: 'embedded' });
    expect(remembered?.id).toBe(id);
    expect(remembered).toEqual(parsed);
    // A newer row written through the other connection is the latest for both.
    const later = snapshot(78n, owners, 6n * 10n ** 9n);
    const newer = saveObservation(reader.db, {
      snapshot: later,
      analysis: analyzeTreasury(later, { depegThresholdBps: 50 }),
      cluster: 'embedded',
    });
    expect(latestObservation(writer.db, owners, { cluster: 'embedded' })?.id).toBe(newer);
    expect(latestObservation(writer.db, owners, { cluster: 'embedded' })?.snapshot).toEqual(later);
  });

  it('names the row when a stored snapshot does not read back', () => {
    using store = openStore(':memory:');
    const good = snapshot(5n, [addr(1)], 1n);
    const id = saveObservation(store.db, {
      snapshot: good,
      analysis: analyzeTreasury(good, { depegThresholdBps: 50 }),
      cluster: 'embedded',
    });
    store.db.prepare('UPDATE treasury_observations SET snapshot = ? WHERE id = ?').run('{"version":1,"slot":"x"}', id);
    let thrown: unknown;
    try {
      latestObservation(store.db, [addr(1)], { cluster: 'embedded' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StewardError);
    expect((thrown as StewardError).code).toBe('STORE_FAILED');
    expect((thrown as StewardError).message).toContain(`treasury observation ${id}`);
    expect((thrown as StewardError).hint).toContain('DELETE FROM treasury_observations');
  });
});
