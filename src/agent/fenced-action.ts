// One proposed action through the fence, the same way whoever proposed it: a single-shot
// decision, a tool-calling agent's propose_* tool, or a vote recommendation. The verdict is
// evaluated against the journal and recorded in one write transaction (decideAndRecord); an
// allowed action is then executed exactly once (simulation, effects check, re-check, sign,
// send, confirm) or dry-run, and one that needs a human waits in the approval queue.
import type { Connection, Keypair } from '@solana/web3.js';
import { StewardError, toStewardError } from '../errors/index.js';
import {
  decideAndRecord,
  executeAction,
  readAction,
  transitionAction,
  type ConfirmEndpoint,
  type ExecutionOutcome,
} from '../execute/index.js';
import type { CompiledPolicy, PolicyContext, PolicyVerdict } from '../policy/index.js';
import type { ActionState, Db } from '../store/index.js';
import type { TreasuryView } from '../treasury/index.js';
import { observedContext } from './policy-context.js';

export interface ActionOutcome {
  actionId: number | null;
  /** Why the action was not taken further, when the journal state alone does not say. */
  note?: string;
  proposed: unknown;
  verdict: PolicyVerdict['kind'];
  rules: { id: string; effect: string; reason: string }[];
  state: string;
  execution?: ExecutionOutcome;
}

/** The policy context an action was decided in, kept for its execution. */
export type DecisionContext = PolicyContext & { observedAt?: number | undefined };

export interface FenceParams {
  db: Db;
  policy: CompiledPolicy;
  agent: string;
  runId: number | null;
  mode: 'dry-run' | 'approve-all' | 'autonomous';
  /** The observation the action is judged against (prices, balances, treasury addresses). */
  view: TreasuryView;
  now: Date;
}

/** Evaluates and journals one action in one write transaction; nothing is executed here. */
export function fenceAction(params: FenceParams, action: unknown): { outcome: ActionOutcome; context: DecisionContext } {
  const observed = observedContext(params.view, params.now.getTime());
  const { id, verdict, context } = decideAndRecord({
    db: params.db,
    policy: params.policy,
    agent: params.agent,
    runId: params.runId,
    payload: action,
    observed,
    now: params.now,
    mode: params.mode,
  });
  return {
    outcome: outcomeOf(id, action, verdict, readAction(params.db, id).state),
    context: { ...context, observedAt: observed.observedAt },
  };
}

/** The transaction signature of an execution outcome, when one was signed. */
export function signatureOf(execution: ExecutionOutcome | undefined): string | null {
  return execution && 'signature' in execution ? execution.signature : null;
}

export function outcomeOf(actionId: number, proposed: unknown, verdict: PolicyVerdict, state: string): ActionOutcome {
  return { actionId, proposed, verdict: verdict.kind, rules: verdict.rules.map((rule) => ({ ...rule })), state };
}

export interface ExecuteFencedParams {
  db: Db;
  connection: Connection;
  signer: Keypair | null;
  policy: CompiledPolicy;
  now: () => Date;
  confirmWith?: ConfirmEndpoint | undefined;
  signal?: AbortSignal | undefined;
  /** The treasury's Squads multisig (agent file `treasury.squads.multisig`), if it is a Squads vault. */
  squadsMultisig?: string | null | undefined;
  /** Jupiter-compatible swap API (STEWARD_JUPITER_URL); the executor's default otherwise. */
  jupiterUrl?: string | undefined;
}

/** Journal states of an action that is in flight but has no signed transaction yet. */
const UNSIGNED_IN_FLIGHT: readonly ActionState[] = ['approved', 'proposed', 'built', 'simulated', 'effects-checked'];

export function checkAborted(signal: AbortSignal | undefined, phase: string): void {
  if (signal?.aborted) {
    throw new StewardError('RUN_ABORTED', `the run was stopped before ${phase}`, { hint: 'nothing was signed; the next run starts fresh' });
  }
}

/**
 * Executes an allowed action (state approved) or dry-runs a proposed one, updating `outcome` in
 * place. Other states are left alone. A failure before anything was signed closes the action as
 * failed (so it stops counting as in flight) and is returned; signed ones are left to recovery.
 */
export async function executeFenced(
  params: ExecuteFencedParams,
  outcome: ActionOutcome,
  context: DecisionContext,
): Promise<StewardError | undefined> {
  if (outcome.actionId === null || (outcome.state !== 'approved' && outcome.state !== 'proposed')) return undefined;
  if (!params.signer) {
    outcome.note = 'not simulated: no signer is configured for this agent';
    return undefined;
  }
  if (outcome.state === 'approved') checkAborted(params.signal, 'signing');
  const { db } = params;
  let failure: StewardError | undefined;
  try {
    outcome.execution = await executeAction({
      db,
      connection: params.connection,
      agentKeypair: params.signer,
      policy: params.policy,
      action: outcome.actionId,
      mode: outcome.state === 'proposed' ? 'dry-run' : 'execute',
      context: { ...context, now: params.now().getTime() },
      now: params.now,
      options: {
        confirmWith: params.confirmWith,
        squadsMultisig: params.squadsMultisig ?? null,
        ...(params.jupiterUrl ? { jupiter: { baseUrl: params.jupiterUrl } } : {}),
      },
    });
  } catch (error) {
    // Failed before anything was signed (a route server down, an RPC error).
    failure = toStewardError(error);
    const state = readAction(db, outcome.actionId).state;
    if (UNSIGNED_IN_FLIGHT.includes(state))
      transitionAction(db, outcome.actionId, [state], 'failed', params.now(), `${failure.code}: ${failure.message}`);
    outcome.note = `execution failed: ${failure.message}`;
  }
  outcome.state = readAction(db, outcome.actionId).state;
  return failure;
}
