// The position analysis: pure arithmetic over one snapshot (and optionally the previous one).
// No I/O, no clock, no floats: the same snapshot always yields the same figures, and every
// figure is the kind of number a model must be given rather than asked to compute.
import { formatAmount, type Address } from '../shared/index.js';
import type {
  AssetPosition,
  DepegCheck,
  HoldingSource,
  TreasuryAnalysis,
  TreasuryChanges,
  TreasuryFlag,
  ValueKind,
} from './analysis.js';
import {
  deviationFromOneCentiBps,
  formatPrice,
  parsePercentPpm,
  parseUsdMicro,
  PPM,
  sharePpm,
  valueMicroUsd,
} from './fixed-point.js';
import type { SnapshotPrice, TreasurySnapshot } from './snapshot.js';

export interface AnalyzeTreasuryOptions {
  /** Target allocation by symbol, as the agent file writes it: { USDC: "45%" }. */
  targets?: Record<string, string> | undefined;
  /** Expected monthly spend in USD, a decimal string ("180000"). */
  monthlySpendUsd?: string | undefined;
  /** A stablecoin further than this from $1 is depegged. */
  depegThresholdBps: number;
  /** SOL kept for fees and rent across the owners; the rest of their SOL is idle. Default 0.1 SOL. */
  feeReserveLamports?: bigint | undefined;
  /** The previous stored snapshot, for changes since then. */
  previous?: TreasurySnapshot | undefined;
  /** Mints of position NFTs (e.g. Orca positions) valued by the DeFi position readers, not here. */
  positionMints?: ReadonlySet<string> | undefined;
}

export const DEFAULT_FEE_RESERVE_LAMPORTS = 100_000_000n;
const NATIVE_MINT = 'So11111111111111111111111111111111111111112';

function shortLabel(mint: string): string {
  return `${mint.slice(0, 4)}…${mint.slice(-4)}`;
}

interface Bucket {
  symbol: string | null;
  label: string;
  mint: Address | 'native';
  decimals: number;
  stable: boolean;
  amount: bigint;
  sources: HoldingSource[];
  flags: string[];
}

