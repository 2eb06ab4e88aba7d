// The Markdown report of one review, for DAO members, in the order a voter reads it: the title
// (escaped, as a heading) with the proposal's address and link; what the model did not see; the
// recommendation and why; who receives what (owners, look-alikes shown aligned); the findings;
// the simulated changes as "who gains or loses how much of what" and authorities before → after;
// the model's claim, labelled with its identity; last, the untrusted text as a bounded excerpt
// with its length and hash (`fullText` for all of it). Untrusted text inside a line goes through
// `markdownText`, blocks through `markdownFence`: neither can carry a control character, open a
// link or forge a heading.
import { formatTokenNumber, formatUsd, markdownFence, markdownText } from '../../shared/index.js';
import { describeSource, type Recipient } from '../risk/recipients.js';
import { textExcerpt } from './model-view.js';
import { modelClaim, type ProposalReview } from './review-types.js';
import { programName } from './voter-view.js';

const ICON = { severe: 'SEVERE', warn: 'WARN', info: 'info' } as const;

export interface RenderOptions {
  /** Show the whole description instead of a bounded excerpt. */
  fullText?: boolean;
}

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(part / whole < 0.1 ? 1 : 0)}%`;
const count = (n: number): string => n.toLocaleString('en-US');

function votes(raw: bigint, decimals: number | null): string {
  return decimals === null
    ? `${formatTokenNumber(raw, 0)} (base units; the governing token's decimals are unknown)`
    : formatTokenNumber(raw, decimals);
}

function timeLeft(endsAt: number | null, reviewedAt: string): string {
  if (endsAt === null) return 'n/a';
  const left = endsAt - Math.floor(Date.parse(reviewedAt) / 1000);
  const when = new Date(endsAt * 1000).toISOString();
  if (left <= 0) return `${when} (over)`;
  const human =
    left < 7_200 ? `${Math.round(left / 60)} min` : left < 172_800 ? `${(left / 3600).toFixed(1)} h` : `${(left / 86_400).toFixed(1)} days`;
  return `${when} (in ${human})`;
}

function recipientLine(r: Recipient): string {
  const usd = r.amount.usdMicros === null ? ' (no trusted price)' : ` (${formatUsd(r.amount.usdMicros, 'cents')})`;
  const what = r.kind === 'approval' ? 'allows' : 'pays';
  const owner = r.owner && r.owner !== r.account ? ` — token account of \`${r.owner}\`` : r.owner === null ? ' — owner unknown' : '';
  const verdict =
    r.match.kind === 'exact'
      ? `**${describeSource(r.match.source)}**${r.match.label ? ` (${markdownText(r.match.label)})` : ''}`
      : r.match.kind === 'look-alike'
        ? `**LOOK-ALIKE** of an address the DAO knows (${describeSource(r.match.source)}): not the same address`
        : "**new**: never paid, not allow-listed, not the DAO's";
  return `- instruction #${r.instruction} ${what} **${markdownText(r.amount.display)}**${usd} to \`${r.account}\`${owner}: ${verdict}`;
}

