// What a proposal review is: the deterministic findings (always complete), the model's view
// (optional, never able to remove a finding), and the final recommendation, which is the more
// cautious of the two.
import { z } from 'zod';
import type { DecodedInstruction } from '../decode/types.js';
import type { RiskFlag, Severity } from '../risk/types.js';
import type { SimulationReport } from '../simulate/simulate-proposal.js';

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
  /** Untrusted text, kept verbatim for the record. */
  description: string;
}

export type ModelPart =
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string }
  | { status: 'answered'; review: ModelReview; raw: string; attempts: number };

export interface ProposalReview {
  version: 1;
  proposal: ProposalSummary;
  fingerprint: string;
  reviewedAt: string;
  slot: number | null;
  instructions: DecodedInstruction[];
  flags: RiskFlag[];
  maxSeverity: Severity | null;
  outflow: { usdMicros: bigint; shareBps: number | null };
  simulation: SimulationReport;
  model: ModelPart;
  recommendation: Recommendation;
  /** Why the final recommendation is what it is. */
  reasons: string[];
}

const CAUTION: Record<Recommendation, number> = { for: 0, abstain: 1, 'needs-human': 2, against: 3 };

export function moreCautious(a: Recommendation, b: Recommendation): Recommendation {
  return CAUTION[a] >= CAUTION[b] ? a : b;
}

/** JSON with bigints as decimal strings (amounts stay exact). */
export function reviewToJson(review: ProposalReview): string {
  return JSON.stringify(review, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
}
