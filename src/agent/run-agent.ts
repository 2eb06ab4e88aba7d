// One agent run: observe → analyze → decide → policy → execute → record. Every phase is timed
// and recorded; a phase that fails ends the run with a recorded error, and nothing that was
// not decided and checked is executed. Model output reaches execution only as actions that
// passed the policy engine and were written to the journal.
import type { AgentConfig, PolicyConfig } from '../config/index.js';
import { StewardError, isStewardError, toStewardError } from '../errors/index.js';
import { indexTreasury, reviewRealm, treasuryContextFromView, type ReviewOutcome } from '../governance/index.js';
import { buildPrompt, decide } from '../llm/index.js';
import type { PositionsAnalysis } from '../treasury/positions/index.js';
import { compilePolicy } from '../policy/index.js';
import {
  latestObservation,
  saveObservation,
  summarizeForPrompt,
  type TreasuryAnalysis,
  type TreasurySnapshot,
} from '../treasury/index.js';
import { treasuryDecisionSchema } from './decision-schema.js';
import { knownDestinationBook, knownDestinations, reviewTarget } from './review-target.js';
import { analyzeTreasuryRead, readTreasury } from './observe-treasury.js';
import type { AgentRuntime, EffectiveMode } from './agent-runtime.js';
import { checkAborted, executeFenced, fenceAction, type ActionOutcome, type DecisionContext } from './fenced-action.js';
import { describePolicy, summarizePositions, treasurySystemPrompt, treasuryTask } from './prompts.js';
import { decideWithTools } from './tools/decide-with-tools.js';
import { finishRun, recordModelDecision, startRun, type PhaseRecord, type RunStatus, type RunTrigger } from './run-store.js';

export type { AgentModel, AgentRuntime, EffectiveMode } from './agent-runtime.js';
export type { ActionOutcome } from './fenced-action.js';

export interface RunResult {
  runId: number;
  agent: string;
  status: Exclude<RunStatus, 'running' | 'skipped'>;
  mode: EffectiveMode;
  cluster: string;
  startedAt: string;
  phases: PhaseRecord[];
  error: string | null;
  /** Whose fault a failure was: 'input' (a bad file or setting: the CLI exits 2) or 'runtime' (exit 1). */
  errorKind: 'input' | 'runtime' | null;
  observationId: number | null;
  snapshot: TreasurySnapshot | null;
  analysis: TreasuryAnalysis | null;
  /** DeFi positions (lending, liquidity) found for the treasury owners, analyzed. */
  positions: PositionsAnalysis | null;
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
    const owners = agent.treasury.owners;

    // observe + analyze: both tasks need the treasury (reviews value outflows with it).
    const previous = latestObservation(db, owners, { cluster: runtime.clusterKey });
    const read = await phases.run('observe', () =>
      readTreasury(runtime.connection, { agent, policy: policyConfig, agentKey: signer?.publicKey.toBase58() ?? null, now: runtime.now(), previous, embedded: runtime.embedded }),
    );
    const snapshot = read.snapshot;
    const { view, analysis, positions: positionsAnalysis } = await phases.run('analyze', () => analyzeTreasuryRead(agent, read, previous));
    result.positions = positionsAnalysis;
    result.snapshot = snapshot;
    result.analysis = analysis;
    result.observationId = saveObservation(db, { snapshot, analysis, cluster: runtime.clusterKey, agent: agent.name, now: runtime.now() });

