// The Markdown report of one run, for a human: what was seen (the key figures), what the model
// proposed and why, each verdict with the rules that fired, the transactions, and the reviews.
// Untrusted text (model output, proposal names, token labels, errors, chain logs) goes through
// `markdownText`, so it can neither format the page nor break a table, nor carry a control character.
import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import type { Db } from '../store/index.js';
import { formatAmount, formatUsd, markdownText, redactText, writePrivateFile } from '../shared/index.js';
import { setRunReport } from './run-store.js';
import { formatPpmPercent } from '../treasury/index.js';
import { signatureOf, type RunResult } from './run-agent.js';

function usd(micro: bigint | null | undefined): string {
  if (micro === null || micro === undefined) return '—';
  return formatUsd(micro, 'cents');
}

/** Untrusted text (or a value shown as JSON), escaped for Markdown and cut at 300 characters. */
function md(text: unknown, max = 300): string {
  const value = typeof text === 'string' ? text : (JSON.stringify(text) ?? String(text));
  return markdownText(value.length > max ? `${value.slice(0, max)}…` : value);
}

export function explorerLink(signature: string, cluster: string): string | null {
  if (cluster.startsWith('embedded')) return null;
  const suffix = cluster === 'mainnet-beta' ? '' : cluster === 'devnet' || cluster === 'testnet' ? `?cluster=${cluster}` : null;
  return suffix === null ? null : `https://explorer.solana.com/tx/${signature}${suffix}`;
}

