// One agent run: observe → analyze → decide → policy → execute → record. Every phase is timed
// and recorded; a phase that fails ends the run with a recorded error, and nothing that was
// not decided and checked is executed. Model output reaches execution only as actions that
// passed the policy engine and were written to the journal.
import { PublicKey, type Connection, type Keypair } from '@solana/web3.js';
import type { AgentConfig, PolicyConfig } from '../config/index.js';
import { StewardError, toStewardError } from '../errors/index.js';
import { indexTreasury, reviewRealm, treasuryContextFromSnapshot, type ReviewOutcome } from '../governance/index.js';
import { buildPrompt, decide, type StewardModelExtras } from '../llm/index.js';
import { compilePolicy, evaluatePolicy, type CompiledPolicy, type PolicyVerdict } from '../policy/index.js';
import type { Logger } from '../shared/index.js';
import type { Db } from '../store/index.js';
import {
  analyzeTreasury,
  getTreasurySnapshot,
  latestObservation,
  saveObservation,
  summarizeForPrompt,
  type TreasuryAnalysis,
  type TreasurySnapshot,
} from '../treasury/index.js';
import { initialState, recordActionIntake, type EffectiveMode } from './action-intake.js';
import { treasuryDecisionSchema } from './decision-schema.js';
import { buildPolicyContext } from './policy-context.js';
import { describePolicy, treasurySystemPrompt, treasuryTask } from './prompts.js';
import { finishRun, recordDecision, startRun, type PhaseRecord, type RunStatus, type RunTrigger } from './run-store.js';

/** Executes (or dry-runs) one journal row that the policy allowed. Supplied by the executor. */
export type ActionExecutor = (request: {
  actionId: number;
  mode: 'dry-run' | 'execute';
  signer: Keypair;
  policy: CompiledPolicy;
  policyConfig: PolicyConfig;
  signal: AbortSignal | undefined;
}) => Promise<ActionExecution>;

export interface ActionExecution {
  state: string;
  signature?: string | null;
  detail?: string;
}

/** What a run needs of a chat model: structured answers and an identity for the record. */
export type AgentModel = Pick<StewardModelExtras, 'generateStructured' | 'modelIdentity'>;

export interface AgentRuntime {
  db: Db;
  connection: Connection;
  /** Printable name of the cluster (no credentials). */
  clusterLabel: string;
  logger: Logger;
  now: () => Date;
  /** The agent's chat model (shared per model file by the LLM layer). */
  model: (agent: AgentConfig) => Promise<AgentModel>;
  /** The agent's signing key, or null when none is configured (then nothing is signed). */
  signer: (agent: AgentConfig) => Keypair | null;
  executor: ActionExecutor | null;
  /** Where reviews are written; reports of runs are written by the caller from the result. */
  reportsDir: string;
}

export interface ActionOutcome {
  actionId: number | null;
  proposed: unknown;
  verdict: PolicyVerdict['kind'];
  rules: { id: string; effect: string; reason: string }[];
  state: string;
  execution?: ActionExecution;
}

export interface RunResult {
  runId: number;
  agent: string;
  status: Exclude<RunStatus, 'running' | 'skipped'>;
  mode: EffectiveMode;
  cluster: string;
  startedAt: string;
  phases: PhaseRecord[];
  error: string | null;
  observationId: number | null;
  snapshot: TreasurySnapshot | null;
  analysis: TreasuryAnalysis | null;
  assessment: string | null;
  model: { id: string; sha256: string | null } | null;
  actions: ActionOutcome[];
  reviews: ReviewOutcome[];
}

export interface RunOptions {
  trigger: RunTrigger;
  /** Forces dry-run whatever the agent's mode. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Skip the model for proposal reviews (deterministic reviews only). */
  noModel?: boolean;
}