export function analyzeTreasury(snapshot: TreasurySnapshot, options: AnalyzeTreasuryOptions): TreasuryAnalysis {
  const flags: TreasuryFlag[] = [];
  const owners = new Set<string>(snapshot.owners.map((owner) => owner.address));
  const mintsByAddress = new Map(snapshot.mints.map((mint) => [mint.address as string, mint]));
  const pricesBySymbol = new Map(snapshot.prices.map((price) => [price.symbol, price]));
  const tableByMint = new Map(snapshot.tokens.filter((entry) => entry.mint !== 'native').map((entry) => [entry.mint as string, entry]));
  const solEntry = snapshot.tokens.find((entry) => entry.mint === 'native');

  // Group holdings into assets: SOL (owner balances, owned stake, wrapped SOL) and one per mint.
  const buckets = new Map<string, Bucket>();
  const solKey = solEntry?.symbol ?? 'SOL';
  const bucketFor = (key: string, init: () => Bucket): Bucket => {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = init();
      buckets.set(key, bucket);
    }
    return bucket;
  };
  const solBucket = (): Bucket =>
    bucketFor(solKey, () => ({ symbol: solKey, label: solKey, mint: 'native', decimals: 9, stable: false, amount: 0n, sources: [], flags: [] }));

  for (const owner of snapshot.owners) {
    const bucket = solBucket();
    bucket.amount += owner.lamports;
    bucket.sources.push({ kind: 'owner', address: owner.address, amount: owner.lamports });
  }
  let ownedStakeLamports = 0n;
  let activeStakeLamports = 0n;
  let inactiveStakeLamports = 0n;
  const stakerOnly: Address[] = [];
  for (const stake of snapshot.stakeAccounts) {
    if (!owners.has(stake.withdrawer)) {
      stakerOnly.push(stake.address);
      continue;
    }
    const bucket = solBucket();
    bucket.amount += stake.lamports;
    bucket.sources.push({ kind: 'stake', address: stake.address, amount: stake.lamports });
    ownedStakeLamports += stake.lamports;
    if (stake.activation === 'active') activeStakeLamports += stake.lamports;
    if (stake.activation === 'inactive' || stake.state === 'initialized') inactiveStakeLamports += stake.lamports;
  }
  for (const account of snapshot.tokenAccounts) {
    if (!owners.has(account.owner)) continue;
    const entry = tableByMint.get(account.mint);
    const mint = mintsByAddress.get(account.mint);
    let bucket: Bucket;
    if (!entry && account.mint === NATIVE_MINT && solEntry) {
      bucket = solBucket();
    } else {
      bucket = bucketFor(account.mint, () => ({
        symbol: entry?.symbol ?? null,
        label: entry?.symbol ?? shortLabel(account.mint),
        mint: account.mint,
        decimals: mint?.decimals ?? entry?.decimals ?? 0,
        stable: entry?.stable ?? false,
        amount: 0n,
        sources: [],
        flags: [],
      }));
      if (!mint && !bucket.flags.includes('mint-missing')) bucket.flags.push('mint-missing');
      if (mint && entry && mint.decimals !== entry.decimals && !bucket.flags.includes('decimals-mismatch')) {
        bucket.flags.push('decimals-mismatch');
      }
    }
    bucket.amount += account.amount;
    bucket.sources.push({ kind: 'token-account', address: account.address, amount: account.amount });
    // No account can hold more than the mint ever issued: the account or the mint data is forged.
    if (mint && account.amount > mint.supply) {
      if (!bucket.flags.includes('balance-above-supply')) bucket.flags.push('balance-above-supply');
      flags.push({
        code: 'balance-above-supply',
        severity: 'critical',
        subject: account.address,
        message: `token account ${account.address} (${bucket.label}) claims ${formatAmount(account.amount, bucket.decimals)}, more than the mint's whole supply of ${formatAmount(mint.supply, bucket.decimals)}; its value is not trusted`,
      });
    }
    if (account.frozen) {
      bucket.flags.push('frozen-account');
      flags.push({ code: 'frozen-account', severity: 'warning', subject: account.address, message: `token account ${account.address} (${bucket.label}) is frozen: its funds cannot move` });
    }
    if (account.delegate && account.delegate !== snapshot.agent && account.delegatedAmount > 0n) {
      flags.push({
        code: 'foreign-delegate',
        severity: 'critical',
        subject: account.address,
        message: `token account ${account.address} (${bucket.label}) lets ${account.delegate}, which is not the agent key, move up to ${formatAmount(account.delegatedAmount, bucket.decimals)} ${bucket.label}`,
      });
    }
  }

  // Targets name symbols the treasury may not hold yet: they still get a row (amount 0, drift −target).
  const targetPpm = new Map<string, bigint>();
  for (const [symbol, text] of Object.entries(options.targets ?? {})) {
    const ppm = parsePercentPpm(text);
    if (ppm !== null) targetPpm.set(symbol, ppm);
  }
  const missingHoldings: string[] = [];
  for (const symbol of targetPpm.keys()) {
    const held = [...buckets.values()].some((bucket) => bucket.symbol === symbol);
    if (held) continue;
    missingHoldings.push(symbol);
    const entry = snapshot.tokens.find((token) => token.symbol === symbol);
    buckets.set(`target:${symbol}`, {
      symbol,
      label: symbol,
      mint: entry?.mint ?? 'native',
      decimals: entry?.decimals ?? 0,
      stable: entry?.stable ?? false,
      amount: 0n,
      sources: [],
      flags: [],
    });
  }

  // Value each asset. An untrusted price still yields a figure, kept apart from the trusted total.
  const assets: AssetPosition[] = [];
  let trustedTotal = 0n;
  let untrustedTotal = 0n;
  const unpriced: string[] = [];
  for (const bucket of buckets.values()) {
    const price = bucket.symbol === null ? undefined : pricesBySymbol.get(bucket.symbol);
    let valueKind: ValueKind = 'unpriced';
    let value: bigint | null = null;
    let priceView: AssetPosition['price'] = null;
    if (bucket.amount === 0n) {
      valueKind = 'trusted';
      value = 0n;
    }
    if (price && price.component !== null && price.exponent !== null) {
      const suspect = bucket.flags.includes('mint-missing') || bucket.flags.includes('decimals-mismatch') || bucket.flags.includes('balance-above-supply');
      const reasons = [...price.reasons, ...(suspect ? [`the mint ${bucket.flags.join(', ')}`] : [])];
      priceView = {
        component: price.component,
        exponent: price.exponent,
        text: formatPrice(price.component, price.exponent),
        trusted: price.trusted && !suspect,
        ageSeconds: price.ageSeconds,
        reasons,
      };
      if (bucket.amount !== 0n) {
        value = valueMicroUsd(bucket.amount, bucket.decimals, price.component, price.exponent);
        valueKind = priceView.trusted ? 'trusted' : 'untrusted';
      }
    }
    if (valueKind === 'trusted') trustedTotal += value ?? 0n;
    else if (valueKind === 'untrusted') {
      untrustedTotal += value ?? 0n;
      flags.push({
        code: 'untrusted-price',
        severity: 'warning',
        subject: bucket.label,
        message: `${bucket.label} is valued at an untrusted price (${priceView?.reasons.join('; ') ?? 'unknown'}); its value is left out of the trusted total`,
      });
    } else if (options.positionMints?.has(bucket.mint)) {
      // A position NFT: its value is the position's, computed with the DeFi positions.
      bucket.flags.push('position-nft');
    } else {
      unpriced.push(bucket.label);
      flags.push({
        code: 'unpriced-asset',
        severity: bucket.symbol === null ? 'warning' : 'info',
        subject: bucket.label,
        message: `${bucket.label} (${bucket.mint}) has no readable price${price ? `: ${price.reasons.join('; ')}` : ' configured'}; it is not counted in any total`,
      });
    }
    assets.push({
      symbol: bucket.symbol,
      label: bucket.label,
      mint: bucket.mint,
      decimals: bucket.decimals,
      stable: bucket.stable,
      amount: bucket.amount,
      sources: bucket.sources,
      price: priceView,
      valueKind,
      valueMicroUsd: value,
      weightPpm: null,
      targetPpm: bucket.symbol === null ? null : targetPpm.get(bucket.symbol) ?? null,
      driftPpm: null,
      flags: bucket.flags,
    });
  }
  for (const asset of assets) {
    if (asset.valueKind !== 'trusted' || asset.valueMicroUsd === null) continue;
    asset.weightPpm = sharePpm(asset.valueMicroUsd, trustedTotal);
    if (asset.weightPpm !== null && asset.targetPpm !== null) asset.driftPpm = asset.weightPpm - asset.targetPpm;
  }
  assets.sort((a, b) => compareBigDesc(a.valueMicroUsd ?? -1n, b.valueMicroUsd ?? -1n) || a.label.localeCompare(b.label));

  // Concentration over trusted values: largest share and HHI = Σ v² × 10000 / T², rounded half up.
  const trustedAssets = assets.filter((asset) => asset.valueKind === 'trusted' && (asset.valueMicroUsd ?? 0n) > 0n);
  let largest: TreasuryAnalysis['concentration']['largest'] = null;
  for (const asset of trustedAssets) {
    if (asset.weightPpm !== null && (largest === null || asset.weightPpm > largest.weightPpm)) {
      largest = { label: asset.label, weightPpm: asset.weightPpm };
    }
  }
  let hhi: bigint | null = null;
  if (trustedTotal > 0n) {
    const sumSquares = trustedAssets.reduce((sum, asset) => sum + (asset.valueMicroUsd ?? 0n) ** 2n, 0n);
    const denominator = trustedTotal * trustedTotal;
    hhi = (sumSquares * 10_000n * 2n + denominator) / (denominator * 2n);
  }

  const stableMicroUsd = trustedAssets.filter((asset) => asset.stable).reduce((sum, asset) => sum + (asset.valueMicroUsd ?? 0n), 0n);

  const spend = options.monthlySpendUsd === undefined ? null : parseUsdMicro(options.monthlySpendUsd);
  const months = (value: bigint): string | null => (spend === null || spend === 0n ? null : formatAmount((value * 100n) / spend, 2));

  const depegs: DepegCheck[] = snapshot.tokens
    .filter((entry) => entry.stable)
    .map((entry) => depegCheck(entry.symbol, pricesBySymbol.get(entry.symbol), options.depegThresholdBps));
  for (const check of depegs) {
    if (check.status === 'depegged') {
      // A depeg of a stablecoin the treasury holds is urgent; of one it does not hold, context.
      const held = assets.some((asset) => asset.symbol === check.symbol && asset.amount > 0n);
      flags.push({
        code: 'depeg',
        severity: held ? 'critical' : 'info',
        subject: check.symbol,
        message: `${check.symbol} trades at $${check.priceText}, ${check.deviationBps} bps from $1 (threshold ${check.thresholdBps} bps)`,
      });
    }
  }

  const ownerLamports = snapshot.owners.reduce((sum, owner) => sum + owner.lamports, 0n);
  const feeReserve = options.feeReserveLamports ?? DEFAULT_FEE_RESERVE_LAMPORTS;
  const idleLamports = (ownerLamports > feeReserve ? ownerLamports - feeReserve : 0n) + inactiveStakeLamports;
  const solPrice = solEntry ? pricesBySymbol.get(solEntry.symbol) : undefined;
  const idleValue =
    solPrice?.trusted && solPrice.component !== null && solPrice.exponent !== null
      ? valueMicroUsd(idleLamports, 9, solPrice.component, solPrice.exponent)
      : null;

  for (const mint of snapshot.mints) {
    const entry = tableByMint.get(mint.address);
    const label = entry?.symbol ?? shortLabel(mint.address);
    for (const risk of mint.risks) {
      flags.push({
        code: 'mint-risk',
        severity: risk.kind === 'permanent-delegate' || risk.kind === 'transfer-hook' || risk.kind === 'pausable' || risk.kind === 'default-frozen' ? 'critical' : 'warning',
        subject: label,
        message: `${label} mint ${mint.address}: ${risk.detail}${risk.authority ? ` (${risk.authority})` : ''}`,
      });
    }
  }
  let targetSum = 0n;
  for (const ppm of targetPpm.values()) targetSum += ppm;
  if (targetPpm.size > 0 && targetSum !== PPM) {
    flags.push({ code: 'targets-not-100', severity: 'info', subject: 'targets', message: `the target allocation sums to ${formatAmount(targetSum, 4)}%, not 100%` });
  }
  for (const problem of snapshot.problems) {
    flags.push({ code: 'observation-problem', severity: 'warning', subject: problem.account ?? problem.code, message: problem.message });
  }

  const symbolByMint = (mint: string): string => tableByMint.get(mint)?.symbol ?? shortLabel(mint);
  const decimalsByMint = (mint: string): number => mintsByAddress.get(mint)?.decimals ?? tableByMint.get(mint)?.decimals ?? 0;

  const analysis: TreasuryAnalysis = {
    slot: snapshot.slot,
    observedAt: snapshot.observedAt,
    assets,
    totals: {
      trustedMicroUsd: trustedTotal,
      untrustedMicroUsd: untrustedTotal,
      unpriced,
      formula: 'trusted = Σ amount × price over assets whose oracle price is fresh, Trading and tight; untrusted = the same over the rest, never added in',
    },
    concentration: {
      largest,
      hhi,
      inputs: { assets: trustedAssets.length, trustedMicroUsd: trustedTotal },
      formula: 'HHI = Σ (value / trusted total × 100)², 10000 = everything in one asset',
    },
    stableShare: {
      stableMicroUsd,
      trustedMicroUsd: trustedTotal,
      sharePpm: sharePpm(stableMicroUsd, trustedTotal),
      formula: 'Σ trusted value of stablecoins / trusted total',
    },
    runway: {
      monthlySpendMicroUsd: spend,
      months: months(trustedTotal),
      stableMonths: months(stableMicroUsd),
      inputs: { trustedMicroUsd: trustedTotal, stableMicroUsd },
      formula: 'months = trusted total / monthly spend; stable months = trusted stablecoin value / monthly spend (truncated to 0.01)',
    },
    depegs,
    idleSol: {
      ownerLamports,
      feeReserveLamports: feeReserve,
      inactiveStakeLamports,
      idleLamports,
      valueMicroUsd: idleValue,
      formula: 'idle = max(0, SOL held by the owners − fee reserve) + inactive stake the owners can withdraw',
    },
    stake: { ownedLamports: ownedStakeLamports, activeLamports: activeStakeLamports, stakerOnly },
    allowances: snapshot.allowances.map((allowance) => ({
      tokenAccount: allowance.tokenAccount,
      label: allowance.symbol ?? symbolByMint(allowance.mint),
      remaining: allowance.remaining,
      remainingText: formatAmount(allowance.remaining, decimalsByMint(allowance.mint)),
    })),
    targets: { sumPpm: targetSum, missingHoldings },
    flags,
    changes: null,
  };
  if (options.previous) analysis.changes = changesSince(options.previous, snapshot, analysis, options);
  return analysis;
}