export function renderReviewMarkdown(review: ProposalReview, options: RenderOptions = {}): string {
  const p = review.proposal;
  const lines: string[] = [];
  lines.push(`# ${markdownText(p.name.replaceAll(/\s+/g, ' ').trim() || '(untitled proposal)')}`, '');
  lines.push(
    `Proposal \`${p.address}\` ([explorer](https://explorer.solana.com/address/${p.address})) · realm \`${p.realm}\` · title and description are the author's claims, untrusted.`,
    '',
  );
  for (const cut of review.truncated) {
    lines.push(
      `> **The model saw only ${count(cut.shownChars)} of ${count(cut.totalChars)} characters (${percent(cut.shownChars, cut.totalChars)}) of the ${cut.field}** (sha256 \`${cut.sha256}\`).`,
      '',
    );
  }
  const severe = review.flags.filter((f) => f.severity === 'severe');
  lines.push(
    `**Recommendation: ${review.recommendation.toUpperCase()}**${severe.length > 0 ? ` — ${severe.length} severe: ${[...new Set(severe.map((f) => `\`${f.id}\``))].join(', ')}` : ''}`,
    '',
  );
  for (const reason of review.reasons) lines.push(`- ${markdownText(reason)}`);
  lines.push('');
  lines.push('| | |', '|---|---|');
  lines.push(
    `| value leaving the treasury | ${formatUsd(review.outflow.usdMicros, 'cents')}${review.outflow.shareBps === null ? '' : ` (${(review.outflow.shareBps / 100).toFixed(2)}% of its value)`} |`,
  );
  lines.push(`| voting ends | ${timeLeft(p.votingEndsAt, review.reviewedAt)} |`);
  lines.push(
    `| votes | yes ${votes(p.yesVotes, p.governingTokenDecimals)}, no ${votes(p.noVotes, p.governingTokenDecimals)} ${p.governingToken === 'community' || p.governingToken === 'council' ? `${p.governingToken} tokens` : 'governing tokens'} |`,
  );
  lines.push(`| state | ${p.state} |`, `| reviewed | ${review.reviewedAt}${review.slot === null ? '' : ` at slot ${review.slot}`} |`, '');

  lines.push(`## Who receives what (${review.recipients.length})`, '');
  if (review.recipients.length === 0) lines.push('Nothing leaves the treasury by these instructions.');
  for (const recipient of review.recipients) {
    lines.push(recipientLine(recipient));
    if (recipient.match.kind === 'look-alike') {
      lines.push('', markdownFence([...recipient.match.aligned, ...recipient.match.why.map((why) => `(${why})`)].join('\n')), '');
    }
  }
  lines.push('', `## Findings (${review.flags.length})`, '');
  if (review.flags.length === 0) lines.push('No deterministic finding.');
  for (const flag of review.flags) {
    lines.push(`- **${ICON[flag.severity]}** \`${flag.id}\`: ${markdownText(flag.title)}`);
    if (flag.id === 'look-alike-recipient') continue; // shown aligned above
    for (const evidence of flag.evidence) lines.push(`  - ${markdownText(evidence)}`);
  }
  lines.push('', `## What the instructions do (${review.instructions.length})`, '');
  for (const ix of review.instructions)
    lines.push(`${ix.index}. ${markdownText(programName(ix.program, ix.programId))}: ${markdownText(ix.summary)}`);

  lines.push('', '## Simulated changes', '');
  const sim = review.simulation;
  if (sim.status === 'not-simulated') lines.push(`Not simulated: ${markdownText(sim.reason)}.`);
  else {
    lines.push(
      `${sim.ok ? 'Succeeds' : `Fails: ${markdownText(sim.error)}`} (${sim.unitsConsumed ?? '?'} compute units, slot ${sim.slots.simulation}).`,
      '',
    );
    for (const change of review.changes) {
      const parts = [...change.moves, ...change.authorities];
      lines.push(
        `- ${markdownText(change.who)}${change.who.includes(change.address) ? '' : ` (\`${change.address}\`)`}: ${parts.map((part) => markdownText(part)).join('; ') || 'changes'}`,
      );
    }
    lines.push(
      '',
      sim.path === 'program'
        ? "Path: the governance program's own ExecuteTransaction, on a copy of the state where the vote succeeded and the hold-up passed (the governance signs by CPI)."
        : `Path: the inner instructions as one transaction with signatures not checked${sim.fallback ? ` (the program path did not run: ${markdownText(sim.fallback)})` : ''}.`,
      `Pre-state read at slots ${sim.slots.pre} and ${sim.slots.recheck}${sim.rounds > 1 ? ` (${sim.rounds} rounds: the treasury moved meanwhile)` : ''}; fee payer \`${sim.feePayer}\`.`,
    );
  }

  lines.push('', '## Model review', '');
  const model = review.model;
  if (model.status === 'skipped') lines.push(`Skipped: ${markdownText(model.reason)}.`);
  else if (model.status === 'failed') {
    const who = model.label ? ` (model ${model.label.model}${model.label.randomWeights ? ', random weights' : ''})` : '';
    lines.push(`Failed${markdownText(who)}: ${markdownText(model.error)}. The deterministic findings above stand alone.`);
  } else {
    lines.push(`${markdownText(modelClaim(model))}. Its answer (model output, untrusted):`, '');
    lines.push(markdownFence(JSON.stringify(model.review, null, 2), 'json'));
  }

  const title = textExcerpt('title', p.name, options.fullText);
  const description = textExcerpt('description', p.description, options.fullText);
  lines.push('', '## Title and description (untrusted, as written by the author)', '');
  lines.push(markdownFence(title.text), '');
  lines.push(
    description.shownChars === description.totalChars
      ? `Description: ${count(description.totalChars)} characters, sha256 \`${description.sha256}\`.`
      : `Description: the first ${count(description.shownChars)} of ${count(description.totalChars)} characters (sha256 \`${description.sha256}\`); \`steward review --full-text\` shows all of it.`,
    '',
    markdownFence(description.text),
    '',
  );
  return lines.join('\n');
}
