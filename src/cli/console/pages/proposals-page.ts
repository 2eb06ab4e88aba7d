// Proposals: each stored review as a voter should see it — severity first, the deterministic
// findings, the decoded instructions, the simulated changes, then the model's view labelled as
// untrusted model output — with any vote of the agent that awaits approval.
import type { StoredReview } from '../../../governance/index.js';
import type { ActionRow } from '../../../execute/index.js';
import { html, preText, type Html } from '../html.js';

/** A stored review as it reads back from JSON (amounts as decimal strings). */
interface ReviewJson {
  proposal: { address: string; name: string; realm: string; state: string; description: string; yesVotes: string; noVotes: string };
  recommendation: string;
  reasons: string[];
  maxSeverity: string | null;
  flags: { id: string; severity: string; title: string; evidence: string[] }[];
  instructions: { index: number; program: string; summary: string }[];
  outflow: { usdMicros: string; shareBps: number | null };
  simulation:
    | { status: 'not-simulated'; reason: string }
    | {
        status: 'simulated';
        ok: boolean;
        error: string | null;
        changes: {
          address: string;
          treasury: boolean;
          lamportsDelta: string;
          tokenDelta: string | null;
          mint: string | null;
          authorityChanges: string[];
        }[];
      };
  model:
    | { status: 'skipped'; reason: string }
    | { status: 'failed'; error: string }
    | {
        status: 'answered';
        review: {
          summary: string;
          risks: { text: string; evidence: string }[];
          recommendation: string;
          confidence: string;
          questions: string[];
        };
      };
}

const SEVERITY_ORDER: Record<string, number> = { severe: 0, warn: 1, info: 2 };

function modelPart(model: ReviewJson['model']): Html {
  if (model.status === 'skipped') return html`<p>Model review skipped: ${model.reason}.</p>`;
  if (model.status === 'failed') return html`<p>Model review failed: ${model.error}. The findings above stand alone.</p>`;
  const view = model.review;
  return html`<div class="model-view">
    <p class="label">
      The model's view (model output, untrusted; it can add risks, never remove a finding): recommendation ${view.recommendation},
      confidence ${view.confidence}
    </p>
    <p>${view.summary}</p>
    ${
      view.risks.length > 0
        ? html`<ul>
            ${view.risks.map((risk) => html`<li>${risk.text} <span class="evidence">(${risk.evidence})</span></li>`)}
          </ul>`
        : ''
    }
    ${
      view.questions.length > 0
        ? html`<p>Questions for the author:</p>
            <ul>
              ${view.questions.map((q) => html`<li>${q}</li>`)}
            </ul>`
        : ''
    }
  </div>`;
}

function reviewCard(stored: StoredReview, votes: readonly ActionRow[]): Html {
  const review = JSON.parse(stored.json) as ReviewJson;
  const flags = [...review.flags].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
  const sim = review.simulation;
  return html`<article class="review sev-${review.maxSeverity ?? 'none'}" data-proposal="${review.proposal.address}">
    <h2>
      <span class="severity">${(review.maxSeverity ?? 'no finding').toUpperCase()}</span> · recommendation
      <strong>${review.recommendation.toUpperCase()}</strong>
    </h2>
    <p class="label">Title (untrusted, as written by the author):</p>
    <p class="proposal-title">${review.proposal.name}</p>
    <p class="mono">
      ${review.proposal.address} · ${review.proposal.state} · yes ${review.proposal.yesVotes} / no ${review.proposal.noVotes}
    </p>
    <ul class="reasons">
      ${review.reasons.map((reason) => html`<li>${reason}</li>`)}
    </ul>
    <h3>Findings (${flags.length})</h3>
    ${
      flags.length === 0
        ? html`<p>No deterministic finding.</p>`
        : html`<ul>
            ${flags.map(
              (flag) =>
                html`<li class="sev-${flag.severity}">
                  <strong>${flag.severity.toUpperCase()}</strong> <code>${flag.id}</code> ${flag.title}${
                    flag.evidence.length > 0
                      ? html`<ul>
                          ${flag.evidence.map((e) => html`<li>${e}</li>`)}
                        </ul>`
                      : ''
                  }
                </li>`,
            )}
          </ul>`
    }
    <h3>What the instructions do (${review.instructions.length})</h3>
    <ol>
      ${review.instructions.map((ix) => html`<li><code>${ix.program}</code> ${ix.summary}</li>`)}
    </ol>
    <h3>Simulated changes</h3>
    ${
      sim.status === 'not-simulated'
        ? html`<p>Not simulated: ${sim.reason}.</p>`
        : html`<p>${sim.ok ? 'Succeeds' : html`Fails: ${sim.error ?? ''}`}.</p>
            <ul>
              ${sim.changes.map(
                (change) =>
                  html`<li>
                    <span class="mono">${change.address}</span>${change.treasury ? ' (treasury)' : ''}: lamports
                    ${change.lamportsDelta}${change.tokenDelta === null ? '' : `; tokens ${change.tokenDelta} of ${change.mint ?? '?'}`}${change.authorityChanges.map((a) => html`; ${a}`)}
                  </li>`,
              )}
            </ul>`
    }
    <h3>Model review</h3>
    ${modelPart(review.model)}
    <details>
      <summary>Description (untrusted, as written by the author)</summary>
      <pre>${preText(review.proposal.description)}</pre>
    </details>
    ${votes.length > 0 ? html`<p class="vote">Vote awaiting approval: ${votes.map((vote) => html`<a href="/approvals#action-${vote.id}">action ${vote.id}</a> `)}</p>` : ''}
  </article>`;
}

export function proposalsPage(reviews: readonly StoredReview[], pendingVotes: readonly ActionRow[]): Html {
  if (reviews.length === 0) return html`<p>No review stored yet (\`steward review\`, or a run of an agent with the proposals task).</p>`;
  const votesOf = (proposal: string) =>
    pendingVotes.filter((vote) => (JSON.parse(vote.payload) as { proposal?: unknown }).proposal === proposal);
  return html`${reviews.map((review) => reviewCard(review, votesOf(review.proposal)))}`;
}
