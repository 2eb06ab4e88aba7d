// Steward's treasury as LangChain tools, bound to one ToolSession. Read tools return the
// deterministic figures Steward computes (the same text a single-shot prompt carries); every
// propose_* tool sends one action through the fence and returns what happened as data — the
// verdict with the rules that fired, and the outcome: landed with its signature, denied,
// pending approval with the id a human approves, dry-run, refused before signing. A tool can
// only ask; the policy and the chain decide, and no tool ever sees or returns a key.
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import { z } from 'zod';
import { toStewardError } from '../../errors/index.js';
import { indexTreasury, reviewRealm, treasuryContextFromView, type ProposalReview } from '../../governance/index.js';
import { neutralizeUntrusted } from '../../llm/index.js';
import { summarizeForPrompt } from '../../treasury/index.js';
import { actionShapes } from '../decision-schema.js';
import { summarizePositions } from '../prompts.js';
import { knownDestinations, reviewTarget } from '../review-target.js';
import { signatureOf, type ActionOutcome } from '../fenced-action.js';
import type { ToolSession } from './tool-session.js';

export const STEWARD_TOOL_NAMES = [
  'observe_treasury',
  'analyze_positions',
  'review_proposal',
  'propose_transfer',
  'propose_swap',
  'propose_stake',
  'propose_vote',
] as const;
export type StewardToolName = (typeof STEWARD_TOOL_NAMES)[number];

/** What a propose_* tool answers: the verdict and what became of the action, as data. */
export interface ProposalResult {
  /** The journal row (null when nothing was journalled: the session's proposal limit). */
  actionId: number | null;
  verdict: 'allow' | 'needs-approval' | 'deny' | 'not-evaluated';
  /** landed: confirmed on chain; pending-approval: waits for a human; the rest say why nothing landed. */
  outcome:
    | 'landed'
    | 'denied'
    | 'pending-approval'
    | 'dry-run'
    | 'refused'
    | 'failed'
    | 'expired'
    | 'in-flight'
    | 'prepared'
    | 'not-executed'
    | 'limit-reached';
  /** The policy rules that fired: id, effect (allow | needs-approval | deny) and reason. */
  rules: { id: string; effect: string; reason: string }[];
  /** The journal state (approved, confirmed, denied, pending-approval, ...). */
  state: string;
  signature?: string;
  approval?: { actionId: number; approveWith: string; rejectWith: string };
  /** Why it did not land, when the rules alone do not say (a refusal before signing, a failure). */
  reason?: string;
}

export function proposalResult(outcome: ActionOutcome | null, limit?: number): ProposalResult {
  if (!outcome) {
    return {
      actionId: null,
      verdict: 'not-evaluated',
      outcome: 'limit-reached',
      rules: [],
      state: 'none',
      reason: `this agent may propose at most ${limit ?? 0} action(s) per run; nothing was recorded`,
    };
  }
  const base = { actionId: outcome.actionId, verdict: outcome.verdict, rules: outcome.rules, state: outcome.state };
  const signature = signatureOf(outcome.execution);
  const withSignature = signature ? { signature } : {};
  if (outcome.verdict === 'deny') return { ...base, outcome: 'denied' };
  if (outcome.state === 'pending-approval' && outcome.actionId !== null) {
    return {
      ...base,
      outcome: 'pending-approval',
      approval: {
        actionId: outcome.actionId,
        approveWith: `steward approvals approve ${outcome.actionId}`,
        rejectWith: `steward approvals reject ${outcome.actionId}`,
      },
    };
  }
  const execution = outcome.execution;
  if (!execution)
    return {
      ...base,
      outcome: outcome.state === 'dry-run' ? 'dry-run' : 'not-executed',
      ...(outcome.note ? { reason: outcome.note } : {}),
    };
  switch (execution.status) {
    case 'confirmed':
      return { ...base, outcome: 'landed', ...withSignature };
    case 'dry-run':
      return { ...base, outcome: 'dry-run' };
    case 'refused':
      return { ...base, outcome: 'refused', reason: `${execution.stage}: ${execution.reason}` };
    case 'failed':
      return { ...base, outcome: 'failed', ...withSignature, reason: execution.error };
    case 'expired':
      return { ...base, outcome: 'expired', ...withSignature, reason: execution.error };
    case 'pending':
    case 'unknown':
      return {
        ...base,
        outcome: 'in-flight',
        ...withSignature,
        reason: 'sent; Steward settles it by signature status and block height, never by sending again',
      };
    case 'prepared':
      return { ...base, outcome: 'prepared', reason: execution.reason };
    default:
      return execution satisfies never;
  }
}

/** A tool's answer for the model: JSON text; a failure is data too, so the agent can go on. */
function answer(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
}

