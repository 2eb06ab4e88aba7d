// One agent run: observe → analyze → decide → policy → execute → record. Every phase is timed
// and recorded; a phase that fails ends the run with a recorded error, and nothing that was
// not decided and checked is executed. Model output reaches execution only as actions that
// passed the policy engine and were written to the journal. The two tasks a run can do live in
// treasury-task.ts and proposals-task.ts; both work on the one observation taken here.
import type { AgentConfig, PolicyConfig } from '../config/index.js';
import { toStewardError } from '../errors/index.js';
import { compilePolicy } from '../policy/index.js';
import { latestObservation, saveObservation } from '../treasury/index.js';
import type { AgentRuntime, EffectiveMode } from './agent-runtime.js';
import type { ActionOutcome } from './fenced-action.js';
import { analyzeTreasuryRead, readTreasury } from './observe-treasury.js';
import { runProposalsTask } from './proposals-task.js';
import { finishRun, startRun } from './run-store.js';
import type { RunObservation } from './run-task.js';
import { Phases, type RunOptions, type RunResult } from './run-types.js';
import { runTreasuryTask } from './treasury-task.js';

export type { AgentModel, AgentRuntime, EffectiveMode } from './agent-runtime.js';
export type { ActionOutcome } from './fenced-action.js';
export type { RunOptions, RunResult } from './run-types.js';

export async function runAgent(
  agent: AgentConfig,
  policyConfig: PolicyConfig,
  runtime: AgentRuntime,
  options: RunOptions,
): Promise<RunResult> {
  const { db, logger } = runtime;
  const startedAt = runtime.now();
  const runId = startRun(db, agent.name, options.trigger, startedAt);
  const mode: EffectiveMode = options.dryRun ? 'dry-run' : agent.mode;
  const phases = new Phases();
  const result: RunResult = {
    runId,
    agent: agent.name,
    status: 'ok',
    mode,
    cluster: runtime.clusterLabel,
    startedAt: startedAt.toISOString(),
    phases: phases.records,
    error: null,
    errorKind: null,
    observationId: null,
    snapshot: null,
    analysis: null,
    positions: null,
    assessment: null,
    model: null,
    actions: [],
    reviews: [],
  };
  const log = logger.child({ agent: agent.name, run: runId });

  try {
    const policy = compilePolicy(policyConfig);
    const signer = runtime.signer(agent);
    const observation = await observe(agent, policyConfig, runtime, phases, signer?.publicKey.toBase58() ?? null);
    result.snapshot = observation.snapshot;
    result.analysis = observation.analysis;
    result.positions = observation.positions;
    result.observationId = observation.observationId;
    const task = { agent, policyConfig, policy, runtime, options, runId, mode, signer, phases, result, observation };
    if (agent.tasks.includes('treasury') && agent.maxActionsPerRun > 0) await runTreasuryTask(task);
    if (agent.tasks.includes('proposals')) await runProposalsTask(task);
  } catch (error) {
    const failure = toStewardError(error);
    result.status = 'failed';
    result.error = failure.message;
    result.errorKind = failure.kind;
    log.error({ code: failure.code }, failure.message);
  }

  finishRun(
    db,
    runId,
    {
      status: result.status,
      phases: result.phases,
      error: result.error,
      observationId: result.observationId,
      summary: runSummary(result),
    },
    runtime.now(),
  );
  return result;
}

/** observe + analyze, recorded: both tasks need the treasury (reviews value outflows with it). */
async function observe(
  agent: AgentConfig,
  policyConfig: PolicyConfig,
  runtime: AgentRuntime,
  phases: Phases,
  agentKey: string | null,
): Promise<RunObservation> {
  const previous = latestObservation(runtime.db, agent.treasury.owners, { cluster: runtime.clusterKey });
  const read = await phases.run('observe', () =>
    readTreasury(runtime.connection, {
      agent,
      policy: policyConfig,
      agentKey,
      now: runtime.now(),
      previous,
      embedded: runtime.embedded,
      fork: runtime.fork,
    }),
  );
  const { view, analysis, positions } = await phases.run('analyze', () => analyzeTreasuryRead(agent, read, previous));
  const observationId = saveObservation(runtime.db, {
    snapshot: read.snapshot,
    analysis,
    cluster: runtime.clusterKey,
    clusterName: runtime.clusterName,
    endpoint: runtime.clusterEndpoint,
    agent: agent.name,
    now: runtime.now(),
  });
  return { snapshot: read.snapshot, view, analysis, positions, observationId };
}

export { signatureOf } from './fenced-action.js';

/** The key figures of a run, stored with it for `steward status` and `runs list`. */
export function runSummary(result: Pick<RunResult, 'mode' | 'analysis' | 'actions' | 'reviews'>): Record<string, unknown> {
  const count = (predicate: (outcome: ActionOutcome) => boolean) => result.actions.filter(predicate).length;
  return {
    mode: result.mode,
    trustedMicroUsd: result.analysis?.totals.trustedMicroUsd.toString() ?? null,
    flags: result.analysis?.flags.length ?? 0,
    proposed: result.actions.length,
    allowed: count((a) => a.verdict === 'allow'),
    denied: count((a) => a.verdict === 'deny'),
    awaitingApproval: count((a) => a.state === 'pending-approval'),
    confirmed: count((a) => a.state === 'confirmed'),
    reviews: result.reviews.length,
  };
}
