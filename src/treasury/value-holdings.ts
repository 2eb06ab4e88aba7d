// Valuation, the second step: each holding × its `Price` in micro-USD (rounded down: never more
// than the treasury has), sorted into trusted, untrusted (shown, never added in) and unpriced,
// and its weight in the trusted total. A price whose mint looks forged (missing, other decimals,
// a balance above supply) is not trusted whatever the oracle says. Pure.
import { formatPrice, valueMicroUsd, type Price } from '../shared/index.js';
import type { AssetPosition, Holding, TreasuryFlag, ValueKind } from './analysis.js';
import { sharePpm } from './share.js';
import type { SnapshotPrice } from './snapshot.js';

export interface HoldingPrices {
  /** Parsed prices by symbol. */
  prices: ReadonlyMap<string, Price>;
  /** The oracle records by symbol, parsed or not (their reasons explain a missing price). */
  records: ReadonlyMap<string, SnapshotPrice>;
  /** Mints of position NFTs (Orca positions): valued with the DeFi positions, not here. */
  positionMints: ReadonlySet<string>;
}

export interface ValuedHoldings {
  /** Sorted by value, largest first; `targetPpm`/`driftPpm` left null for the analysis. */
  assets: AssetPosition[];
  totals: { trustedMicroUsd: bigint; untrustedMicroUsd: bigint; unpriced: string[] };
  flags: TreasuryFlag[];
}

const SUSPECT_MINT_FLAGS = ['mint-missing', 'decimals-mismatch', 'balance-above-supply'];

/** One holding valued: the asset row (no weight yet) and what to say about its price. */
export function valueHolding(holding: Holding, prices: HoldingPrices): { asset: AssetPosition; flag: TreasuryFlag | null } {
  const record = holding.symbol === null ? undefined : prices.records.get(holding.symbol);
  const price = holding.symbol === null ? undefined : prices.prices.get(holding.symbol);
  let valueKind: ValueKind = holding.amount === 0n ? 'trusted' : 'unpriced';
  let value: bigint | null = holding.amount === 0n ? 0n : null;
  let priceView: AssetPosition['price'] = null;
  if (price) {
    const suspect = holding.flags.some((flag) => SUSPECT_MINT_FLAGS.includes(flag));
    priceView = {
      ...price,
      trusted: price.trusted && !suspect,
      reasons: [...price.reasons, ...(suspect ? [`the mint ${holding.flags.join(', ')}`] : [])],
      text: formatPrice(price),
      ageSeconds: record?.ageSeconds ?? null,
    };
    if (holding.amount !== 0n) {
      value = valueMicroUsd(holding.amount, holding.decimals, price, 'down');
      valueKind = priceView.trusted ? 'trusted' : 'untrusted';
    }
  }
  let flag: TreasuryFlag | null = null;
  const flags = [...holding.flags];
  if (valueKind === 'untrusted') {
    flag = {
      code: 'untrusted-price',
      severity: 'warning',
      subject: holding.label,
      message: `${holding.label} is valued at an untrusted price (${priceView?.reasons.join('; ') ?? 'unknown'}); its value is left out of the trusted total`,
    };
  } else if (valueKind === 'unpriced' && prices.positionMints.has(holding.mint)) {
    // A position NFT: its value is the position's, computed with the DeFi positions.
    flags.push('position-nft');
  } else if (valueKind === 'unpriced') {
    flag = {
      code: 'unpriced-asset',
      severity: holding.symbol === null ? 'warning' : 'info',
      subject: holding.label,
      message: `${holding.label} (${holding.mint}) has no readable price${record ? `: ${record.reasons.join('; ')}` : ' configured'}; it is not counted in any total`,
    };
  }
  const asset: AssetPosition = {
    symbol: holding.symbol,
    label: holding.label,
    mint: holding.mint,
    decimals: holding.decimals,
    stable: holding.stable,
    amount: holding.amount,
    sources: holding.sources,
    price: priceView,
    valueKind,
    valueMicroUsd: value,
    weightPpm: null,
    targetPpm: null,
    driftPpm: null,
    flags,
  };
  return { asset, flag };
}

/** Every holding valued, totals split by trust, weights of the trusted total set. */
export function valueHoldings(holdings: readonly Holding[], prices: HoldingPrices): ValuedHoldings {
  const assets: AssetPosition[] = [];
  const flags: TreasuryFlag[] = [];
  const totals = { trustedMicroUsd: 0n, untrustedMicroUsd: 0n, unpriced: [] as string[] };
  for (const holding of holdings) {
    const { asset, flag } = valueHolding(holding, prices);
    assets.push(asset);
    if (flag) flags.push(flag);
    if (asset.valueKind === 'trusted') totals.trustedMicroUsd += asset.valueMicroUsd ?? 0n;
    else if (asset.valueKind === 'untrusted') totals.untrustedMicroUsd += asset.valueMicroUsd ?? 0n;
    else if (!asset.flags.includes('position-nft')) totals.unpriced.push(asset.label);
  }
  setWeights(assets, totals.trustedMicroUsd);
  return { assets: sortAssets(assets), totals, flags };
}

/** Each trusted asset's share of the trusted total (ppm). */
export function setWeights(assets: AssetPosition[], trustedTotal: bigint): void {
  for (const asset of assets) {
    if (asset.valueKind === 'trusted' && asset.valueMicroUsd !== null) asset.weightPpm = sharePpm(asset.valueMicroUsd, trustedTotal);
  }
}

/** Largest value first, then by label; unpriced last. */
export function sortAssets(assets: AssetPosition[]): AssetPosition[] {
  const compare = (a: bigint, b: bigint): number => (a === b ? 0 : a > b ? -1 : 1);
  return assets.sort((a, b) => compare(a.valueMicroUsd ?? -1n, b.valueMicroUsd ?? -1n) || a.label.localeCompare(b.label));
}