function compareBigDesc(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

function depegCheck(symbol: string, price: SnapshotPrice | undefined, thresholdBps: number): DepegCheck {
  if (!price || price.component === null || price.exponent === null) {
    return { symbol, priceText: null, deviationBps: null, thresholdBps, status: 'unknown', priceTrusted: false };
  }
  const centiBps = deviationFromOneCentiBps(price.component, price.exponent);
  const past = centiBps > BigInt(thresholdBps) * 100n;
  return {
    symbol,
    priceText: formatPrice(price.component, price.exponent),
    deviationBps: formatAmount(centiBps, 2),
    thresholdBps,
    // A depeg read from an untrusted price is not a fact; say "unknown" and show the number.
    status: price.trusted ? (past ? 'depegged' : 'pegged') : 'unknown',
    priceTrusted: price.trusted,
  };
}

function changesSince(
  previous: TreasurySnapshot,
  current: TreasurySnapshot,
  analysis: TreasuryAnalysis,
  options: AnalyzeTreasuryOptions,
): TreasuryChanges {
  const before = analyzeTreasury(previous, { ...options, previous: undefined });
  const accounts = (snapshot: TreasurySnapshot): Set<Address> =>
    new Set([...snapshot.tokenAccounts.map((account) => account.address), ...snapshot.stakeAccounts.map((account) => account.address)]);
  const was = accounts(previous);
  const now = accounts(current);
  const labels = new Set([...before.assets.map((asset) => asset.label), ...analysis.assets.map((asset) => asset.label)]);
  return {
    previousSlot: previous.slot,
    previousObservedAt: previous.observedAt,
    previousTrustedMicroUsd: before.totals.trustedMicroUsd,
    trustedMicroUsdDelta: analysis.totals.trustedMicroUsd - before.totals.trustedMicroUsd,
    assets: [...labels]
      .map((label) => {
        const a = before.assets.find((asset) => asset.label === label);
        const b = analysis.assets.find((asset) => asset.label === label);
        return {
          label,
          amountBefore: a?.amount ?? 0n,
          amountAfter: b?.amount ?? 0n,
          weightBeforePpm: a?.weightPpm ?? null,
          weightAfterPpm: b?.weightPpm ?? null,
        };
      })
      .filter((row) => row.amountBefore !== row.amountAfter || row.weightBeforePpm !== row.weightAfterPpm),
    newAccounts: [...now].filter((address) => !was.has(address)).sort(),
    vanishedAccounts: [...was].filter((address) => !now.has(address)).sort(),
  };
}
