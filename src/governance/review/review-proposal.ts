// Reviews one proposal: decode its instructions, assess the deterministic risks, take the
// simulation report, then (optionally) ask the model. The final review always carries every
// deterministic flag whatever the model said, and its recommendation is the more cautious of
// the code's and the model's: the model can add concerns, never remove them.
import type { PublicKey } from '@solana/web3.js';
import { decide, TEST_MODEL_NAME, type ModelIdentity, type StewardModelExtras } from '../../llm/index.js';
import { short } from '../decode/base.js';
import { decodeInstructions } from '../decode/index.js';
import type { DecodedInstruction } from '../decode/types.js';
import type { ProposalView } from '../read/get-proposals.js';
import { assessRisks, injectionEvidence } from '../risk/assess-risks.js';
import { asksToMoveFunds, INJECTION_THRESHOLD, INJECTION_WARN_SCORE, scanInjection } from '../risk/injection.js';
import { assessRecipients, type KnownDestination } from '../risk/recipients.js';
import { maxSeverity, type RiskFlag, type RiskThresholds } from '../risk/types.js';
import type { SimulationReport } from '../simulate/simulate-proposal.js';
import type { TreasuryIndex } from '../treasury-context.js';
import { buildReviewPrompt } from './review-prompt.js';
import { modelTextView, type Truncation } from './model-view.js';
import { describeSimulatedChanges } from './voter-view.js';
import {
  modelClaim,
  modelReviewSchema,
  moreCautious,
  type ModelLabel,
  type ModelPart,
  type ProposalReview,
  type Recommendation,
} from './review-types.js';

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
  /** The allow-list and past recipients, by source (default: the treasury context's known destinations). */
  knownDestinations?: readonly KnownDestination[];
  /** Programs by their ProgramData address, so an upgrade-authority change names the program. */
  programsByProgramData?: Readonly<Record<string, string>>;
  /** Who the model is (labels its answer; the generated test model is named as random weights). */
  modelIdentity?: ModelIdentity | null;
  maxTokens?: number;
  maxAttempts?: number;
  thresholds?: Partial<RiskThresholds>;
}

function deterministicRecommendation(flags: readonly RiskFlag[]): { recommendation: Recommendation; reason: string } {
  const severity = maxSeverity(flags);
  if (severity === 'severe')
    return {
      recommendation: 'against',
      reason: `${flags.filter((f) => f.severity === 'severe').length} severe finding(s): ${[...new Set(flags.filter((f) => f.severity === 'severe').map((f) => f.id))].join(', ')}`,
    };
  if (severity === 'warn')
    return {
      recommendation: 'needs-human',
      reason: `warnings to check: ${[...new Set(flags.filter((f) => f.severity === 'warn').map((f) => f.id))].join(', ')}`,
    };
  return { recommendation: 'for', reason: 'no warning or severe finding' };
}

/** The label of a model's answer, from its identity. */
export function modelLabelOf(identity: ModelIdentity | null | undefined): ModelLabel | null {
  if (!identity) return null;
  return {
    model: identity.model,
    sha256: identity.sha256 ?? null,
    name: identity.name ?? null,
    randomWeights: identity.name === TEST_MODEL_NAME,
  };
}

/** Instruction-like text past what the model is shown: a deterministic flag, whatever the model says. */
function beyondModelViewFlags(name: string, description: string): { truncated: Truncation[]; flags: RiskFlag[] } {
  const truncated: Truncation[] = [];
  const flags: RiskFlag[] = [];
  for (const [field, text] of [
    ['title', name],
    ['description', description],
  ] as const) {
    const { truncation, beyond } = modelTextView(field, text);
    if (!truncation) continue;
    truncated.push(truncation);
    // Instruction-like: the signals of what the text says, not padding alone (a long text is not an instruction).
    const full = scanInjection(beyond);
    const signals = full.signals.filter((s) => s.id !== 'padding-before-payload');
    const score = signals.reduce((sum, s) => sum + s.weight, 0);
    const scan = {
      ...full,
      signals,
      score,
      detected: score >= INJECTION_THRESHOLD,
      level: score >= INJECTION_THRESHOLD ? ('severe' as const) : score >= INJECTION_WARN_SCORE ? ('warn' as const) : null,
    };
    const asked = asksToMoveFunds(beyond);
    if (scan.level === null && asked === null) continue;
    const seen = `the model is shown ${truncation.shownChars.toLocaleString('en-US')} of ${truncation.totalChars.toLocaleString('en-US')} characters of the ${field}`;
    flags.push({
      id: 'text-beyond-model-view',
      severity: scan.level === 'severe' || asked !== null ? 'severe' : 'warn',
      title: `instruction-like text in the ${field} beyond what the model is shown`,
      evidence: [seen, ...injectionEvidence(scan), ...(asked ? [`asks for funds to move: ${JSON.stringify(asked)}`] : [])],
      instructions: [],
    });
  }
  return { truncated, flags };
}