    if (agent.tasks.includes('treasury') && agent.maxActionsPerRun > 0) {
      checkAborted(options.signal, 'asking the model');
      const model = await phases.run('load-model', () => runtime.model(agent));
      const identity = await model.modelIdentity();
      result.model = { id: identity.model, sha256: identity.sha256 ?? null };
      const analysisText = [summarizeForPrompt(analysis), summarizePositions(result.positions)].filter(Boolean).join('\n\n');
      if (agent.decision === 'tool-agent') {
        // The model calls Steward's tools; each propose_* call goes through the same fence and executor.
        const observation = { snapshot, view, analysis, positions: positionsAnalysis, observationId: result.observationId, takenAt: runtime.now().getTime() };
        const decision = await phases.run('tool-agent', () => decideWithTools({ agent, policy: policyConfig, runtime, model, runId, mode, observation, analysis: analysisText, signal: options.signal }));
        result.assessment = decision.assessment;
        result.actions.push(...decision.actions);
        if (decision.failure) throw decision.failure;
      } else {
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
        if (symbols.length === 0) throw new StewardError('CONFIG_INVALID', `policy "${policyConfig.name}" lists no tokens`, { hint: 'add a token table under `tokens:`' });
        const schema = treasuryDecisionSchema(agent.maxActionsPerRun, symbols as [string, ...string[]]);
        let decision: Awaited<ReturnType<typeof decide<typeof schema>>>;
        try {
          decision = await phases.run('decide', () =>
            decide({ model, schema, prompt, schemaName: 'treasury_decision', maxTokens: agent.model?.maxTokens ?? 768, ...(options.signal ? { signal: options.signal } : {}) }),
          );
        } catch (error) {
          const failure = toStewardError(error);
          const invalid = isStewardError(failure, 'LLM_OUTPUT_INVALID') ? failure.context : {};
          recordModelDecision(db, {
            runId, task: 'treasury', modelId: identity.model, modelHash: identity.sha256 ?? null, prompt: promptRecord,
            rawOutput: invalid.raw ?? null, parsed: undefined, attempts: invalid.attempts ?? 0,
            usage: {}, error: failure.message,
          }, runtime.now());
          throw failure;
        }
        recordModelDecision(db, {
          runId, task: 'treasury', modelId: identity.model, modelHash: identity.sha256 ?? null, prompt: promptRecord,
          rawOutput: decision.raw, parsed: decision.value, attempts: decision.attempts, usage: { ...decision.usage }, error: null,
        }, runtime.now());
        result.assessment = decision.value.assessment;

        // policy: one action at a time, each against the ledger as the previous ones (and every
        // other process) left it, so splitting a payment cannot slip past a window. Windows and
        // reserves are read, the policy evaluated and the verdict journalled in one write
        // transaction: an allowed action counts against its windows from that moment, and a
        // concurrent run sees it or waits.
        const proposed = decision.value.actions.filter((action) => action.kind !== 'none');
        const contexts = new Map<number, DecisionContext>();
        await phases.run('policy', () => {
          for (const action of proposed) {
            const { outcome, context } = fenceAction({ db, policy, agent: agent.name, runId, mode, view, now: runtime.now() }, action);
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
            const failure = await executeFenced({ db, connection: runtime.connection, signer, policy, now: runtime.now, confirmWith: runtime.confirmWith, signal: options.signal }, outcome, context);
            firstFailure ??= failure;
          }
          if (firstFailure) throw firstFailure;
        });
      }
    }

    if (agent.tasks.includes('proposals')) {
      const { realm, programId } = reviewTarget(agent);
      checkAborted(options.signal, 'reviewing proposals');
      const model = options.noModel ? null : await phases.run('load-model', () => runtime.model(agent));
      if (model && !result.model) {
        const identity = await model.modelIdentity();
        result.model = { id: identity.model, sha256: identity.sha256 ?? null };
      }
      const review = await phases.run('review', () =>
        reviewRealm(runtime.connection, {
          programId,
          realm,
          treasury: indexTreasury(treasuryContextFromView(view, knownDestinations(policyConfig, db))),
          knownDestinations: knownDestinationBook(policyConfig, db),
          // Voting deadlines are chain time.
          now: snapshot.chainClock ? Number(snapshot.chainClock.unixTimestamp) : Math.floor(runtime.now().getTime() / 1000),
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
          // A vote is never cast on the reviewer's own authority: at most it waits for a human.
          const voteMode = mode === 'dry-run' ? 'dry-run' : 'approve-all';
          result.actions.push(fenceAction({ db, policy, agent: agent.name, runId, mode: voteMode, view, now: runtime.now() }, action).outcome);
        }
      });
    }
  } catch (error) {
    const failure = toStewardError(error);
    result.status = 'failed';
    result.error = failure.message;
    result.errorKind = failure.kind;
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
