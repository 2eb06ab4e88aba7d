// The Markdown report of one review, for DAO members. Untrusted text (title, description,
// model output) is shown inside code fences so it cannot render as links, images or headings, and
// untrusted text inside a line goes through `markdownText`; neither can carry a control character.
import { formatAmount, markdownFence, markdownText } from '../../shared/index.js';
import { formatUsd } from '../decode/amount.js';
import type { ProposalReview } from './review-types.js';


const ICON = { severe: 'SEVERE', warn: 'WARN', info: 'info' } as const;

export function renderReviewMarkdown(review: ProposalReview): string {
  const p = review.proposal;
  const lines: string[] = [];
  lines.push(`# Review: proposal ${p.address}`, '');
  lines.push(`**Recommendation: ${review.recommendation.toUpperCase()}**`, '');
  for (const reason of review.reasons) lines.push(`- ${markdownText(reason)}`);
  lines.push('');
  lines.push('| | |', '|---|---|');
  lines.push(`| realm | \`${p.realm}\` |`, `| governance | \`${p.governance}\` |`, `| state | ${p.state} |`);
  lines.push(`| voting ends | ${p.votingEndsAt === null ? 'n/a' : new Date(p.votingEndsAt * 1000).toISOString()} |`);
  lines.push(`| votes | yes ${p.yesVotes}, no ${p.noVotes} (base units of the governing token) |`);
  lines.push(`| value leaving the treasury | ${formatUsd(review.outflow.usdMicros)}${review.outflow.shareBps === null ? '' : ` (${(review.outflow.shareBps / 100).toFixed(2)}%)`} |`);
  lines.push(`| reviewed | ${review.reviewedAt}${review.slot === null ? '' : ` at slot ${review.slot}`} |`, '');
  lines.push('## Title and description (untrusted, as written by the author)', '', markdownFence(p.name), '', markdownFence(p.description), '');
  lines.push(`## What the instructions do (${review.instructions.length})`, '');
  for (const ix of review.instructions) lines.push(`${ix.index}. \`${ix.program}\` ${markdownText(ix.summary)}`);
  lines.push('', `## Findings (${review.flags.length})`, '');
  if (review.flags.length === 0) lines.push('No deterministic finding.');
  for (const flag of review.flags) {
    lines.push(`- **${ICON[flag.severity]}** \`${flag.id}\`: ${markdownText(flag.title)}`);
    for (const evidence of flag.evidence) lines.push(`  - ${markdownText(evidence)}`);
  }
  lines.push('', '## Simulation', '');
  const sim = review.simulation;
  if (sim.status === 'not-simulated') lines.push(`Not simulated: ${markdownText(sim.reason)}.`);
  else {
    lines.push(`${sim.ok ? 'Succeeds' : `Fails: ${markdownText(sim.error)}`} (fee payer \`${sim.feePayer}\`, ${sim.unitsConsumed ?? '?'} compute units).`);
    lines.push(
      sim.path === 'program'
        ? 'Path: the governance program\'s own ExecuteTransaction, on a copy of the state where the vote succeeded and the hold-up passed (the governance signs by CPI).'
        : `Path: the inner instructions as one transaction with signatures not checked${sim.fallback ? ` (the program path did not run: ${markdownText(sim.fallback)})` : ''}.`,
    );
    lines.push(`Simulated at slot ${sim.slots.simulation}, against the pre-state read at slots ${sim.slots.pre} and ${sim.slots.recheck}${sim.rounds > 1 ? ` (${sim.rounds} rounds: the treasury moved meanwhile)` : ''}.`, '');
    for (const change of sim.changes) {
      const parts = [`lamports ${change.lamportsDelta >= 0n ? '+' : ''}${formatAmount(change.lamportsDelta, 9)} SOL`];
      if (change.tokenDelta !== null) parts.push(`tokens ${change.tokenDelta >= 0n ? '+' : ''}${change.tokenDelta} base units of ${change.mint}`);
      parts.push(...change.authorityChanges.map((change) => markdownText(change)));
      lines.push(`- \`${change.address}\`${change.treasury ? ' (treasury)' : ''}: ${parts.join('; ')}`);
    }
  }
  lines.push('', '## Model review', '');
  const model = review.model;
  if (model.status === 'skipped') lines.push(`Skipped: ${markdownText(model.reason)}.`);
  else if (model.status === 'failed') lines.push(`Failed: ${markdownText(model.error)}. The deterministic findings above stand alone.`);
  else {
    lines.push(`Recommendation ${model.review.recommendation}, confidence ${model.review.confidence} (model output, untrusted):`, '');
    lines.push(markdownFence(JSON.stringify(model.review, null, 2), 'json'));
  }
  lines.push('');
  return lines.join('\n');
}