/** An upgrade-authority change names the program, not only its ProgramData account. */
function nameUpgradedPrograms(instructions: DecodedInstruction[], programs: Readonly<Record<string, string>>): DecodedInstruction[] {
  return instructions.map((ix) => {
    if (ix.kind !== 'program-set-authority') return ix;
    const program = programs[ix.account];
    if (!program) return ix;
    const to = ix.newAuthority === null ? 'NONE (program becomes immutable)' : short(ix.newAuthority);
    return {
      ...ix,
      upgradedProgram: program,
      summary: `set the upgrade authority of program ${short(program)} (ProgramData ${short(ix.account)}) to ${to}`,
    };
  });
}

export async function reviewProposal(params: ReviewProposalParams): Promise<ProposalReview> {
  const { proposal, treasury } = params;
  const instructions = nameUpgradedPrograms(
    decodeInstructions(
      proposal.transactions.flatMap((t) => t.instructions),
      treasury,
      params.governancePrograms ? { governancePrograms: params.governancePrograms } : {},
    ),
    params.programsByProgramData ?? {},
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
  const beyond = beyondModelViewFlags(proposal.name, proposal.descriptionLink);
  flags.push(...beyond.flags);
  const simulation: SimulationReport = params.simulation ?? { status: 'not-simulated', reason: 'simulation was not requested' };
  const recipients = assessRecipients({
    outflows: assessment.outflows,
    instructions,
    changes: simulation.status === 'simulated' ? simulation.changes : [],
    treasury,
    ...(params.knownDestinations ? { known: params.knownDestinations } : {}),
  });
  flags.unshift(...recipients.flags);
  if (simulation.status === 'simulated' && !simulation.ok) {
    flags.push({
      id: 'simulation-failed',
      severity: 'warn',
      title: 'the instructions fail when simulated now',
      evidence: [simulation.error ?? 'unknown error', ...simulation.logs.slice(-5)],
      instructions: [],
    });
  }
  const base = deterministicRecommendation(flags);
  const reasons = [`deterministic: ${base.recommendation} (${base.reason})`];
  let recommendation = base.recommendation;
  let model: ModelPart = { status: 'skipped', reason: 'no model (--no-model)' };
  const label = modelLabelOf(params.modelIdentity);
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
      const answered = { status: 'answered' as const, review: decision.value, raw: decision.raw, attempts: decision.attempts, label };
      model = answered;
      const final = moreCautious(base.recommendation, decision.value.recommendation);
      reasons.push(`model: ${modelClaim(answered)}`);
      if (final !== decision.value.recommendation)
        reasons.push(`the model's "${decision.value.recommendation}" is overruled by the deterministic findings`);
      recommendation = final;
    } catch (error) {
      const details =
        error instanceof Error && 'details' in error && Array.isArray(error.details)
          ? ` (${(error.details as string[]).slice(0, 3).join('; ')})`
          : '';
      model = { status: 'failed', error: `${error instanceof Error ? error.message : String(error)}${details}`, label };
      reasons.push(`model failed (${model.error}); the deterministic review stands alone`);
    }
  }
  return {
    version: 2,
    truncated: beyond.truncated,
    proposal: {
      address: proposal.address,
      name: proposal.name,
      realm: proposal.realm,
      governance: proposal.governance.address,
      state: proposal.state,
      votingEndsAt: proposal.votingEndsAt,
      yesVotes: proposal.yesVotes,
      noVotes: proposal.noVotes,
      governingTokenMint: proposal.governingTokenMint ?? null,
      governingToken: proposal.governingToken ?? null,
      governingTokenDecimals: proposal.governingTokenDecimals ?? null,
      description: proposal.descriptionLink,
    },
    fingerprint: proposal.fingerprint,
    reviewedAt: new Date(params.now * 1000).toISOString(),
    slot: params.slot ?? null,
    instructions,
    recipients: recipients.recipients,
    programs: { ...params.programsByProgramData },
    flags,
    maxSeverity: maxSeverity(flags),
    outflow: { usdMicros: assessment.outflowUsdMicros, shareBps: assessment.outflowShareBps },
    simulation,
    changes: describeSimulatedChanges(simulation, treasury, recipients.recipients, params.programsByProgramData ?? {}),
    model,
    recommendation,
    reasons,
  };
}
