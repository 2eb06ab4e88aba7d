// The shape of a position analysis: every figure an agent or a report may quote, each carrying
// the inputs it was computed from, so a reader can redo the arithmetic. USD figures are bigint
// micro-USD, shares are bigint ppm (1% = 10_000), amounts are bigint base units.
import type { Address, Price } from '../shared/index.js';

/** How far a value can be relied on: priced by a trusted oracle, by an untrusted one, or not at all. */
export type ValueKind = 'trusted' | 'untrusted' | 'unpriced';

export interface HoldingSource {
  kind: 'owner' | 'token-account' | 'stake';
  address: Address;
  amount: bigint;
}

/** One asset as grouped from the observation: SOL (owners, owned stake, wrapped SOL) or one mint. */
export interface Holding {
  /** The token table's symbol; null for a mint the table does not know. */
  symbol: string | null;
  /** The symbol, or a short mint label for unknown mints. */
  label: string;
  mint: Address | 'native';
  decimals: number;
  stable: boolean;
  amount: bigint;
  sources: HoldingSource[];
  /** mint-missing, decimals-mismatch, balance-above-supply, frozen-account (position-nft once valued). */
  flags: string[];
}

export interface AssetPosition extends Holding {
  /** The oracle's `Price`; `trusted` and `reasons` also judge the mint (a forged-looking mint is never trusted). */
  price: (Price & { text: string; ageSeconds: number | null }) | null;
  valueKind: ValueKind;
  /** amount × price, micro-USD; null when unpriced. */
  valueMicroUsd: bigint | null;
  /** Share of the trusted total (ppm); null unless the value is trusted. */
  weightPpm: bigint | null;
  targetPpm: bigint | null;
  /** weight − target (ppm); null without both. */
  driftPpm: bigint | null;
}

export interface TreasuryFlag {
  code:
    | 'mint-risk'
    | 'untrusted-price'
    | 'unpriced-asset'
    | 'depeg'
    | 'foreign-delegate'
    | 'frozen-account'
    | 'balance-above-supply'
    | 'targets-not-100'
    | 'observation-problem';
  severity: 'critical' | 'warning' | 'info';
  /** A symbol or an address. */
  subject: string;
  message: string;
}

export interface DepegCheck {
  symbol: string;
  priceText: string | null;
  /** |price − 1| in bps with two decimals ("85"), exact. */
  deviationBps: string | null;
  thresholdBps: number;
  status: 'pegged' | 'depegged' | 'unknown';
  priceTrusted: boolean;
}

export interface TreasuryChanges {
  previousSlot: bigint;
  previousObservedAt: string;
  previousTrustedMicroUsd: bigint;
  trustedMicroUsdDelta: bigint;
  assets: Array<{
    label: string;
    amountBefore: bigint;
    amountAfter: bigint;
    weightBeforePpm: bigint | null;
    weightAfterPpm: bigint | null;
  }>;
  newAccounts: Address[];
  vanishedAccounts: Address[];
}

export interface TreasuryAnalysis {
  slot: bigint;
  observedAt: string;
  assets: AssetPosition[];
  totals: {
    /** Σ value of assets priced by trusted oracles. The only total decisions may rest on. */
    trustedMicroUsd: bigint;
    /** Σ value of assets priced only by untrusted (stale, halted, wide) oracles: shown, never added in. */
    untrustedMicroUsd: bigint;
    unpriced: string[];
    formula: string;
  };
  concentration: {
    largest: { label: string; weightPpm: bigint } | null;
    /** Herfindahl–Hirschman index on the 0..10000 scale: Σ (weight in %)². */
    hhi: bigint | null;
    inputs: { assets: number; trustedMicroUsd: bigint };
    formula: string;
  };
  stableShare: { stableMicroUsd: bigint; trustedMicroUsd: bigint; sharePpm: bigint | null; formula: string };
  runway: {
    monthlySpendMicroUsd: bigint | null;
    /** Months as an exact decimal with two places (truncated); null without a spend figure. */
    months: string | null;
    stableMonths: string | null;
    inputs: { trustedMicroUsd: bigint; stableMicroUsd: bigint };
    formula: string;
  };
  depegs: DepegCheck[];
  idleSol: {
    ownerLamports: bigint;
    feeReserveLamports: bigint;
    inactiveStakeLamports: bigint;
    idleLamports: bigint;
    valueMicroUsd: bigint | null;
    formula: string;
  };
  stake: {
    ownedLamports: bigint;
    activeLamports: bigint;
    /** Accounts the treasury may (re)delegate but whose lamports belong to someone else. */
    stakerOnly: Address[];
  };
  allowances: Array<{ tokenAccount: Address; label: string; remaining: bigint; remainingText: string }>;
  targets: { sumPpm: bigint; missingHoldings: string[] };
  flags: TreasuryFlag[];
  changes: TreasuryChanges | null;
}
