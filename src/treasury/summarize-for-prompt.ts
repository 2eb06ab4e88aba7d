// The analysis as the model sees it: a few dozen short lines of figures already computed, so the
// model explains and decides but never adds anything up. Only config symbols, addresses and
// numbers appear here: no on-chain text (token names, memos) reaches the prompt.
import { formatAmount, formatUsd } from '../shared/index.js';
import type { TreasuryAnalysis } from './analysis.js';
import { formatPpmPercent } from './share.js';

const MAX_FLAGS = 20;

function signedPoints(ppm: bigint): string {
  // ppm of the whole → percentage points with two decimals, signed.
  const sign = ppm < 0n ? '-' : '+';
  const abs = ppm < 0n ? -ppm : ppm;
  return `${sign}${formatAmount(abs / 100n, 2)}pp`;
}

export function summarizeForPrompt(analysis: TreasuryAnalysis): string {
  const lines: string[] = [];
  const { totals } = analysis;
  lines.push(`Treasury at slot ${analysis.slot} (${analysis.observedAt}). All figures computed by Steward; do not recompute.`);
  lines.push(
    `Total value (trusted prices): ${formatUsd(totals.trustedMicroUsd, 'cents')}` +
      (totals.untrustedMicroUsd > 0n ? `; untrusted prices, NOT counted: ${formatUsd(totals.untrustedMicroUsd, 'cents')}` : '') +
      (totals.unpriced.length > 0 ? `; unpriced: ${totals.unpriced.join(', ')}` : ''),
  );
  lines.push('asset | amount | price (age) | value | weight | target | drift | flags');
  for (const asset of analysis.assets) {
    const price = asset.price
      ? `$${asset.price.text}${asset.price.ageSeconds === null ? '' : ` (${asset.price.ageSeconds}s)`}${asset.price.trusted ? '' : ' UNTRUSTED'}`
      : 'none';
    const value = asset.valueMicroUsd === null ? '-' : formatUsd(asset.valueMicroUsd, 'cents');
    lines.push(
      [
        asset.label,
        formatAmount(asset.amount, asset.decimals),
        price,
        value,
        asset.weightPpm === null ? '-' : formatPpmPercent(asset.weightPpm),
        asset.targetPpm === null ? '-' : formatPpmPercent(asset.targetPpm),
        asset.driftPpm === null ? '-' : signedPoints(asset.driftPpm),
        asset.flags.join(',') || '-',
      ].join(' | '),
    );
  }
  const share = analysis.stableShare.sharePpm;
  lines.push(
    `Stable share: ${share === null ? '-' : formatPpmPercent(share)}. Runway: ${analysis.runway.months ?? '-'} months (stablecoins alone: ${analysis.runway.stableMonths ?? '-'}).`,
  );
  const { largest, hhi } = analysis.concentration;
  lines.push(
    `Concentration: largest ${largest ? `${largest.label} ${formatPpmPercent(largest.weightPpm)}` : '-'}; HHI ${hhi ?? '-'} of 10000.`,
  );
  lines.push(
    `Idle SOL: ${formatAmount(analysis.idleSol.idleLamports, 9)} SOL${analysis.idleSol.valueMicroUsd === null ? '' : ` (${formatUsd(analysis.idleSol.valueMicroUsd, 'cents')})`}; staked ${formatAmount(analysis.stake.ownedLamports, 9)} SOL, active ${formatAmount(analysis.stake.activeLamports, 9)}.`,
  );
  for (const check of analysis.depegs) {
    if (check.status !== 'pegged')
      lines.push(
        `Peg ${check.symbol}: ${check.status} at $${check.priceText ?? '?'} (${check.deviationBps ?? '?'} bps from $1, threshold ${check.thresholdBps}).`,
      );
  }
  if (analysis.allowances.length > 0) {
    lines.push(
      `On-chain allowances the agent key may still move: ${analysis.allowances.map((allowance) => `${allowance.remainingText} ${allowance.label}`).join(', ')}.`,
    );
  } else {
    lines.push('On-chain allowances the agent key may still move: none.');
  }
  const flags = [...analysis.flags].sort((a, b) => rank(a.severity) - rank(b.severity));
  for (const flag of flags.slice(0, MAX_FLAGS)) lines.push(`[${flag.severity}] ${flag.message}`);
  if (flags.length > MAX_FLAGS) lines.push(`(${flags.length - MAX_FLAGS} more flags not shown)`);
  const changes = analysis.changes;
  if (changes) {
    const delta = changes.trustedMicroUsdDelta;
    lines.push(
      `Since slot ${changes.previousSlot}: trusted value ${delta < 0n ? '-' : '+'}${formatUsd(delta < 0n ? -delta : delta, 'cents')}` +
        `; ${changes.assets.length} asset(s) changed; new accounts ${changes.newAccounts.length}, vanished ${changes.vanishedAccounts.length}.`,
    );
  }
  return lines.join('\n');
}

function rank(severity: 'critical' | 'warning' | 'info'): number {
  return severity === 'critical' ? 0 : severity === 'warning' ? 1 : 2;
}
