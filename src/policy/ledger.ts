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
import { spendingStates, unsettledStates } from '../store/action-states.js';
import { outflowKinds } from './actions.js';
import type { CompiledPolicy, CompiledWindow } from './compile-policy.js';
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
  // Running totals: index i holds the sum of entries [0, i). Symbols are kept in the order
  // they were first seen (that is the key order of the window records), each with its series.
  let usd: bigint[] = [0n];
  const tokenSymbols: string[] = [];
  const tokenSeries: bigint[][] = [];
  const unpricedSymbols: string[] = [];
  const unpricedSeries: bigint[][] = [];
  // Bumped on every change: cached window figures are valid only for the version they read.
  let version = 0;
  const cache = new WeakMap<CompiledPolicy, WindowsCache>();

  const seriesIndex = (symbols: string[], series: bigint[][], symbol: string): number => {
    const index = symbols.indexOf(symbol);
    if (index >= 0) return index;
    symbols.push(symbol);
    series.push(new Array<bigint>(times.length + 1).fill(0n));
    return symbols.length - 1;
  };
  const push = (entry: LedgerEntry): void => {
    const n = times.length;
    const token = seriesIndex(tokenSymbols, tokenSeries, entry.token);
    const unpriced = entry.usd === undefined ? seriesIndex(unpricedSymbols, unpricedSeries, entry.token) : -1;
    times.push(entry.at);
    usd.push((usd[n] as bigint) + (entry.usd ?? 0n));
    for (let i = 0; i < tokenSeries.length; i++) {
      const values = tokenSeries[i] as bigint[];
      values.push(i === token ? (values[n] as bigint) + entry.amount : (values[n] as bigint));
    }
    for (let i = 0; i < unpricedSeries.length; i++) {
      const values = unpricedSeries[i] as bigint[];
      values.push(i === unpriced ? (values[n] as bigint) + entry.amount : (values[n] as bigint));
    }
    version++;
  };
  const rebuild = (): void => {
    times.length = 0;
    usd = [0n];
    tokenSymbols.length = 0;
    tokenSeries.length = 0;
    unpricedSymbols.length = 0;
    unpricedSeries.length = 0;
    for (const entry of sorted) push(entry);
    version++;
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
  const sumSince = (symbols: readonly string[], series: readonly bigint[][], from: number): Record<string, bigint> => {
    const out: Record<string, bigint> = {};
    const end = times.length;
    for (let i = 0; i < series.length; i++) {
      const values = series[i] as bigint[];
      const value = (values[end] as bigint) - (values[from] as bigint);
      if (value !== 0n) out[symbols[i] as string] = value;
    }
    return Object.freeze(out);
  };
  const windowSpend = (from: number): WindowSpend =>
    Object.freeze({
      tokens: sumSince(tokenSymbols, tokenSeries, from),
      usd: (usd[times.length] as bigint) - (usd[from] as bigint),
      unpriced: sumSince(unpricedSymbols, unpricedSeries, from),
    });

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
      // A window's figures depend only on where it starts in the ledger and on the ledger's
      // contents, so when no window start moved and nothing was appended since the last read,
      // the last (frozen) figures are the answer. A run re-reads before every verdict.
      const windows = policy.windows;
      let cached = cache.get(policy);
      if (!cached || cached.version !== version || cached.froms.length !== windows.length) {
        cached = { version, froms: new Array<number>(windows.length).fill(-1), spends: new Array<WindowSpend | undefined>(windows.length), result: undefined };
        cache.set(policy, cached);
      }
      let moved = false;
      for (let i = 0; i < windows.length; i++) {
        const from = firstAfter(now - (windows[i] as CompiledWindow).ms);
        if (cached.froms[i] !== from) {
          cached.froms[i] = from;
          cached.spends[i] = windowSpend(from);
          moved = true;
        }
      }
      if (moved || !cached.result) {
        const out: Record<string, WindowSpend> = {};
        for (let i = 0; i < windows.length; i++) out[(windows[i] as CompiledWindow).label] = cached.spends[i] as WindowSpend;
        cached.result = Object.freeze(out);
      }
      return cached.result;
    },
  };
}

interface WindowsCache {
  version: number;
  /** Ledger index each window started at when its figures were computed (-1: not yet). */
  froms: number[];
  spends: (WindowSpend | undefined)[];
  result: SpendWindows | undefined;
}

interface ActionRow {
  id: number;
  token: string;
  amount: string;
  usd: string | null;
  created_at: string;
}

/**
 * Ledger entries of `policyName` created after `since` (unix ms), from actions in a spending state.
 * `excludeActionId` leaves one action out: the executor re-checks an action against the others.
 */
export function loadLedgerEntries(db: Db, policyName: string, since: number, excludeActionId?: number): LedgerEntry[] {
  const states = spendingStates.map(() => '?').join(', ');
  const kinds = outflowKinds.map(() => '?').join(', ');
  const rows = db
    .prepare(
      `SELECT id, token, amount, usd, created_at FROM actions
       WHERE policy = ? AND state IN (${states}) AND kind IN (${kinds}) AND created_at > ? AND amount IS NOT NULL AND token IS NOT NULL AND id IS NOT ?
       ORDER BY created_at`,
    )
    .all(policyName, ...spendingStates, ...outflowKinds, new Date(since).toISOString(), excludeActionId ?? null) as ActionRow[];
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
export function readSpendWindows(db: Db, policyName: string, policy: CompiledPolicy, now: number, excludeActionId?: number): SpendWindows {
  return createSpendLedger(loadLedgerEntries(db, policyName, now - policy.longestWindowMs, excludeActionId)).windows(policy, now);
}

/**
 * Outflows (base units by mint, every policy) that a balance read at `observedAt` may not show
 * yet: actions in flight or unknown, and those confirmed after the read. The reserve rule takes
 * them off the observed balance, or two runs would both pass it. Counting a transfer that landed
 * just before the read twice errs on the safe side.
 */
export function readUnsettledOutflows(db: Db, observedAt: number, excludeActionId?: number): Map<string, bigint> {
  const states = unsettledStates.map(() => '?').join(', ');
  const kinds = outflowKinds.map(() => '?').join(', ');
  const rows = db
    .prepare(
      `SELECT id, mint, amount FROM actions
       WHERE kind IN (${kinds}) AND mint IS NOT NULL AND amount IS NOT NULL AND id IS NOT ?
         AND (state IN (${states}) OR (state = 'confirmed' AND updated_at >= ?))`,
    )
    .all(...outflowKinds, excludeActionId ?? null, ...unsettledStates, new Date(observedAt).toISOString()) as { id: number; mint: string; amount: string }[];
  const out = new Map<string, bigint>();
  for (const row of rows) {
    const amount = parseAmount(row.amount, 0);
    if (!amount.ok) {
      throw new StewardError('POLICY_FAILED', `action ${row.id} in the ledger has an unreadable amount ${JSON.stringify(row.amount)}`, {
        hint: 'amount must be base units as a decimal string; fix or mark the row failed',
        context: { actionId: row.id },
      });
    }
    out.set(row.mint, (out.get(row.mint) ?? 0n) + amount.value);
  }
  return out;
}
