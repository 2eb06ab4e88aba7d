// What a verdict depends on besides the policy and the action: the clock, prices, the spend
// already counted in each window, balances, which addresses are the treasury's, and the kill
// switch read from the database. The caller gathers these (the only I/O); rules only read them.
import type { Price } from '../shared/index.js';

/** Spend inside one rolling window, from executed and in-flight actions. */
export interface WindowSpend {
  /** Base units per token symbol. */
  tokens: Readonly<Record<string, bigint>>;
  /** Micro-USD of the entries that had a trusted price when they were recorded. */
  usd: bigint;
  /** Base units per symbol of entries recorded without a USD value; valued at today's price. */
  unpriced: Readonly<Record<string, bigint>>;
}

/** Spend per window, keyed by the window label of the policy ("24h", "7d"). */
export type SpendWindows = Readonly<Record<string, WindowSpend>>;

export interface PolicyContext {
  /** Unix milliseconds. */
  now: number;
  /** Oracle prices by token symbol. */
  prices: Readonly<Record<string, Price | undefined>>;
  spent: SpendWindows;
  /** Current treasury balances in base units by token symbol; a missing entry is unknown. */
  balances: Readonly<Record<string, bigint | undefined>>;
  /** Treasury owners and the token accounts they own: the "treasury" destination. */
  treasuryAddresses: ReadonlySet<string>;
  /** The kill switch from the database (`steward pause`). */
  paused: boolean;
  /** When a route has been quoted for a swap, its price impact. */
  swapRoute?: { priceImpactBps: number };
}

export const emptyWindowSpend: WindowSpend = Object.freeze({ tokens: Object.freeze({}), usd: 0n, unpriced: Object.freeze({}) });
