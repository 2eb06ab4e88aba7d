// What Steward's LangChain tools share while one agent uses them: the runtime (database, cluster,
// signer, clock), the agent and its policy, the run the journal rows belong to, the latest
// observation of the treasury, and every action proposed so far with its outcome. Proposals go
// one at a time through fenceAction and executeFenced — the same path as a single-shot run —
// so the verdict is recorded in one write transaction and an allowed action lands at most once.
// The signer stays in here: nothing a tool returns carries a key.
import type { AgentConfig, PolicyConfig } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import { compilePolicy, type CompiledPolicy } from '../../policy/index.js';
import type { PositionsAnalysis } from '../../treasury/positions/index.js';
import {
  latestObservation,
  saveObservation,
  type TreasuryAnalysis,
  type TreasurySnapshot,
  type TreasuryView,
} from '../../treasury/index.js';
import { executeFenced, fenceAction, type ActionOutcome } from '../fenced-action.js';
import { analyzeTreasuryRead, readTreasury } from '../observe-treasury.js';
import type { AgentRuntime, EffectiveMode } from '../agent-runtime.js';

export interface TreasuryObservation {
  snapshot: TreasurySnapshot;
  /** The one view of the snapshot (src/treasury/treasury-view.ts): the fence and reviews derive from it. */
  view: TreasuryView;
  analysis: TreasuryAnalysis;
  positions: PositionsAnalysis;
  observationId: number;
  /** When it was taken (runtime clock, unix ms). */
  takenAt: number;
}

export interface ToolSessionParams {
  runtime: Pick<
    AgentRuntime,
    | 'db'
    | 'connection'
    | 'clusterKey'
    | 'clusterName'
    | 'clusterEndpoint'
    | 'embedded'
    | 'fork'
    | 'now'
    | 'signer'
    | 'confirmWith'
    | 'jupiterUrl'
  >;
  agent: AgentConfig;
  policy: PolicyConfig;
  /** The run the journal rows belong to (null: none). */
  runId: number | null;
  /** Default: the agent's mode. dry-run simulates only, approve-all sends everything to a human. */
  mode?: EffectiveMode;
  /** An observation already taken (a run's observe phase): used until it is older than maxObservationAgeMs. */
  observation?: TreasuryObservation;
  /** Proposals are judged against an observation at most this old, else the treasury is read again (default 60 s). */
  maxObservationAgeMs?: number;
  /** At most this many actions are journalled; later propose_* calls are refused without a journal row (default: no limit). */
  maxProposals?: number;
  signal?: AbortSignal | undefined;
}

export class ToolSession {
  readonly agent: AgentConfig;
  readonly policyConfig: PolicyConfig;
  readonly policy: CompiledPolicy;
  readonly mode: EffectiveMode;
  readonly runId: number | null;
  /** Every action journalled through this session, in order, with its outcome. */
  readonly outcomes: ActionOutcome[] = [];
  /** Tool calls answered, by tool name (refused and failed ones included). */
  readonly calls = new Map<string, number>();
  /** The first execution that failed before signing (a run reports it as failed). */
  firstFailure: StewardError | undefined;
  private readonly params: ToolSessionParams;
  private observation: TreasuryObservation | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(params: ToolSessionParams) {
    this.params = params;
    this.agent = params.agent;
    this.policyConfig = params.policy;
    this.policy = compilePolicy(params.policy);
    this.mode = params.mode ?? params.agent.mode;
    this.runId = params.runId;
    this.observation = params.observation;
  }

  /** The most actions this session journals (undefined: no limit). */
  get maxProposals(): number | undefined {
    return this.params.maxProposals;
  }

  get db() {
    return this.params.runtime.db;
  }

  get connection() {
    return this.params.runtime.connection;
  }

  count(tool: string): void {
    this.calls.set(tool, (this.calls.get(tool) ?? 0) + 1);
  }

  get toolCalls(): number {
    let total = 0;
    for (const n of this.calls.values()) total += n;
    return total;
  }

  /** The latest observation, read again when `fresh` or when it is older than the limit. */
  observe(fresh = false): Promise<TreasuryObservation> {
    const { runtime } = this.params;
    const maxAge = this.params.maxObservationAgeMs ?? 60_000;
    const current = this.observation;
    if (!fresh && current && runtime.now().getTime() - current.takenAt <= maxAge) return Promise.resolve(current);
    return this.serialized(async () => {
      const owners = this.agent.treasury.owners;
      const previous = latestObservation(runtime.db, owners, { cluster: runtime.clusterKey });
      const signer = runtime.signer(this.agent);
      const read = await readTreasury(runtime.connection, {
        agent: this.agent,
        policy: this.policyConfig,
        agentKey: signer?.publicKey.toBase58() ?? null,
        now: runtime.now(),
        previous,
        embedded: runtime.embedded,
        fork: runtime.fork,
      });
      const { view, analysis, positions } = analyzeTreasuryRead(this.agent, read, previous);
      const observationId = saveObservation(runtime.db, {
        snapshot: read.snapshot,
        analysis,
        cluster: runtime.clusterKey,
        clusterName: runtime.clusterName,
        endpoint: runtime.clusterEndpoint,
        agent: this.agent.name,
        now: runtime.now(),
      });
      this.observation = { snapshot: read.snapshot, view, analysis, positions, observationId, takenAt: runtime.now().getTime() };
      return this.observation;
    });
  }

  /**
   * One proposed action through the fence: verdict journalled in one write transaction, then
   * executed (autonomous), dry-run (dry-run) or left in the approval queue. Null when the
   * session's proposal limit is reached (nothing is journalled then).
   */
  async propose(action: { kind: string } & Record<string, unknown>): Promise<ActionOutcome | null> {
    const observation = await this.observe();
    return this.serialized(async () => {
      const limit = this.params.maxProposals;
      if (limit !== undefined && this.outcomes.length >= limit) return null;
      const { runtime } = this.params;
      const { outcome, context } = fenceAction(
        {
          db: runtime.db,
          policy: this.policy,
          agent: this.agent.name,
          runId: this.runId,
          mode: this.mode,
          view: observation.view,
          now: runtime.now(),
        },
        action,
      );
      this.outcomes.push(outcome);
      const failure = await executeFenced(
        {
          db: runtime.db,
          connection: runtime.connection,
          signer: runtime.signer(this.agent),
          policy: this.policy,
          now: runtime.now,
          confirmWith: runtime.confirmWith,
          jupiterUrl: runtime.jupiterUrl,
          squadsMultisig: this.agent.treasury.squads?.multisig ?? null,
          signal: this.params.signal,
        },
        outcome,
        context,
      );
      this.firstFailure ??= failure;
      return outcome;
    });
  }

  /** Proposals and reads of one session run one after another, whatever the agent framework runs in parallel. */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
