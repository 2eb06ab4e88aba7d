// Reviews one proposal: decode its instructions, assess the deterministic risks, take the
// simulation report, then (optionally) ask the model. The final review always carries every
// deterministic flag whatever the model said, and its recommendation is the more cautious of
// the code's and the model's: the model can add concerns, never remove them.
import type { PublicKey } from '@solana/web3.js';
import { decide, type StewardModelExtras } from '../../llm/index.js';
import { decodeInstructions } from '../decode/index.js';
import type { ProposalView } from '../read/get-proposals.js';
import { assessRisks } from '../risk/assess-risks.js';
import { maxSeverity, type RiskFlag, type RiskThresholds } from '../risk/types.js';
import type { SimulationReport } from '../simulate/simulate-proposal.js';
import type { TreasuryIndex } from '../treasury-context.js';
import { buildReviewPrompt } from './review-prompt.js';
import { modelReviewSchema, moreCautious, type ModelPart, type ProposalReview, type Recommendation } from './review-types.js';

export interface ReviewProposalParams {
  proposal: ProposalView;
  treasury: TreasuryIndex;
  /** Unix seconds (the chain clock or the observer's). */
  now: number;
  slot?: number | null;
  /** From simulateProposal; absent means it was not attempted. */
  simulation?: SimulationReport;
  governancePrograms?: readonly PublicKey[];
  /** null or absent: the deterministic review alone. */
  model?: Pick<StewardModelExtras, 'generateStructured'> | null;
  maxTokens?: number;
  maxAttempts?: number;
  thresholds?: Partial<RiskThresholds>;
}

function deterministicRecommendation(flags: readonly RiskFlag[]): { recommendation: Recommendation; reason: string } {
  const severity = maxSeverity(flags);
  if (severity === 'severe') return { recommendation: 'against', reason: `${flags.filter((f) => f.severity === 'severe').length} severe finding(s): ${[...new Set(flags.filter((f) => f.severity === 'severe').map((f) => f.id))].join(', ')}` };
  if (severity === 'warn') return { recommendation: 'needs-human', reason: `warnings to check: ${[...new Set(flags.filter((f) => f.severity === 'warn').map((f) => f.id))].join(', ')}` };
  return { recommendation: 'for', reason: 'no warning or severe finding' };
}

export async function reviewProposal(params: ReviewProposalParams): Promise<ProposalReview> {
  const { proposal, treasury } = params;
  const instructions = decodeInstructions(
    proposal.transactions.flatMap((t) => t.instructions),
    treasury,
    params.governancePrograms ? { governancePrograms: params.governancePrograms } : {},
  );
  const assessment = assessRisks({
    instructions,
    treasury,
    title: proposal.name,
    description: proposal.descriptionLink,
    now: params.now,
    votingEndsAt: proposal.state === 'Voting' ? proposal.votingEndsAt : null,
    holdUpSeconds: proposal.transactions.map((t) => t.holdUpSeconds),
    ...(params.thresholds ? { thresholds: params.thresholds } : {}),
  });
  const flags = [...assessment.flags];
  if (proposal.missingTransactions.length > 0) {
    flags.unshift({
      id: 'missing-transactions',
      severity: 'severe',
      title: 'some of the proposal transactions could not be read',
      evidence: proposal.missingTransactions.map((a) => `transaction account ${a} not found or unreadable`),
      instructions: [],
    });
  }
  const simulation: SimulationReport = params.simulation ?? { status: 'not-simulated', reason: 'simulation was not requested' };
  if (simulation.status === 'simulated' && !simulation.ok) {
    flags.push({ id: 'simulation-failed', severity: 'warn', title: 'the instructions fail when simulated now', evidence: [simulation.error ?? 'unknown error', ...simulation.logs.slice(-5)], instructions: [] });
  }
  const base = deterministicRecommendation(flags);
  const reasons = [`deterministic: ${base.recommendation} (${base.reason})`];
  let recommendation = base.recommendation;
  let model: ModelPart = { status: 'skipped', reason: 'no model (--no-model)' };
  if (params.model) {
    try {
      const decision = await decide({
        model: params.model,
        schema: modelReviewSchema,
        schemaName: 'proposal_review',
        prompt: buildReviewPrompt({
          name: proposal.name,
          description: proposal.descriptionLink,
          instructions,
          flags,
          outflowUsdMicros: assessment.outflowUsdMicros,
          outflowShareBps: assessment.outflowShareBps,
          simulation,
          votingEndsAt: proposal.votingEndsAt,
        }),
        ...(params.maxTokens === undefined ? {} : { maxTokens: params.maxTokens }),
        ...(params.maxAttempts === undefined ? {} : { maxAttempts: params.maxAttempts }),
      });
      model = { status: 'answered', review: decision.value, raw: decision.raw, attempts: decision.attempts };
      const final = moreCautious(base.recommendation, decision.value.recommendation);
      reasons.push(`model: ${decision.value.recommendation} (confidence ${decision.value.confidence})`);
      if (final !== decision.value.recommendation) reasons.push(`the model's "${decision.value.recommendation}" is overruled by the deterministic findings`);
      recommendation = final;
    } catch (error) {
      const details = error instanceof Error && 'details' in error && Array.isArray(error.details) ? ` (${(error.details as string[]).slice(0, 3).join('; ')})` : '';
      model = { status: 'failed', error: `${error instanceof Error ? error.message : String(error)}${details}` };
      reasons.push(`model failed (${model.error}); the deterministic review stands alone`);
    }
  }
  return {
    version: 1,
    proposal: {
      address: proposal.address,
      name: proposal.name,
      realm: proposal.realm,
      governance: proposal.governance.address,
      state: proposal.state,
      votingEndsAt: proposal.votingEndsAt,
      yesVotes: proposal.yesVotes,
      noVotes: proposal.noVotes,
      description: proposal.descriptionLink,
    },
    fingerprint: proposal.fingerprint,
    reviewedAt: new Date(params.now * 1000).toISOString(),
    slot: params.slot ?? null,
    instructions,
    flags,
    maxSeverity: maxSeverity(flags),
    outflow: { usdMicros: assessment.outflowUsdMicros, shareBps: assessment.outflowShareBps },
    simulation,
    model,
    recommendation,
    reasons,
  };
}