async function guarded(session: ToolSession, name: StewardToolName, work: () => Promise<unknown>): Promise<string> {
  session.count(name);
  try {
    return answer(await work());
  } catch (error) {
    const failure = toStewardError(error);
    return answer({ error: failure.message, code: failure.code, ...(failure.hint ? { hint: failure.hint } : {}) });
  }
}

function reviewSummary(review: ProposalReview) {
  return {
    proposal: review.proposal.address,
    // Proposal names are untrusted text: control characters and prompt markers are neutralised.
    name: neutralizeUntrusted(review.proposal.name).slice(0, 120),
    state: review.proposal.state,
    recommendation: review.recommendation,
    maxSeverity: review.maxSeverity,
    flags: review.flags.map((flag) => ({ id: flag.id, severity: flag.severity, title: flag.title })),
    outflowUsdMicros: review.outflow.usdMicros.toString(),
    simulation: review.simulation.status,
    reasons: review.reasons,
  };
}

/** The seven Steward tools bound to `session`, for createAgent, an AgentExecutor or any model's bindTools. */
export function stewardTools(session: ToolSession): StructuredToolInterface[] {
  const symbols = Object.keys(session.policyConfig.tokens) as [string, ...string[]];
  const shapes = actionShapes(symbols);
  const propose = (kind: 'transfer' | 'swap' | 'stake' | 'vote') => async (args: Record<string, unknown>) =>
    proposalResult(await session.propose({ kind, ...args }), session.maxProposals);

  return [
    tool(
      () =>
        guarded(session, 'observe_treasury', async () => {
          const observation = await session.observe(true);
          return summarizeForPrompt(observation.analysis);
        }),
      {
        name: 'observe_treasury',
        description: 'Read the treasury now: balances, prices, allocation against targets, runway and flags, all computed by Steward.',
        schema: z.strictObject({}),
      },
    ),
    tool(
      () =>
        guarded(session, 'analyze_positions', async () => {
          const observation = await session.observe();
          return summarizePositions(observation.positions) || 'No DeFi or liquid-staking positions were found for the treasury owners.';
        }),
      {
        name: 'analyze_positions',
        description:
          'DeFi positions of the treasury (lending health, liquidity ranges, liquid-staking rates and depeg), computed by Steward.',
        schema: z.strictObject({}),
      },
    ),
    tool(
      ({ proposal }) =>
        guarded(session, 'review_proposal', async () => {
          const { realm, programId } = reviewTarget(session.agent);
          const observation = await session.observe();
          const { snapshot } = observation;
          const review = await reviewRealm(session.connection, {
            programId,
            realm,
            proposal,
            treasury: indexTreasury(treasuryContextFromView(observation.view, knownDestinations(session.policyConfig, session.db))),
            now: snapshot.chainClock ? Number(snapshot.chainClock.unixTimestamp) : Math.floor(Date.parse(snapshot.observedAt) / 1000),
            model: null,
            db: null,
          });
          const outcome = review.outcomes[0];
          return outcome?.status === 'reviewed' ? reviewSummary(outcome.review) : { error: `no review of ${proposal}` };
        }),
      {
        name: 'review_proposal',
        description:
          "Steward's deterministic review of an open governance proposal of the agent's realm: decoded instructions, risk flags, simulation, recommendation.",
        schema: z.strictObject({ proposal: shapes.vote.proposal.describe('the proposal address (base58)') }),
      },
    ),
    tool((args) => guarded(session, 'propose_transfer', () => propose('transfer')(args)), {
      name: 'propose_transfer',
      description:
        'Propose paying tokens from the treasury. The policy decides; the answer says allowed and landed (with signature), denied (with the rule), or pending approval (with its id).',
      schema: z.strictObject(shapes.transfer),
    }),
    tool((args) => guarded(session, 'propose_swap', () => propose('swap')(args)), {
      name: 'propose_swap',
      description:
        'Propose swapping one treasury token for another, with a slippage bound. The policy decides; the answer carries the verdict and outcome.',
      schema: z.strictObject(shapes.swap),
    }),
    tool((args) => guarded(session, 'propose_stake', () => propose('stake')(args)), {
      name: 'propose_stake',
      description:
        'Propose staking SOL from the treasury with a validator. The policy decides; the answer carries the verdict and outcome.',
      schema: z.strictObject(shapes.stake),
    }),
    tool((args) => guarded(session, 'propose_vote', () => propose('vote')(args)), {
      name: 'propose_vote',
      description:
        'Propose a vote on a governance proposal (yes, no or abstain). The policy decides (by default a human approves every vote).',
      schema: z.strictObject(shapes.vote),
    }),
  ];
}
