// One observation of a treasury, viewed once: its holdings grouped and valued, liquid balances,
// prices as `Price`, DeFi positions, and the one "is this a treasury address" answer. Built once
// per observation (buildTreasuryView); the treasury analysis, the policy context, the governance
// review context and the position analysis all derive from it, so they count the same money.
import { NATIVE_MINT } from '@solana/spl-token';
import { valueMicroUsd, type Price } from '../shared/index.js';
import type { AssetPosition, TreasuryFlag } from './analysis.js';
import { groupHoldings, type StakeTotals } from './group-holdings.js';
import type { DefiPosition, MintPrice, PriceBook } from './positions/types.js';
import type { SnapshotAllowance, SnapshotPrice, SnapshotTokenEntry, TreasurySnapshot } from './snapshot.js';
import { priceOfSnapshot } from './snapshot-price.js';
import { treasuryAddresses, type TreasuryAddresses } from './treasury-addresses.js';
import { valueHoldings } from './value-holdings.js';

export interface TreasuryView {
  snapshot: TreasurySnapshot;
  /** The token table: by symbol, and by mint (native SOL under "native" and wrapped SOL's mint). */
  tokensBySymbol: ReadonlyMap<string, SnapshotTokenEntry>;
  tokensByMint: ReadonlyMap<string, SnapshotTokenEntry>;
  /** Prices that parsed, by symbol; `priceRecords` also holds the ones that did not. */
  prices: ReadonlyMap<string, Price>;
  priceRecords: ReadonlyMap<string, SnapshotPrice>;
  /** Prices by mint, for valuing position legs: wrapped SOL's mint prices native SOL. */
  priceBook: PriceBook;
  /** Every holding valued (SOL with owned stake and wrapped SOL), largest first, weights set. */
  holdings: readonly AssetPosition[];
  totals: {
    /** Σ value at trusted prices: the one treasury value reviews, reports and `observe` show. */
    trustedMicroUsd: bigint;
    /** Σ value at untrusted prices: shown apart, never added in. */
    untrustedMicroUsd: bigint;
    unpriced: readonly string[];
  };
  stake: StakeTotals;
  /** Grouping and valuation warnings (frozen, foreign delegate, untrusted or missing prices). */
  flags: readonly TreasuryFlag[];
  /** Liquid balances in base units by symbol: token accounts, and the owners' own lamports for SOL. */
  balances: Readonly<Record<string, bigint>>;
  positions: readonly DefiPosition[];
  /** The agent's delegate allowances with their mint's decimals (null when unknown) and value at a trusted price. */
  allowances: ReadonlyArray<SnapshotAllowance & { decimals: number | null; usdMicro: bigint | null }>;
  /** Owners, their token accounts and the owners' associated accounts of the table's mints. */
  addresses: TreasuryAddresses;
}

export function buildTreasuryView(snapshot: TreasurySnapshot, positions: readonly DefiPosition[] = []): TreasuryView {
  const tokensBySymbol = new Map(snapshot.tokens.map((entry) => [entry.symbol, entry]));
  const tokensByMint = new Map<string, SnapshotTokenEntry>(snapshot.tokens.map((entry) => [entry.mint, entry]));
  const solEntry = tokensByMint.get('native');
  if (solEntry && !tokensByMint.has(NATIVE_MINT.toBase58())) tokensByMint.set(NATIVE_MINT.toBase58(), solEntry);

  const priceRecords = new Map(snapshot.prices.map((record) => [record.symbol, record]));
  const prices = new Map<string, Price>();
  for (const record of snapshot.prices) {
    const price = priceOfSnapshot(record);
    if (price) prices.set(record.symbol, price);
  }
  const priceBook = new Map<string, MintPrice>();
  for (const [mint, entry] of tokensByMint) {
    const price = mint === 'native' ? undefined : prices.get(entry.symbol);
    if (price) priceBook.set(mint, { ...price, symbol: entry.symbol });
  }

  const grouped = groupHoldings(snapshot);
  const positionMints = new Set(positions.flatMap((position) => ('positionMint' in position ? [position.positionMint] : [])));
  const valued = valueHoldings(grouped.holdings, { prices, records: priceRecords, positionMints });

  const balances: Record<string, bigint> = {};
  for (const entry of snapshot.tokens) {
    balances[entry.symbol] =
      entry.mint === 'native'
        ? snapshot.owners.reduce((sum, owner) => sum + owner.lamports, 0n)
        : snapshot.tokenAccounts.filter((account) => account.mint === entry.mint).reduce((sum, account) => sum + account.amount, 0n);
  }

  const mintDecimals = new Map(snapshot.mints.map((mint) => [mint.address as string, mint.decimals]));
  const allowances = snapshot.allowances.map((allowance) => {
    const decimals = mintDecimals.get(allowance.mint) ?? tokensByMint.get(allowance.mint)?.decimals ?? null;
    const price = priceBook.get(allowance.mint);
    const usdMicro = price?.trusted && decimals !== null ? valueMicroUsd(allowance.remaining, decimals, price, 'down') : null;
    return { ...allowance, decimals, usdMicro };
  });

  const tableMints = snapshot.tokens.flatMap((entry) => (entry.mint === 'native' ? [] : [entry.mint]));
  return {
    snapshot,
    tokensBySymbol,
    tokensByMint,
    prices,
    priceRecords,
    priceBook,
    holdings: valued.assets,
    totals: valued.totals,
    stake: grouped.stake,
    flags: [...grouped.flags, ...valued.flags],
    balances,
    positions,
    allowances,
    addresses: treasuryAddresses(
      snapshot.owners.map((owner) => owner.address),
      snapshot.tokenAccounts,
      tableMints,
    ),
  };
}
