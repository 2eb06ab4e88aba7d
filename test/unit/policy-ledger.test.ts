import { describe, expect, it } from 'vitest';
import { isStewardError } from '../../src/errors/index.js';
import { createSpendLedger, evaluatePolicy, ledgerColumns } from '../../src/policy/index.js';
import { isPaused, pauseState, setPaused } from '../../src/store/index.js';
import { readSpendWindows } from '../../src/execute/index.js';
import { openStore, setSetting, type Db } from '../../src/store/index.js';
import { NOW, context, policy, transfer, usdc } from './policy-fixtures.js';

const compiled = policy();
const HOUR = 3_600_000;

function insert(
  db: Db,
  row: { state: string; kind?: string; token?: string; amount?: string; usd?: string | null; at: number; policy?: string },
): void {
  db.prepare(
    `INSERT INTO actions (agent, policy, kind, token, amount, usd, payload, verdict, state, created_at, updated_at)
     VALUES ('guardian', ?, ?, ?, ?, ?, '{}', 'allow', ?, ?, ?)`,
  ).run(
    row.policy ?? 'test',
    row.kind ?? 'transfer',
    row.token ?? 'USDC',
    row.amount ?? null,
    row.usd === undefined ? null : row.usd,
    row.state,
    new Date(row.at).toISOString(),
    new Date(row.at).toISOString(),
  );
}

describe('readSpendWindows (real migrations, :memory:)', () => {
  it('counts executed and in-flight outflows of this policy inside each window, nothing else', () => {
    using store = openStore(':memory:');
    const db = store.db;
    insert(db, { state: 'confirmed', amount: '1000000000', usd: '1000', at: NOW - HOUR });
    insert(db, { state: 'sent', amount: '2000000000', usd: '2000', at: NOW - 2 * HOUR });
    insert(db, { state: 'approved', kind: 'swap', token: 'SOL', amount: '1000000000', usd: null, at: NOW - 3 * HOUR });
    insert(db, { state: 'confirmed', amount: '4000000000', usd: '4000', at: NOW - 3 * 86_400_000 }); // 7d only
    insert(db, { state: 'denied', amount: '9000000000', usd: '9000', at: NOW - HOUR });
    insert(db, { state: 'failed', amount: '9000000000', usd: '9000', at: NOW - HOUR });
    insert(db, { state: 'pending-approval', amount: '9000000000', usd: '9000', at: NOW - HOUR });
    insert(db, { state: 'confirmed', amount: '9000000000', usd: '9000', at: NOW - HOUR, policy: 'other' });
    insert(db, { state: 'confirmed', kind: 'unstake', token: 'SOL', amount: '9000000000', at: NOW - HOUR });
    insert(db, { state: 'confirmed', amount: '9000000000', usd: '9000', at: NOW - 8 * 86_400_000 });

    const windows = readSpendWindows(db, 'test', compiled, NOW);
    expect(windows['24h']).toEqual({
      tokens: { USDC: 3_000_000_000n, SOL: 1_000_000_000n },
      usd: usdc(3_000),
      unpriced: { SOL: 1_000_000_000n },
    });
    expect(windows['7d']).toEqual({
      tokens: { USDC: 7_000_000_000n, SOL: 1_000_000_000n },
      usd: usdc(7_000),
      unpriced: { SOL: 1_000_000_000n },
    });
    // 3,000 + 150 (the unpriced SOL at today's price) + 6,851 > 10,000
    const verdict = evaluatePolicy(compiled, transfer('3425.5', 'Ho1yus2GaWLuCj1muyXfE8LZAZEzN9AsvQ8BCgF293et', 'JUP'), {
      ...context(compiled),
      spent: windows,
    });
    expect(verdict.kind).toBe('deny');
  });

  it('round-trips what ledgerColumns records', () => {
    using store = openStore(':memory:');
    const verdict = evaluatePolicy(compiled, transfer('1234.5'), context(compiled));
    const columns = ledgerColumns(verdict.action!);
    insert(store.db, { state: 'confirmed', amount: columns.amount!, usd: columns.usd, at: NOW - 1000 });
    expect(readSpendWindows(store.db, 'test', compiled, NOW)['24h']?.usd).toBe(usdc(1234) + 500_000n);
  });

  it('refuses an unreadable row instead of under-counting', () => {
    using store = openStore(':memory:');
    insert(store.db, { state: 'confirmed', amount: '12.5', usd: '1', at: NOW - 1000 });
    let error: unknown;
    try {
      readSpendWindows(store.db, 'test', compiled, NOW);
    } catch (thrown) {
      error = thrown;
    }
    expect(isStewardError(error) && error.code).toBe('POLICY_FAILED');
    expect(isStewardError(error) && error.hint).toMatch(/base units/);
  });
});

describe('createSpendLedger', () => {
  it('gives the same windows whether entries arrive in order or not', () => {
    const entries = [5, 1, 30, 2, 26, 0.5].map((hours, index) => ({
      at: NOW - hours * HOUR,
      token: index % 2 ? 'USDC' : 'SOL',
      amount: BigInt(index + 1),
      usd: index === 3 ? undefined : BigInt(index * 10),
    }));
    const once = createSpendLedger(entries).windows(compiled, NOW);
    const appended = createSpendLedger();
    for (const entry of entries) appended.append(entry);
    expect(appended.windows(compiled, NOW)).toEqual(once);
    // 30h and 26h are outside the 24h window; the entry at index 3 has no USD value.
    expect(once['24h']).toEqual({ tokens: { SOL: 1n, USDC: 2n + 4n + 6n }, usd: 0n + 10n + 50n, unpriced: { USDC: 4n } });
    expect(once['7d']?.tokens).toEqual({ SOL: 1n + 3n + 5n, USDC: 12n });
  });

  it('counts an entry exactly at the window start as outside, and future entries as inside', () => {
    const ledger = createSpendLedger([
      { at: NOW - 24 * HOUR, token: 'USDC', amount: 1n, usd: 1n },
      { at: NOW + HOUR, token: 'USDC', amount: 2n, usd: 2n },
    ]);
    expect(ledger.windows(compiled, NOW)['24h']?.tokens).toEqual({ USDC: 2n });
  });
});

describe('pause flag', () => {
  it('is off by default, set and lifted with a reason, and stays on when damaged', () => {
    using store = openStore(':memory:');
    expect(isPaused(store.db)).toBe(false);
    setPaused(store.db, true, 'incident 42', new Date(NOW));
    expect(pauseState(store.db)).toEqual({ paused: true, reason: 'incident 42', since: new Date(NOW).toISOString() });
    setPaused(store.db, false);
    expect(isPaused(store.db)).toBe(false);
    setSetting(store.db, 'paused', 'not json');
    expect(isPaused(store.db)).toBe(true);
  });
});
