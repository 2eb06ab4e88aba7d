// The treasury analysis, the third step after grouping and valuation (src/treasury/
// treasury-view.ts): the metrics an agent or a report quotes — allocation vs target, drift,
// concentration, stable share, runway, depegs, idle SOL, mint risks. Pure arithmetic over one
// view (and optionally the previous snapshot): no I/O, no clock, no floats; the same view always
// yields the same figures, and every figure is one a model must be given rather than asked for.
import {
  deviationFromOneCentiBps,
  formatAmount,
  formatPrice,
  parseUsdMicro,
  shortMint,
  valueMicroUsd,
  type Address,
} from '../shared/index.js';
import type { AssetPosition, DepegCheck, Holding, TreasuryAnalysis, TreasuryChanges, TreasuryFlag } from './analysis.js';
import { parsePercentPpm, PPM, sharePpm } from './share.js';
import type { TreasurySnapshot } from './snapshot.js';
import { buildTreasuryView, type TreasuryView } from './treasury-view.js';
import { setWeights, sortAssets, valueHolding } from './value-holdings.js';

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
}

export const DEFAULT_FEE_RESERVE_LAMPORTS = 100_000_000n;

/**
 * Analyzes a view; a bare snapshot is viewed first (without DeFi positions). Each part below is
 * one figure of the analysis: allocation and drift, concentration, stable share, runway, depegs,
 * idle SOL, allowances, then the flags they and the observation raise (in that order).
 */
export function analyzeTreasury(input: TreasuryView | TreasurySnapshot, options: AnalyzeTreasuryOptions): TreasuryAnalysis {
  const view = 'holdings' in input ? input : buildTreasuryView(input);
  const snapshot = view.snapshot;
  const targetPpm = targetsPpm(options.targets);
  const { assets, missingHoldings } = allocation(view, targetPpm);
  const trustedTotal = view.totals.trustedMicroUsd;
  const trustedAssets = assets.filter((asset) => asset.valueKind === 'trusted' && (asset.valueMicroUsd ?? 0n) > 0n);
  const stable = stableShare(trustedAssets, trustedTotal);
  const depegs = snapshot.tokens.filter((entry) => entry.stable).map((entry) => depegCheck(entry.symbol, view, options.depegThresholdBps));
  const targetSum = [...targetPpm.values()].reduce((sum, ppm) => sum + ppm, 0n);

  const analysis: TreasuryAnalysis = {
    slot: snapshot.slot,
    observedAt: snapshot.observedAt,
    assets,
    totals: {
      trustedMicroUsd: trustedTotal,
      untrustedMicroUsd: view.totals.untrustedMicroUsd,
      unpriced: [...view.totals.unpriced],
      formula:
        'trusted = Σ amount × price over assets whose oracle price is fresh, Trading and tight; untrusted = the same over the rest, never added in',
    },
    concentration: concentration(trustedAssets, trustedTotal),
    stableShare: stable,
    runway: runway(options.monthlySpendUsd, trustedTotal, stable.stableMicroUsd),
    depegs,
    idleSol: idleSol(view, options.feeReserveLamports ?? DEFAULT_FEE_RESERVE_LAMPORTS),
    stake: { ownedLamports: view.stake.ownedLamports, activeLamports: view.stake.activeLamports, stakerOnly: view.stake.stakerOnly },
    allowances: allowances(view),
    targets: { sumPpm: targetSum, missingHoldings },
    flags: [
      ...view.flags,
      ...depegFlags(depegs, assets),
      ...mintRiskFlags(view),
      ...targetFlags(targetPpm.size, targetSum),
      ...snapshot.problems.map((problem): TreasuryFlag => ({
        code: 'observation-problem',
        severity: 'warning',
        subject: problem.account ?? problem.code,
        message: problem.message,
      })),
    ],
    changes: null,
  };
  if (options.previous) analysis.changes = changesSince(options.previous, snapshot, analysis, options);
  return analysis;
}