class Phases {
  readonly records: PhaseRecord[] = [];
  async run<T>(name: string, work: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    try {
      const value = await work();
      this.records.push({ name, ms: round(performance.now() - started), ok: true });
      return value;
    } catch (error) {
      this.records.push({ name, ms: round(performance.now() - started), ok: false, detail: toStewardError(error).message });
      throw error;
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function checkAborted(signal: AbortSignal | undefined, phase: string): void {
  if (signal?.aborted) {
    throw new StewardError('RUN_ABORTED', `the run was stopped before ${phase}`, { hint: 'nothing was signed; the next run starts fresh' });
  }
}

export async function runAgent(agent: AgentConfig, policyConfig: PolicyConfig, runtime: AgentRuntime, options: RunOptions): Promise<RunResult> {
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
    observationId: null,
    snapshot: null,
    analysis: null,
    assessment: null,
    model: null,
    actions: [],
    reviews: [],
  };
  const log = logger.child({ agent: agent.name, run: runId });

  try {
    const policy = compilePolicy(policyConfig);
    const signer = runtime.signer(agent);
    const owners = agent.treasury.owners;

    // observe + analyze: both tasks need the treasury (reviews value outflows with it).
    const previous = latestObservation(db, owners, { cluster: runtime.clusterLabel });
    const snapshot = await phases.run('observe', () =>
      getTreasurySnapshot(runtime.connection, {
        owners,
        agent: signer?.publicKey.toBase58() ?? null,
        tokens: policyConfig.tokens,
        oracle: policyConfig.oracle,
        now: runtime.now(),
        minContextSlot: previous?.snapshot.slot,
      }),
    );
    const analysis = await phases.run('analyze', () =>
      analyzeTreasury(snapshot, {
        targets: agent.treasury.targets,
        monthlySpendUsd: agent.treasury.monthlySpendUsd,
        depegThresholdBps: agent.treasury.depegThresholdBps,
        previous: previous?.snapshot,
      }),
    );
    result.snapshot = snapshot;
    result.analysis = analysis;
    result.observationId = saveObservation(db, { snapshot, analysis, cluster: runtime.clusterLabel, agent: agent.name, now: runtime.now() });

    if (agent.tasks.includes('treasury') && agent.maxActionsPerRun > 0) {
      checkAborted(options.signal, 'asking the model');
      const model = await phases.run('load-model', () => runtime.model(agent));
      const identity = await model.modelIdentity();
      result.model = { id: identity.model, sha256: identity.sha256 ?? null };
      const prompt = await phases.run('prompt', () =>
        buildPrompt({
          system: treasurySystemPrompt(agent),
          policy: describePolicy(policyConfig),
          analysis: summarizeForPrompt(analysis),
          task: treasuryTask(agent.maxActionsPerRun),
        }),
      );
      const promptRecord = { system: prompt.system, user: prompt.user, truncated: prompt.truncated };
      const schema = treasuryDecisionSchema(agent.maxActionsPerRun);
      let decision: Awaited<ReturnType<typeof decide<typeof schema>>>;
      try {
        decision = await phases.run('decide', () =>
          decide({ model, schema, prompt, schemaName: 'treasury_decision', maxTokens: agent.model?.maxTokens ?? 768, ...(options.signal ? { signal: options.signal } : {}) }),
        );
      } catch (error) {
        const failure = toStewardError(error);
        recordDecision(db, {
          runId, task: 'treasury', modelId: identity.model, modelHash: identity.sha256 ?? null, prompt: promptRecord,
          rawOutput: typeof failure.context.raw === 'string' ? failure.context.raw : null, parsed: undefined, attempts: Number(failure.context.attempts ?? 0),
          usage: {}, error: failure.message,
        }, runtime.now());
        throw failure;
      }
      recordDecision(db, {
        runId, task: 'treasury', modelId: identity.model, modelHash: identity.sha256 ?? null, prompt: promptRecord,
        rawOutput: decision.raw, parsed: decision.value, attempts: decision.attempts, usage: { ...decision.usage }, error: null,
      }, runtime.now());
      result.assessment = decision.value.assessment;

      // policy: one action at a time, each against the ledger as the previous ones left it, so
      // splitting a payment cannot slip past a window.
      const proposed = decision.value.actions.filter((action) => action.kind !== 'none');
      await phases.run('policy', () => {
        for (const action of proposed) {
          const context = buildPolicyContext(db, policyConfig.name, policy, snapshot, runtime.now().getTime());
          const verdict = evaluatePolicy(policy, action, context);
          const state = initialState(verdict.kind, mode);
          const actionId = recordActionIntake(db, { runId, agent: agent.name, policy: policyConfig.name, proposed: action, verdict, state, now: runtime.now() });
          result.actions.push({ actionId, proposed: action, verdict: verdict.kind, rules: verdict.rules.map((rule) => ({ ...rule })), state });
        }
      });

      await phases.run('execute', async () => {
        for (const outcome of result.actions) {
          if (outcome.actionId === null) continue;
          const runnable = outcome.state === 'approved' || outcome.state === 'dry-run';
          if (!runnable) continue;
          if (!runtime.executor || !signer) {
            outcome.execution = { state: outcome.state, detail: signer ? 'no executor configured' : 'no signer configured: nothing can be signed' };
            continue;
          }
          if (outcome.state === 'approved') checkAborted(options.signal, 'signing');
          outcome.execution = await runtime.executor({
            actionId: outcome.actionId,
            mode: outcome.state === 'dry-run' ? 'dry-run' : 'execute',
            signer,
            policy,
            policyConfig,
            signal: options.signal,
          });
          outcome.state = outcome.execution.state;
        }
      });
    }

    if (agent.tasks.includes('proposals')) {
      const { realm, governanceProgram } = agent.treasury;
      if (!realm || !governanceProgram) {
        throw new StewardError('CONFIG_INVALID', `agent "${agent.name}" reviews proposals but names no treasury.realm and treasury.governanceProgram`, {
          hint: 'add both addresses under `treasury:` in the agent file',
        });
      }
      checkAborted(options.signal, 'reviewing proposals');
      const model = options.noModel ? null : await phases.run('load-model', () => runtime.model(agent));
      if (model && !result.model) {
        const identity = await model.modelIdentity();
        result.model = { id: identity.model, sha256: identity.sha256 ?? null };
      }
      const review = await phases.run('review', () =>
        reviewRealm(runtime.connection, {
          programId: new PublicKey(governanceProgram),
          realm: new PublicKey(realm),
          treasury: indexTreasury(treasuryContextFromSnapshot(snapshot)),
          now: Math.floor(runtime.now().getTime() / 1000),
          model,
          db,
          reportsDir: runtime.reportsDir,
        }),
      );
      result.reviews = review.outcomes;
      // A recommendation becomes a vote proposal; the policy decides (by default every vote
      // waits for a human). Only fresh reviews propose votes: an unchanged proposal was handled.
      await phases.run('policy-votes', () => {
        for (const outcome of review.outcomes) {
          if (outcome.status !== 'reviewed') continue;
          const recommendation = outcome.review.recommendation;
          if (recommendation !== 'for' && recommendation !== 'against') continue;
          const action = { kind: 'vote' as const, proposal: outcome.review.proposal.address, choice: recommendation === 'for' ? ('yes' as const) : ('no' as const), reason: `review recommends ${recommendation}` };
          const context = buildPolicyContext(db, policyConfig.name, policy, snapshot, runtime.now().getTime());
          const verdict = evaluatePolicy(policy, action, context);
          const state = initialState(verdict.kind, mode === 'autonomous' ? 'approve-all' : mode);
          const actionId = recordActionIntake(db, { runId, agent: agent.name, policy: policyConfig.name, proposed: action, verdict, state, now: runtime.now() });
          result.actions.push({ actionId, proposed: action, verdict: verdict.kind, rules: verdict.rules.map((rule) => ({ ...rule })), state });
        }
      });
    }
  } catch (error) {
    const failure = toStewardError(error);
    result.status = 'failed';
    result.error = failure.message;
    log.error({ code: failure.code }, failure.message);
  }

  finishRun(db, runId, {
    status: result.status,
    phases: result.phases,
    error: result.error,
    observationId: result.observationId,
    summary: runSummary(result),
  }, runtime.now());
  return result;
}

/** The key figures of a run, stored with it for `steward status` and `runs list`. */
export function runSummary(result: RunResult): Record<string, unknown> {
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