export function renderRunReport(result: RunResult): string {
  const lines: string[] = [];
  lines.push(`# Run ${result.runId} — ${result.agent}`, '');
  lines.push(`- status: **${result.status}**${result.error ? ` — ${md(result.error, 2000)}` : ''}`);
  lines.push(`- mode: ${result.mode}`, `- cluster: ${md(result.cluster)}`, `- started: ${result.startedAt}`);
  if (result.model)
    lines.push(`- model: ${md(result.model.id)}${result.model.sha256 ? ` (sha256 ${result.model.sha256.slice(0, 16)}…)` : ''}`);
  lines.push('', '## Phases', '', '| phase | ms | ok |', '|---|---:|---|');
  for (const phase of result.phases) lines.push(`| ${phase.name} | ${phase.ms} | ${phase.ok ? 'yes' : `no: ${md(phase.detail ?? '')}`} |`);

  const analysis = result.analysis;
  if (analysis) {
    lines.push('', '## Treasury', '');
    lines.push(`Observed at slot ${analysis.slot} (${analysis.observedAt}).`, '');
    lines.push(`- value priced by trusted oracles: **${usd(analysis.totals.trustedMicroUsd)}**`);
    lines.push(`- value priced by untrusted oracles (not counted): ${usd(analysis.totals.untrustedMicroUsd)}`);
    if (analysis.runway.months !== null)
      lines.push(`- runway: ${analysis.runway.months} months (stablecoins alone: ${analysis.runway.stableMonths ?? '—'})`);
    if (analysis.stableShare.sharePpm !== null) lines.push(`- stable share: ${formatPpmPercent(analysis.stableShare.sharePpm)}`);
    lines.push('', '| asset | amount | price | value | weight | target | drift | flags |', '|---|---:|---:|---:|---:|---:|---:|---|');
    for (const asset of analysis.assets) {
      const price = asset.price ? `${asset.price.text}${asset.price.trusted ? '' : ' (untrusted)'}` : '—';
      lines.push(
        `| ${md(asset.label)} | ${formatAmount(asset.amount, asset.decimals)} | ${price} | ${usd(asset.valueMicroUsd)} | ${asset.weightPpm === null ? '—' : formatPpmPercent(asset.weightPpm)} | ${asset.targetPpm === null ? '—' : formatPpmPercent(asset.targetPpm)} | ${asset.driftPpm === null ? '—' : formatPpmPercent(asset.driftPpm)} | ${md(asset.flags.join(', '))} |`,
      );
    }
    if (analysis.flags.length > 0) {
      lines.push('', '### Flags', '');
      for (const flag of analysis.flags) lines.push(`- **${flag.severity}** ${flag.code} (${md(flag.subject)}): ${md(flag.message, 1000)}`);
    }
  }

  const positions = result.positions;
  if (positions && (positions.positions.length > 0 || positions.liquidStaking.length > 0)) {
    lines.push('', '## DeFi positions', '');
    lines.push(`Assets ${usd(positions.assetsMicroUsd)}, debt ${usd(positions.debtMicroUsd)}, net ${usd(positions.netMicroUsd)}.`, '');
    lines.push('| protocol | account | kind | net value | health / range |', '|---|---|---|---:|---|');
    for (const figure of positions.positions) {
      const state =
        figure.kind === 'lending'
          ? figure.healthFactorPpm === null
            ? 'no debt'
            : `health ${formatAmount(figure.healthFactorPpm, 6)}`
          : figure.kind === 'liquidity'
            ? figure.inRange
              ? 'in range'
              : '**out of range**'
            : `unreadable: ${md(figure.reason)}`;
      const net = figure.kind === 'unreadable' ? '—' : usd(figure.netMicroUsd);
      lines.push(`| ${figure.protocol} | \`${figure.account}\` | ${figure.kind} | ${net} | ${state} |`);
    }
    if (positions.liquidStaking.length > 0) {
      lines.push(
        '',
        '| liquid-staking token | stake pool | SOL per token | held (SOL at rate) | at rate | at market | market vs rate |',
        '|---|---|---:|---:|---:|---:|---:|',
      );
      for (const lst of positions.liquidStaking) {
        const depeg = lst.depegBps === null ? '—' : `${lst.depegBps} bps${lst.depegged ? ' **depeg**' : ''}`;
        lines.push(
          `| ${md(lst.symbol)} | \`${lst.account}\` | ${formatAmount(lst.lamportsPerToken, 9)} | ${formatAmount(lst.amount, lst.decimals)} (${formatAmount(lst.solLamports, 9)} SOL) | ${lst.fairMicroUsd === null ? '—' : usd(lst.fairMicroUsd)} | ${lst.marketMicroUsd === null ? '—' : usd(lst.marketMicroUsd)} | ${depeg} |`,
        );
      }
    }
    if (positions.stress)
      lines.push('', `Stress (SOL −30%): net ${usd(positions.stress.netBeforeMicroUsd)} → ${usd(positions.stress.netAfterMicroUsd)}.`);
    for (const flag of positions.flags) lines.push(`- **${flag.severity}** ${flag.kind}: ${md(flag.message, 1000)}`);
  }

  if (result.assessment !== null) {
    lines.push('', '## Model assessment (untrusted, for the record)', '', `> ${md(result.assessment, 2000)}`);
  }

  if (result.actions.length > 0) {
    lines.push('', '## Actions', '', '| id | proposed | verdict | state | rules |', '|---|---|---|---|---|');
    for (const action of result.actions) {
      const rules = action.rules.map((rule) => `${rule.id}: ${md(rule.reason)}`).join('<br>') || '—';
      lines.push(`| ${action.actionId ?? '—'} | ${md(action.proposed)} | ${action.verdict} | ${action.state} | ${rules} |`);
    }
    const executed = result.actions.filter((action) => action.execution || action.note);
    if (executed.length > 0) {
      lines.push('', '### Execution', '');
      for (const action of executed) {
        const signature = signatureOf(action.execution);
        const link = signature ? explorerLink(signature, result.cluster) : null;
        const execution = action.execution;
        const detail =
          execution?.status === 'refused'
            ? `refused at ${execution.stage}: ${execution.reason}`
            : execution?.status === 'failed' || execution?.status === 'expired'
              ? execution.error
              : execution?.status === 'prepared'
                ? execution.reason
                : execution?.status === 'dry-run'
                  ? `simulated: ${execution.unitsConsumed} compute units, effects checked, nothing signed`
                  : (action.note ?? '');
        const tx = signature ? (link ? ` [${signature}](${link})` : ` \`${signature}\``) : '';
        lines.push(`- action ${action.actionId}: ${execution?.status ?? action.state}${tx}${detail ? ` — ${md(detail, 1000)}` : ''}`);
      }
    }
  }

  if (result.reviews.length > 0) {
    lines.push('', '## Proposal reviews', '');
    for (const outcome of result.reviews) {
      if (outcome.status === 'unchanged') {
        lines.push(
          `- ${md(outcome.name)} (${outcome.proposal}): unchanged since ${outcome.reviewedAt}, recommendation **${outcome.recommendation}**${outcome.markdownPath ? ` — ${outcome.markdownPath}` : ''}`,
        );
        continue;
      }
      const review = outcome.review;
      const severe = review.flags.filter((flag) => flag.severity === 'severe');
      lines.push(
        `- ${md(review.proposal.name)} (${review.proposal.address}): recommendation **${review.recommendation}**${outcome.markdownPath ? ` — ${outcome.markdownPath}` : ''}`,
      );
      for (const flag of severe) lines.push(`  - severe: ${flag.id} — ${md(flag.title)}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * The reports folder of one database: `steward-1a2b3c4d` for `.steward/steward.db` (its name and
 * a hash of its absolute path), so two databases, whose run ids both start at 1, never share a file.
 */
export function reportFolderOf(dbPath: string): string {
  if (dbPath === ':memory:') return `memory-${process.pid}`;
  const absolute = resolve(dbPath);
  return `${basename(absolute).replace(/\.[^.]+$/, '')}-${createHash('sha256').update(absolute).digest('hex').slice(0, 8)}`;
}

/**
 * Records the run's report in the journal and writes it, redacted and owner-only, to
 * `<reportsDir>/runs/<database folder>/<agent>-<runId>.md`; returns the path.
 */
export function saveRunReport(result: RunResult, options: { db: Db; dbPath: string; reportsDir: string }): string {
  const path = join(options.reportsDir, 'runs', reportFolderOf(options.dbPath), `${result.agent}-${result.runId}.md`);
  // What the file holds and what the journal keeps are the same redacted text.
  const report = redactText(renderRunReport(result));
  writePrivateFile(path, report);
  setRunReport(options.db, result.runId, path, report);
  return path;
}
