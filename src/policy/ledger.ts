// The spend ledger: what rolling windows count. Entries come from the store's `actions` table
// (rows in a spending state: approved, in flight or confirmed) and are kept sorted by time with
// running totals, so the spend inside any window is two binary searches, not a scan: a run can
// re-read its windows before every verdict and append each allowed action as it goes.
//
// What counts: transfers (treasury-internal ones too: the ledger cannot be talked into trusting
// a destination label), swaps (the sold side at full value: all of it is exposed to the route)
// and stakes. Unstakes, votes and `none` move nothing out and count for nothing.
//
// This file and pause-flag.ts are the only parts of src/policy that touch the database;
// evaluatePolicy only sees the figures they produce.
import { StewardError } from '../errors/index.js';
import { parseAmount } from '../shared/amount.js';
import type { Db } from '../store/store.js';
import { spendingStates } from '../store/action-states.js';
import { outflowKinds } from './actions.js';
import type { CompiledPolicy } from './compile-policy.js';
import type { SpendWindows, WindowSpend } from './context.js';
import { USD_DECIMALS } from './price.js';

export interface LedgerEntry {
  /** Unix milliseconds (the action's created_at). */
  at: number;
  /** Token symbol. */
  token: string;
  /** Base units. */
  amount: bigint;
  /** Micro-USD, undefined when no trusted price existed. */
  usd: bigint | undefined;
}

export interface SpendLedger {
  readonly size: number;
  /** Adds an entry (in time order is O(symbols); out of order rebuilds the totals). */
  append(entry: LedgerEntry): void;
  /** Spend in every window of `policy` at `now`: entries with `at > now - window` (later ones included). */
  windows(policy: CompiledPolicy, now: number): SpendWindows;
}

export function createSpendLedger(entries: Iterable<LedgerEntry> = []): SpendLedger {
  const sorted = [...entries].sort((a, b) => a.at - b.at);
  const times: number[] = [];
  // Running totals: index i holds the sum of entries [0, i).
  let usd: bigint[] = [0n];
  const tokens = new Map<string, bigint[]>();
  const unpriced = new Map<string, bigint[]>();

  const series = (map: Map<string, bigint[]>, symbol: string): bigint[] => {
    let values = map.get(symbol);
    if (!values) {
      values = new Array<bigint>(times.length + 1).fill(0n);
      map.set(symbol, values);
    }
    return values;
  };
  const push = (entry: LedgerEntry): void => {
    const n = times.length;
    series(tokens, entry.token);
    if (entry.usd === undefined) series(unpriced, entry.token);
    times.push(entry.at);
    usd.push((usd[n] as bigint) + (entry.usd ?? 0n));
    for (const [symbol, values] of tokens) values.push((values[n] as bigint) + (symbol === entry.token ? entry.amount : 0n));
    for (const [symbol, values] of unpriced) values.push((values[n] as bigint) + (symbol === entry.token && entry.usd === undefined ? entry.amount : 0n));
  };
  const rebuild = (): void => {
    times.length = 0;
    usd = [0n];
    tokens.clear();
    unpriced.clear();
    for (const entry of sorted) push(entry);
  };
  rebuild();

  /** Index of the first entry with at > start. */
  const firstAfter = (start: number): number => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((times[mid] as number) > start) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const sumSince = (map: Map<string, bigint[]>, from: number): Record<string, bigint> => {
    const out: Record<string, bigint> = {};
    const end = times.length;
    for (const [symbol, values] of map) {
      const value = (values[end] as bigint) - (values[from] as bigint);
      if (value !== 0n) out[symbol] = value;
    }
    return out;
  };

  return {
    get size() {
      return times.length;
    },
    append(entry) {
      const last = sorted.at(-1);
      sorted.push(entry);
      if (!last || entry.at >= last.at) push(entry);
      else {
        sorted.sort((a, b) => a.at - b.at);
        rebuild();
      }
    },
    windows(policy, now) {
      const out: Record<string, WindowSpend> = {};
      for (const window of policy.windows) {
        const from = firstAfter(now - window.ms);
        out[window.label] = {
          tokens: sumSince(tokens, from),
          usd: (usd[times.length] as bigint) - (usd[from] as bigint),
          unpriced: sumSince(unpriced, from),
        };
      }
      return out;
    },
  };
}

interface ActionRow {
  id: number;
  token: string;
  amount: string;
  usd: string | null;
  created_at: string;
}

/** Ledger entries of `policyName` created after `since` (unix ms), from actions in a spending state. */
export function loadLedgerEntries(db: Db, policyName: string, since: number): LedgerEntry[] {
  const states = spendingStates.map(() => '?').join(', ');
  const kinds = outflowKinds.map(() => '?').join(', ');
  const rows = db
    .prepare(
      `SELECT id, token, amount, usd, created_at FROM actions
       WHERE policy = ? AND state IN (${states}) AND kind IN (${kinds}) AND created_at > ? AND amount IS NOT NULL AND token IS NOT NULL
       ORDER BY created_at`,
    )
    .all(policyName, ...spendingStates, ...outflowKinds, new Date(since).toISOString()) as ActionRow[];
  return rows.map((row) => {
    const at = Date.parse(row.created_at);
    const amount = parseAmount(row.amount, 0);
    const usd = row.usd === null ? undefined : parseAmount(row.usd, USD_DECIMALS, { allowZero: true });
    // A row the ledger cannot read would silently shrink a window: refuse instead.
    if (Number.isNaN(at) || !amount.ok || (usd && !usd.ok)) {
      throw new StewardError('POLICY_FAILED', `action ${row.id} in the ledger is unreadable (created_at ${JSON.stringify(row.created_at)}, amount ${JSON.stringify(row.amount)}, usd ${JSON.stringify(row.usd)})`, {
        hint: 'amount must be base units as a decimal string, usd a decimal string or NULL, created_at an ISO 8601 time; fix or mark the row failed',
        context: { actionId: row.id },
      });
    }
    return { at, token: row.token, amount: amount.value, usd: usd?.ok ? usd.value : undefined };
  });
}

/** The spend in each window of `policy` at `now`, read from the database. */
export function readSpendWindows(db: Db, policyName: string, policy: CompiledPolicy, now: number): SpendWindows {
  return createSpendLedger(loadLedgerEntries(db, policyName, now - policy.longestWindowMs)).windows(policy, now);
}
