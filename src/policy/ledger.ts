// The spend ledger: what rolling windows count. Entries come from the store's `actions` table
// (rows in a spending state: approved, in flight or confirmed; read by src/execute/spend-windows.ts)
// and are kept sorted by time with
// running totals, so the spend inside any window is two binary searches, not a scan: a run can
// re-read its windows before every verdict and append each allowed action as it goes.
//
// What counts: transfers (treasury-internal ones too: the ledger cannot be talked into trusting
// a destination label), swaps (the sold side at full value: all of it is exposed to the route)
// and stakes. Unstakes, votes and `none` move nothing out and count for nothing.
//
// Pure: the database readers live in src/execute/spend-windows.ts; evaluatePolicy only sees the
// figures they produce.
import type { CompiledPolicy, CompiledWindow } from './compile-policy.js';
import type { SpendWindows, WindowSpend } from './context.js';

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
        cached = {
          version,
          froms: new Array<number>(windows.length).fill(-1),
          spends: new Array<WindowSpend | undefined>(windows.length),
          result: undefined,
        };
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