/** Concentration over trusted values: the largest share and HHI = Σ v² × 10000 / T², rounded half up. */
function concentration(trustedAssets: readonly AssetPosition[], trustedTotal: bigint): TreasuryAnalysis['concentration'] {
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
  return {
    largest,
    hhi,
    inputs: { assets: trustedAssets.length, trustedMicroUsd: trustedTotal },
    formula: 'HHI = Σ (value / trusted total × 100)², 10000 = everything in one asset',
  };
}

/** The trusted value of stablecoins and its share of the trusted total. */
function stableShare(trustedAssets: readonly AssetPosition[], trustedTotal: bigint): TreasuryAnalysis['stableShare'] {
  const stableMicroUsd = trustedAssets.filter((asset) => asset.stable).reduce((sum, asset) => sum + (asset.valueMicroUsd ?? 0n), 0n);
  return {
    stableMicroUsd,
    trustedMicroUsd: trustedTotal,
    sharePpm: sharePpm(stableMicroUsd, trustedTotal),
    formula: 'Σ trusted value of stablecoins / trusted total',
  };
}

/** Months of the monthly spend the trusted total and its stable part cover (truncated to 0.01); null without a spend. */
function runway(monthlySpendUsd: string | undefined, trustedTotal: bigint, stableMicroUsd: bigint): TreasuryAnalysis['runway'] {
  const spend = monthlySpendUsd === undefined ? null : parseUsdMicro(monthlySpendUsd);
  const months = (value: bigint): string | null => (spend === null || spend === 0n ? null : formatAmount((value * 100n) / spend, 2));
  return {
    monthlySpendMicroUsd: spend,
    months: months(trustedTotal),
    stableMonths: months(stableMicroUsd),
    inputs: { trustedMicroUsd: trustedTotal, stableMicroUsd },
    formula: 'months = trusted total / monthly spend; stable months = trusted stablecoin value / monthly spend (truncated to 0.01)',
  };
}

/** SOL the owners hold beyond the fee reserve, plus inactive stake they can withdraw; valued only at a trusted SOL price. */
function idleSol(view: TreasuryView, feeReserve: bigint): TreasuryAnalysis['idleSol'] {
  const ownerLamports = view.snapshot.owners.reduce((sum, owner) => sum + owner.lamports, 0n);
  const idleLamports = (ownerLamports > feeReserve ? ownerLamports - feeReserve : 0n) + view.stake.inactiveLamports;
  const solEntry = view.tokensByMint.get('native');
  const solPrice = solEntry ? view.prices.get(solEntry.symbol) : undefined;
  return {
    ownerLamports,
    feeReserveLamports: feeReserve,
    inactiveStakeLamports: view.stake.inactiveLamports,
    idleLamports,
    valueMicroUsd: solPrice?.trusted ? valueMicroUsd(idleLamports, 9, solPrice, 'down') : null,
    formula: 'idle = max(0, SOL held by the owners − fee reserve) + inactive stake the owners can withdraw',
  };
}

/** Delegations on treasury token accounts, with what is left of each in its token's units. */
function allowances(view: TreasuryView): TreasuryAnalysis['allowances'] {
  const mintsByAddress = new Map(view.snapshot.mints.map((mint) => [mint.address as string, mint]));
  const symbolByMint = (mint: string): string => view.tokensByMint.get(mint)?.symbol ?? shortMint(mint);
  const decimalsByMint = (mint: string): number => mintsByAddress.get(mint)?.decimals ?? view.tokensByMint.get(mint)?.decimals ?? 0;
  return view.snapshot.allowances.map((allowance) => ({
    tokenAccount: allowance.tokenAccount,
    label: allowance.symbol ?? symbolByMint(allowance.mint),
    remaining: allowance.remaining,
    remainingText: formatAmount(allowance.remaining, decimalsByMint(allowance.mint)),
  }));
}

