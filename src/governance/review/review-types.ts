// What a proposal review is: the deterministic findings (always complete), the model's view
// (optional, never able to remove a finding), and the final recommendation, which is the more
// cautious of the two.
import { z } from 'zod';
import type { DecodedInstruction } from '../decode/types.js';
import type { Recipient } from '../risk/recipients.js';
import type { ChangeView } from './voter-view.js';
import type { RiskFlag, Severity } from '../risk/types.js';
import type { SimulationReport } from '../simulate/simulate-proposal.js';
import type { GoverningTokenKind } from '../read/get-proposals.js';
import { textExcerpt, type Truncation } from './model-view.js';

export const recommendations = ['for', 'abstain', 'needs-human', 'against'] as const;
export type Recommendation = (typeof recommendations)[number];

/** What the model must answer: schema-constrained JSON, validated again with zod. */
export const modelReviewSchema = z.strictObject({
  // Caps keep a worst-case answer near 2,500 tokens: a model that rambles still finishes the JSON.
  summary: z.string().min(1).max(500).describe('what the proposal does, judged by its instructions'),
  risks: z
    .array(z.strictObject({ text: z.string().min(1).max(160), evidence: z.string().max(160) }))
    .max(4)
    .describe('risks the deterministic findings missed, each with evidence'),
  recommendation: z.enum(recommendations),
  // An enum, not a number in [0, 1]: a llama.cpp grammar cannot bound numbers, an enum it can.
  confidence: z.enum(['low', 'medium', 'high']).describe('how sure the review is'),
  questions: z.array(z.string().min(1).max(160)).max(3).describe('what a voter should ask the author'),
});
export type ModelReview = z.output<typeof modelReviewSchema>;

export interface ProposalSummary {
  address: string;
  name: string;
  realm: string;
  governance: string;
  state: string;
  votingEndsAt: number | null;
  yesVotes: bigint;
  noVotes: bigint;
  governingTokenMint: string | null;
  /** Whose votes decide it: the realm's community or its council (null when not known). */
  governingToken: GoverningTokenKind | null;
  /** Decimals of the governing token, so tallies read in whole tokens; null when unknown. */
  governingTokenDecimals: number | null;
  /** Untrusted text, kept verbatim for the record. */
  description: string;
}

/** Which model answered: its file or endpoint name, hash, and whether its weights are random (the generated test model). */
export interface ModelLabel {
  model: string;
  sha256: string | null;
  /** GGUF general.name of a local model, when it has one. */
  name: string | null;
  randomWeights: boolean;
}

export type ModelPart =
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string; label: ModelLabel | null }
  | { status: 'answered'; review: ModelReview; raw: string; attempts: number; label: ModelLabel | null };

/** How a review names the model's confidence: the model's claim, never a measured probability. */
export function modelClaim(part: Extract<ModelPart, { status: 'answered' }>): string {
  const label = part.label;
  const who = label ? `model ${label.model}${label.sha256 ? ` (sha256 ${label.sha256.slice(0, 12)}…)` : ''}` : 'the model';
  const caveat = label?.randomWeights ? 'random weights — not a judgement' : 'a claim by the model, not a measured probability';
  return `${who} says ${part.review.recommendation}, its confidence "${part.review.confidence}" (${caveat})`;
}

export interface ProposalReview {
  version: 2;
  proposal: ProposalSummary;
  /** The untrusted fields the model was shown only in part (empty when it saw everything). */
  truncated: Truncation[];
  fingerprint: string;
  reviewedAt: string;
  slot: number | null;
  instructions: DecodedInstruction[];
  /** Who receives each outflow: account, owner, and how it compares with the addresses the DAO knows. */
  recipients: Recipient[];
  /** Programs by ProgramData address, as resolved for upgrade-authority changes. */
  programs: Record<string, string>;
  flags: RiskFlag[];
  maxSeverity: Severity | null;
  outflow: { usdMicros: bigint; shareBps: number | null };
  simulation: SimulationReport;
  /** The simulation's changes as sentences: who gains or loses how much of what, authorities before → after. */
  changes: ChangeView[];
  model: ModelPart;
  recommendation: Recommendation;
  /** Why the final recommendation is what it is. */
  reasons: string[];
}

const CAUTION: Record<Recommendation, number> = { for: 0, abstain: 1, 'needs-human': 2, against: 3 };

export function moreCautious(a: Recommendation, b: Recommendation): Recommendation {
  return CAUTION[a] >= CAUTION[b] ? a : b;
}

export interface ReviewJsonOptions {
  /** Include the whole description, not a bounded excerpt (`--full-text`). */
  fullText?: boolean;
}

/** The review as plain data for JSON: the description as a bounded excerpt with its length and hash (whole with `fullText`). */
export function reviewForJson(review: ProposalReview, options: ReviewJsonOptions = {}): unknown {
  const excerpt = textExcerpt('description', review.proposal.description, options.fullText ?? false);
  const { text, ...about } = excerpt;
  const proposal = {
    ...review.proposal,
    description: text,
    descriptionText: { ...about, complete: about.shownChars === about.totalChars },
  };
  return JSON.parse(
    JSON.stringify({ ...review, proposal }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
  );
}

/** JSON with bigints as decimal strings (amounts stay exact); the description bounded unless `fullText`. */
export function reviewToJson(review: ProposalReview, options: ReviewJsonOptions = {}): string {
  return JSON.stringify(reviewForJson(review, options), null, 2);
}
