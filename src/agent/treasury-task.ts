// The treasury task of a run: the model proposes actions over the observed treasury (one
// schema-constrained answer, or a bounded tool-calling loop), each action goes through the policy
// fence one at a time, and what passed is executed. The model only proposes.
import { StewardError, isStewardError, toStewardError } from '../errors/index.js';
import { buildPrompt, decide } from '../llm/index.js';
import { summarizeForPrompt } from '../treasury/index.js';
import type { AgentModel } from './agent-runtime.js';
import { treasuryDecisionSchema } from './decision-schema.js';
import { checkAborted, executeFenced, fenceAction, type DecisionContext } from './fenced-action.js';
import { describePolicy, summarizePositions, treasurySystemPrompt, treasuryTask } from './prompts.js';
import { recordModelDecision } from './run-store.js';
import type { RunTaskContext } from './run-task.js';
import { decideWithTools } from './tools/decide-with-tools.js';

export async function runTreasuryTask(task: RunTaskContext): Promise<void> {
  const { agent, runtime, phases, result, options, observation } = task;
  checkAborted(options.signal, 'asking the model');
  const model = await phases.run('load-model', () => runtime.model(agent));
  const identity = await model.modelIdentity();
  result.model = { id: identity.model, sha256: identity.sha256 ?? null };
  const analysisText = [summarizeForPrompt(observation.analysis), summarizePositions(observation.positions)].filter(Boolean).join('\n\n');
  if (agent.decision === 'tool-agent') {
    // The model calls Steward's tools; each propose_* call goes through the same fence and executor.
    const decision = await phases.run('tool-agent', () =>
      decideWithTools({
        agent,
        policy: task.policyConfig,
        runtime,
        model,
        runId: task.runId,
        mode: task.mode,
        observation: { ...observation, takenAt: runtime.now().getTime() },
        analysis: analysisText,
        signal: options.signal,
      }),
    );
    result.assessment = decision.assessment;
    result.actions.push(...decision.actions);
    if (decision.failure) throw decision.failure;
    return;
  }
  const proposed = await decideOnce(task, model, identity, analysisText);
  await fenceAndExecute(task, proposed);
}

type Identity = Awaited<ReturnType<AgentModel['modelIdentity']>>;

/** One schema-constrained answer: prompt, decide, and the model's input and output recorded (a failed answer too). */
async function decideOnce(task: RunTaskContext, model: AgentModel, identity: Identity, analysisText: string) {
  const { agent, policyConfig, runtime, phases, result, options, runId } = task;
  const prompt = await phases.run('prompt', () =>
    buildPrompt({
      system: treasurySystemPrompt(agent),
      policy: describePolicy(policyConfig),
      analysis: analysisText,
      task: treasuryTask(agent.maxActionsPerRun),
    }),
  );
  const promptRecord = { system: prompt.system, user: prompt.user, truncated: prompt.truncated };
  const symbols = Object.keys(policyConfig.tokens);
  if (symbols.length === 0)
    throw new StewardError('CONFIG_INVALID', `policy "${policyConfig.name}" lists no tokens`, {
      hint: 'add a token table under `tokens:`',
    });
  const schema = treasuryDecisionSchema(agent.maxActionsPerRun, symbols as [string, ...string[]]);
  const recorded = { runId, task: 'treasury' as const, modelId: identity.model, modelHash: identity.sha256 ?? null, prompt: promptRecord };
  let decision: Awaited<ReturnType<typeof decide<typeof schema>>>;
  try {
    decision = await phases.run('decide', () =>
      decide({
        model,
        schema,
        prompt,
        schemaName: 'treasury_decision',
        maxTokens: agent.model?.maxTokens ?? 768,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
  } catch (error) {
    const failure = toStewardError(error);
    const invalid = isStewardError(failure, 'LLM_OUTPUT_INVALID') ? failure.context : {};
    recordModelDecision(
      runtime.db,
      {
        ...recorded,
        rawOutput: invalid.raw ?? null,
        parsed: undefined,
        attempts: invalid.attempts ?? 0,
        usage: {},
        error: failure.message,
      },
      runtime.now(),
    );
    throw failure;
  }
  recordModelDecision(
    runtime.db,
    {
      ...recorded,
      rawOutput: decision.raw,
      parsed: decision.value,
      attempts: decision.attempts,
      usage: { ...decision.usage },
      error: null,
    },
    runtime.now(),
  );
  result.assessment = decision.value.assessment;
  return decision.value.actions.filter((action) => action.kind !== 'none');
}

/**
 * Policy, one action at a time, each against the ledger as the previous ones (and every other
 * process) left it, so splitting a payment cannot slip past a window. Windows and reserves are
 * read, the policy evaluated and the verdict journalled in one write transaction: an allowed
 * action counts against its windows from that moment, and a concurrent run sees it or waits.
 * Then every journalled action is executed (or left waiting for approval); the first failure fails the run.
 */
async function fenceAndExecute(task: RunTaskContext, proposed: Parameters<typeof fenceAction>[1][]): Promise<void> {
  const { agent, runtime, phases, result, options, policy, signer } = task;
  const contexts = new Map<number, DecisionContext>();
  await phases.run('policy', () => {
    for (const action of proposed) {
      const { outcome, context } = fenceAction(
        { db: runtime.db, policy, agent: agent.name, runId: task.runId, mode: task.mode, view: task.observation.view, now: runtime.now() },
        action,
      );
      contexts.set(outcome.actionId!, context);
      result.actions.push(outcome);
    }
  });
  await phases.run('execute', async () => {
    let firstFailure: unknown;
    for (const outcome of result.actions) {
      if (outcome.actionId === null) continue;
      const context = contexts.get(outcome.actionId);
      if (!context) throw new StewardError('INTERNAL', `no policy context kept for action ${outcome.actionId}`);
      const failure = await executeFenced(
        {
          db: runtime.db,
          connection: runtime.connection,
          signer,
          policy,
          now: runtime.now,
          confirmWith: runtime.confirmWith,
          jupiterUrl: runtime.jupiterUrl,
          squadsMultisig: agent.treasury.squads?.multisig ?? null,
          signal: options.signal,
        },
        outcome,
        context,
      );
      firstFailure ??= failure;
    }
    if (firstFailure) throw firstFailure;
  });
}