/** A depeg of a stablecoin the treasury holds is urgent; of one it does not hold, context. */
function depegFlags(depegs: readonly DepegCheck[], assets: readonly AssetPosition[]): TreasuryFlag[] {
  return depegs
    .filter((check) => check.status === 'depegged')
    .map((check): TreasuryFlag => ({
      code: 'depeg',
      severity: assets.some((asset) => asset.symbol === check.symbol && asset.amount > 0n) ? 'critical' : 'info',
      subject: check.symbol,
      message: `${check.symbol} trades at $${check.priceText}, ${check.deviationBps} bps from $1 (threshold ${check.thresholdBps} bps)`,
    }));
}

/** Risky mint extensions and authorities; those that can take, block or freeze the treasury's tokens are critical. */
function mintRiskFlags(view: TreasuryView): TreasuryFlag[] {
  return view.snapshot.mints.flatMap((mint) => {
    const label = view.tokensByMint.get(mint.address)?.symbol ?? shortMint(mint.address);
    return mint.risks.map((risk): TreasuryFlag => ({
      code: 'mint-risk',
      severity:
        risk.kind === 'permanent-delegate' || risk.kind === 'transfer-hook' || risk.kind === 'pausable' || risk.kind === 'default-frozen'
          ? 'critical'
          : 'warning',
      subject: label,
      message: `${label} mint ${mint.address}: ${risk.detail}${risk.authority ? ` (${risk.authority})` : ''}`,
    }));
  });
}

/** Targets that do not add up to 100%. */
function targetFlags(targets: number, sumPpm: bigint): TreasuryFlag[] {
  if (targets === 0 || sumPpm === PPM) return [];
  return [
    {
      code: 'targets-not-100',
      severity: 'info',
      subject: 'targets',
      message: `the target allocation sums to ${formatAmount(sumPpm, 4)}%, not 100%`,
    },
  ];
}

/** Targets as the agent file writes them ("45%") in ppm; unreadable ones are left out (the config check names them). */
function targetsPpm(targets: Record<string, string> | undefined): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const [symbol, text] of Object.entries(targets ?? {})) {
    const ppm = parsePercentPpm(text);
    if (ppm !== null) out.set(symbol, ppm);
  }
  return out;
}

/**
 * The view's valued holdings with their targets and drift. A target names a symbol the treasury
 * may not hold yet: it still gets a row (amount 0, drift −target).
 */
function allocation(view: TreasuryView, targetPpm: ReadonlyMap<string, bigint>): { assets: AssetPosition[]; missingHoldings: string[] } {
  const assets = view.holdings.map((asset) => ({ ...asset, flags: [...asset.flags] }));
  const missingHoldings: string[] = [];
  for (const symbol of targetPpm.keys()) {
    if (assets.some((asset) => asset.symbol === symbol)) continue;
    missingHoldings.push(symbol);
    const entry = view.tokensBySymbol.get(symbol);
    const row: Holding = {
      symbol,
      label: symbol,
      mint: entry?.mint ?? 'native',
      decimals: entry?.decimals ?? 0,
      stable: entry?.stable ?? false,
      amount: 0n,
      sources: [],
      flags: [],
    };
    assets.push(valueHolding(row, { prices: view.prices, records: view.priceRecords, positionMints: new Set() }).asset);
  }
  setWeights(assets, view.totals.trustedMicroUsd);
  for (const asset of assets) {
    asset.targetPpm = asset.symbol === null ? null : (targetPpm.get(asset.symbol) ?? null);
    if (asset.weightPpm !== null && asset.targetPpm !== null) asset.driftPpm = asset.weightPpm - asset.targetPpm;
  }
  return { assets: sortAssets(assets), missingHoldings };
}

function depegCheck(symbol: string, view: TreasuryView, thresholdBps: number): DepegCheck {
  const price = view.prices.get(symbol);
  if (!price) return { symbol, priceText: null, deviationBps: null, thresholdBps, status: 'unknown', priceTrusted: false };
  const centiBps = deviationFromOneCentiBps(price);
  const past = centiBps > BigInt(thresholdBps) * 100n;
  return {
    symbol,
    priceText: formatPrice(price),
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
