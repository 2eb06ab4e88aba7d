// The treasury decision of a run with `decision: tool-agent`: the model gets the same analysis
// a single-shot prompt carries, may call the read tools, and proposes through the propose_*
// tools, each answered at once with the policy's verdict and the outcome. Bounded by the
// agent's toolAgent limits and maxActionsPerRun; the transcript is recorded as the decision.
import type { AgentConfig, PolicyConfig } from '../../config/index.js';
import { toStewardError, type StewardError } from '../../errors/index.js';
import { UNTRUSTED_DATA_RULE, type GenerationUsage } from '../../llm/index.js';
import { describePolicy } from '../prompts.js';
import type { ActionOutcome } from '../fenced-action.js';
import type { AgentModel, AgentRuntime, EffectiveMode } from '../agent-runtime.js';
import { recordModelDecision } from '../run-store.js';
import { stewardTools } from './steward-tools.js';
import { runToolAgent, type ToolAgentResult } from './tool-agent.js';
import { ToolSession, type TreasuryObservation } from './tool-session.js';

export function toolAgentSystemPrompt(agent: AgentConfig, policy: PolicyConfig): string {
  return [
    `You are "${agent.name}", an agent that proposes actions for a DAO treasury on Solana through tools.`,
    'You only propose. Each propose_* tool answers with the policy verdict and what happened: landed (with a signature),',
    'denied (with the rule), or pending approval (a human decides). Anything outside the policy is refused.',
    'Use the figures Steward computed (observe_treasury, analyze_positions, review_proposal); never invent balances, prices or addresses.',
    'Amounts are decimal strings in whole tokens (for example "2500.00"), tokens are symbols from the policy table.',
    'When you are done, answer with a short assessment of the treasury that cites the computed figures.',
    UNTRUSTED_DATA_RULE,
    '',
    describePolicy(policy),
    '',
    'Operator instructions:',
    agent.instructions.trim(),
  ].join('\n');
}

export function toolAgentTask(analysis: string, maxActions: number): string {
  return [
    analysis,
    '',
    `Review the treasury against the targets and the operator instructions. Propose at most ${maxActions} action(s) with the propose_* tools, or none when nothing needs doing; then answer with your assessment.`,
  ].join('\n');
}

export interface DecideWithToolsParams {
  agent: AgentConfig;
  policy: PolicyConfig;
  runtime: AgentRuntime;
  model: AgentModel;
  runId: number;
  mode: EffectiveMode;
  observation: TreasuryObservation;
  /** The analysis text the single-shot prompt would carry. */
  analysis: string;
  signal?: AbortSignal | undefined;
}

export interface ToolDecision {
  actions: ActionOutcome[];
  assessment: string;
  loop: Pick<ToolAgentResult, 'modelCalls' | 'toolCalls' | 'stoppedBy'>;
  usage: GenerationUsage;
  /** The first execution that failed before signing: the run fails with it, as a single-shot run does. */
  failure: StewardError | undefined;
}

/** Runs the loop and records it as the run's treasury decision. */
export async function decideWithTools(params: DecideWithToolsParams): Promise<ToolDecision> {
  const { agent, runtime } = params;
  const session = new ToolSession({
    runtime,
    agent,
    policy: params.policy,
    runId: params.runId,
    mode: params.mode,
    observation: params.observation,
    maxProposals: agent.maxActionsPerRun,
    signal: params.signal,
  });
  const system = toolAgentSystemPrompt(agent, params.policy);
  const user = toolAgentTask(params.analysis, agent.maxActionsPerRun);
  const identity = await params.model.modelIdentity();
  const record = (raw: string | null, parsed: unknown, attempts: number, usage: GenerationUsage, error: string | null) =>
    recordModelDecision(
      runtime.db,
      {
        runId: params.runId,
        task: 'treasury',
        modelId: identity.model,
        modelHash: identity.sha256 ?? null,
        prompt: { system, user, truncated: [] },
        rawOutput: raw,
        parsed,
        attempts,
        usage: { ...usage },
        error,
      },
      runtime.now(),
    );
  let loop: ToolAgentResult;
  try {
    loop = await runToolAgent({
      model: params.model as never,
      tools: stewardTools(session),
      systemPrompt: system,
      task: user,
      limits: agent.toolAgent,
      signal: params.signal,
    });
  } catch (error) {
    const failure = toStewardError(error);
    record(null, { toolCalls: [...session.calls] }, 0, { promptTokens: 0, completionTokens: 0 }, failure.message);
    throw failure;
  }
  const transcript = loop.messages.slice(1).map((message) => ({
    role: message.getType(),
    text: message.text,
    ...((message as { tool_calls?: unknown[] }).tool_calls?.length
      ? { toolCalls: (message as { tool_calls?: unknown[] }).tool_calls }
      : {}),
  }));
  record(
    JSON.stringify(transcript),
    { stoppedBy: loop.stoppedBy, toolCalls: Object.fromEntries(session.calls), actions: session.outcomes.map((o) => o.actionId) },
    loop.modelCalls,
    loop.usage,
    null,
  );
  const assessment =
    loop.finalText?.trim() ||
    `the tool agent stopped (${loop.stoppedBy}) after ${loop.modelCalls} model call(s) and ${loop.toolCalls} tool call(s) without a final answer`;
  return {
    actions: session.outcomes,
    assessment,
    loop: { modelCalls: loop.modelCalls, toolCalls: loop.toolCalls, stoppedBy: loop.stoppedBy },
    usage: loop.usage,
    failure: session.firstFailure,
  };
}
