// executeAction: one policy-approved action row → at most one landed transaction.
//
//   approved → built → simulated → effects-checked → signed → sent → confirmed | failed | expired
//
// Build from the resolved action only; simulate with the post-state of every account named;
// compute TransactionEffects and run the policy's checkEffects; refuse an action larger than the
// on-chain allowance; then sign and journal the signed bytes, signature and last valid block
// height in one SQLite transaction BEFORE the first send. From then on only those bytes are ever
// sent, and the attempt is settled only by the chain (status or block height). A new attempt of
// the same action is allowed only after the previous one is recorded expired.
import type { Connection, Keypair } from '@solana/web3.js';
import { PublicKey } from '@solana/web3.js';
import { encodeBase58 } from '../shared/base58.js';
import { StewardError } from '../errors/index.js';
import {
  checkEffects,
  evaluatePolicy,
  ledgerColumns,
  type CompiledPolicy,
  type FiredRule,
  type PolicyContext,
  type ResolvedAction,
} from '../policy/index.js';
import { durableTransaction, isPaused } from '../store/index.js';
import { installId } from '../store/install-id.js';
import type { ActionState } from '../store/action-states.js';
import type { Db } from '../store/store.js';
import { claimAction, readAction, transitionAction, type ActionRow } from './action-journal.js';
import { readAllowanceNow } from './allowance-now.js';
import { recheckBeforeSigning, type ObservedContext } from './fence.js';
import { SIMULATION_CU_LIMIT, SIMULATION_PLACEHOLDER_BLOCKHASH, assembleTransaction, computeUnitLimitFor } from './assemble.js';
import { attemptsOf, recordSignedAttempt } from './attempts.js';
import { buildStake } from './builders/stake.js';
import { buildSwap } from './builders/swap.js';
import { buildTransfer } from './builders/transfer.js';
import type { BuildContext, BuildResult } from './builders/types.js';
import { buildUnstake } from './builders/unstake.js';
import { buildVote } from './builders/vote.js';
import { decisionMemo } from './memo.js';
import type { ExecutionOutcome, RefusalStage } from './outcome.js';
import { defaultRetryOptions, rpcCall, type RetryOptions } from '../chain/rpc.js';
import { defaultConfirmOptions, settleAttempt, type ChainIo, type ConfirmEndpoint, type ConfirmOptions } from './send-and-confirm.js';
import { recordEffectCheck, type EffectCheckOutcome } from './effect-checks.js';
import { simulateWithEffects } from './simulate.js';
import { signTransaction } from '../chain/sign.js';
import { maybeKill } from './test-hooks.js';
import { formatAmount } from '../shared/index.js';

export interface ExecuteOptions {
  /** Compute unit limit = units simulated × this (default 1.2). */
  computeUnitMargin?: number;
  /** Priority fee in micro-lamports per compute unit (default 1,000). */
  priorityFeeMicroLamports?: number;
  retry?: Partial<RetryOptions>;
  confirm?: Partial<ConfirmOptions>;
  /** Jupiter swap API base URL (default https://lite-api.jup.ag/swap/v1) and fetch. */
  jupiter?: { baseUrl?: string; fetch?: typeof fetch };
  /** The treasury's Squads multisig, when it is a Squads vault (agent file `treasury.squads.multisig`). */
  squadsMultisig?: string | null | undefined;
  /** Lamports the agent keeps for fees out of its SOL float (default 0.01 SOL). */
  solFeeReserveLamports?: bigint;
  /** Rounds of read → simulate → read again while treasury accounts move meanwhile, before refusing (default 3). */
  effectsRounds?: number;
  /** A second RPC endpoint that must agree before a sent transaction is settled. */
  confirmWith?: ConfirmEndpoint | undefined;
  /** Monotonic clock and sleep for waits (tests inject fast ones). */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Tests only, and only with STEWARD_TEST_HOOKS=1: skip the allowance, simulation and effects
   * checks, to show the token program itself enforces the DAO's allowance.
   */
  testOnlyBypassOffChainChecks?: boolean;
}

export interface ExecuteActionParams {
  db: Db;
  connection: Connection;
  /** The RPC URL (for messages, redacted); defaults to connection.rpcEndpoint. */
  endpoint?: string;
  agentKeypair: Keypair;
  policy: CompiledPolicy;
  /** The action row or its id. Its verdict must be allow (state approved) or human-approved. */
  action: number | ActionRow;
  mode: 'dry-run' | 'execute';
  /**
   * Prices, treasury addresses and balances the effects check needs (as for evaluatePolicy);
   * `observedAt` (when the balances were read) lets the pre-signing re-check count outflows
   * confirmed since. Windows and the kill switch are re-read from the journal before signing.
   */
  context: PolicyContext & Pick<ObservedContext, 'observedAt'>;
  now?: () => Date;
  options?: ExecuteOptions;
}

/** Rows in these states may start a new attempt. */
const STARTABLE: readonly ActionState[] = ['approved', 'proposed', 'expired'];

export async function executeAction(params: ExecuteActionParams): Promise<ExecutionOutcome> {
  const { db, connection, policy } = params;
  const options = params.options ?? {};
  const now = params.now ?? (() => new Date());
  const row = typeof params.action === 'number' ? readAction(db, params.action) : readAction(db, params.action.id);
  const id = row.id;
  const retry: RetryOptions = { ...defaultRetryOptions, ...options.retry };
  const io: ChainIo = {
    db,
    connection,
    endpoint: params.endpoint ?? connection.rpcEndpoint,
    retry,
    confirm: { ...defaultConfirmOptions, ...options.confirm },
    now,
    clock: options.clock ?? (() => performance.now()),
    sleep: options.sleep ?? retry.sleep,
    confirmWith: options.confirmWith,
  };
  const refuse = (
    stage: RefusalStage,
    reason: string,
    hint: string,
    rules: readonly FiredRule[] = [],
    logs: readonly string[] = [],
    record?: ActionState[],
  ): ExecutionOutcome => {
    if (record) transitionAction(db, id, record, params.mode === 'dry-run' ? 'dry-run' : 'effects-refused', now(), `${stage}: ${reason}`);
    return { status: 'refused', actionId: id, stage, reason, hint, rules, logs };
  };

  // An action that already has a transaction is resumed or reported, never rebuilt.
  const previous = attemptsOf(db, id);
  const live = previous.find((a) => a.state === 'signed' || a.state === 'sent' || a.state === 'unknown');
  if (live) {
    if (params.mode === 'dry-run')
      return refuse('state', `action ${id} already has a signed transaction ${live.signature}`, 'nothing to dry-run: it is being settled');
    return fromAttempt(id, await settleAttempt(io, live, live.state === 'sent' ? io.clock() : undefined), live.memo);
  }
  const landed = previous.find((a) => a.state === 'confirmed' || a.state === 'failed');
  if (landed) {
    return landed.state === 'confirmed'
      ? {
          status: 'confirmed',
          actionId: id,
          signature: landed.signature,
          attempt: landed.attempt,
          slot: landed.slot === null ? undefined : BigInt(landed.slot),
          memo: landed.memo,
          notes: ['already confirmed'],
        }
      : {
          status: 'failed',
          actionId: id,
          signature: landed.signature,
          attempt: landed.attempt,
          error: landed.error ?? 'failed',
          logs: landed.logs ? (JSON.parse(landed.logs) as string[]) : [],
        };
  }
  const startable = STARTABLE.includes(row.state) && (row.state !== 'proposed' || row.verdict === 'allow') && row.verdict !== 'deny';
  if (!startable) {
    return refuse(
      'state',
      `action ${id} is "${row.state}" (verdict ${row.verdict}); only approved actions execute`,
      row.state === 'pending-approval' ? `approve it first: \`steward approvals approve ${id}\`` : 'nothing to do for this action',
    );
  }
  if (policy.paused || isPaused(db))
    return refuse(
      'paused',
      'the kill switch is on (`steward pause` or paused: true in the policy)',
      'run `steward resume` when it is safe',
    );

  const bypass = options.testOnlyBypassOffChainChecks === true && process.env['STEWARD_TEST_HOOKS'] === '1';
  const resolved = resolveRow(policy, row, params.context);
  if (typeof resolved === 'string')
    return refuse(
      'resolve',
      resolved,
      'the journal row and its payload disagree; investigate before executing anything',
      [],
      [],
      [row.state],
    );

  // ---- build ----------------------------------------------------------------------------
  const agent = params.agentKeypair.publicKey;
  const buildCtx: BuildContext = {
    connection,
    endpoint: io.endpoint,
    agent,
    policy,
    context: params.context,
    retry,
    jupiter: { baseUrl: options.jupiter?.baseUrl ?? 'https://lite-api.jup.ag/swap/v1', fetch: options.jupiter?.fetch ?? fetch },
    squadsMultisig: options.squadsMultisig ?? null,
    solFeeReserveLamports: options.solFeeReserveLamports ?? 10_000_000n,
  };
  const built = await build(resolved, buildCtx);
  if (built.kind === 'refused') return refuse('build', built.reason, built.hint, [], [], [row.state]);
  if (built.kind === 'prepared') {
    if (params.mode === 'execute') transitionAction(db, id, [row.state], 'failed', now(), `prepared, not sent: ${built.reason}`);
    return {
      status: 'prepared',
      actionId: id,
      reason: built.reason,
      instructions: built.instructions.map((ix) => ({
        programId: ix.programId.toBase58(),
        accounts: ix.keys.map((k) => k.pubkey.toBase58()),
        data: Buffer.from(ix.data).toString('base64'),
      })),
    };
  }
  let state: ActionState = row.state;
  const step = (to: ActionState) => {
    if (params.mode === 'execute') transitionAction(db, id, [state], to, now());
    state = to;
  };
  // This process now drives the action: if it dies before signing, the action is abandoned.
  if (params.mode === 'execute') claimAction(db, id, [state], 'built', now());
  state = 'built';
  maybeKill('after-build');

  const { allowance } = built;
  if (allowance && allowance.needed > allowance.remaining && !bypass) {
    return refuse(
      'allowance',
      `the action moves ${formatAmount(allowance.needed, allowance.decimals)} ${allowance.symbol} but the on-chain allowance on ${allowance.account} has ${formatAmount(allowance.remaining, allowance.decimals)} left`,
      allowance.remedy,
      [],
      [],
      [state],
    );
  }

  // ---- simulate and check effects -------------------------------------------------------
  const memo = decisionMemo(installId(db), id, row.payload);
  const priorityFee = options.priorityFeeMicroLamports ?? 1_000;
  // The simulation runs against the cluster's latest blockhash (replaceRecentBlockhash), so the
  // draft needs none of its own: the one it is signed with is read right before signing.
  const draft = assembleTransaction({
    payer: agent,
    blockhash: SIMULATION_PLACEHOLDER_BLOCKHASH,
    instructions: built.instructions,
    lookupTables: built.lookupTables,
    computeUnitLimit: SIMULATION_CU_LIMIT,
    priorityFeeMicroLamports: priorityFee,
    memo,
  });
  let unitLimit = 200_000;
  let effects;
  let logs: string[] = [];
  let unitsConsumed = 0;
  if (!bypass) {
    const treasury = params.context.treasuryAddresses;
    const simulation = await simulateWithEffects(connection, io.endpoint, draft, built.lookupTables, {
      retry,
      isTreasury: (address, owner) => treasury.has(address) || (owner !== null && treasury.has(owner)),
      ...(options.effectsRounds !== undefined ? { maxRounds: options.effectsRounds } : {}),
    });
    logs = simulation.logs;
    unitsConsumed = simulation.unitsConsumed;
    const journal = (outcome: EffectCheckOutcome, detail?: string) =>
      recordEffectCheck(
        db,
        {
          actionId: id,
          mode: params.mode,
          outcome,
          rounds: simulation.rounds,
          slots: simulation.slots,
          effects: simulation.effects,
          ...(detail !== undefined ? { detail } : {}),
        },
        now(),
      );
    step('simulated');
    if (simulation.err !== null) {
      const reason = `the simulated transaction fails: ${JSON.stringify(simulation.err)}`;
      journal('simulation-failed', reason);
      return refuse('simulation', reason, 'see the program logs; nothing was signed', [], logs, [state]);
    }
    if (simulation.unstable.length > 0) {
      const { pre, simulation: at, recheck } = simulation.slots;
      const reason = `treasury account${simulation.unstable.length === 1 ? '' : 's'} ${simulation.unstable.join(', ')} changed between the reads around the simulation in each of ${simulation.rounds} rounds (last: slots ${pre}, ${at}, ${recheck}), so the effects cannot be measured from one moment`;
      journal('unstable', reason);
      return refuse(
        'simulation',
        reason,
        'nothing was signed; something else is moving the treasury right now (another executor or incoming payments): run again shortly',
        [],
        logs,
        [state],
      );
    }
    if (!simulation.effects) {
      const reason = 'the runtime truncated the simulation logs, so the programs the transaction invokes cannot be proven';
      journal('logs-truncated', reason);
      return refuse('simulation', reason, 'nothing was signed; a smaller transaction (fewer hops) avoids this', [], logs, [state]);
    }
    effects = simulation.effects;
    const verdict = checkEffects(policy, resolved, effects, { ...params.context, paused: isPaused(db) });
    if (verdict.kind === 'deny') {
      const reason = verdict.rules.map((r) => r.reason).join('; ');
      journal('denied', reason);
      return refuse('effects', reason, 'the transaction would do more than the action claimed; nothing was signed', verdict.rules, logs, [
        state,
      ]);
    }
    journal('passed');
    unitLimit = computeUnitLimitFor(unitsConsumed, options.computeUnitMargin ?? 1.2);
  } else {
    step('simulated');
  }
  step('effects-checked');

  if (params.mode === 'dry-run') {
    transitionAction(db, id, [row.state], 'dry-run', now());
    return {
      status: 'dry-run',
      actionId: id,
      effects: effects ?? { tokenAccounts: [], lamports: [], programs: [], authorityChanges: [] },
      unitsConsumed,
      computeUnitLimit: unitLimit,
      memo,
      notes: built.notes,
      logs,
    };
  }

  // ---- re-check, sign and journal in one write transaction; then send and confirm ----------
  // A fresh blockhash (the longest time to land) and the allowance as it stands now: independent
  // reads, sent together so the re-check costs one round trip.
  const solFeeReserve = options.solFeeReserveLamports ?? 10_000_000n;
  const [latestForSend, remainingNow] = await Promise.all([
    rpcCall('getLatestBlockhash', io.endpoint, () => connection.getLatestBlockhash('confirmed'), retry),
    allowance && !bypass ? readAllowanceNow(io, agent, allowance, solFeeReserve) : undefined,
  ]);
  const tx = assembleTransaction({
    payer: agent,
    blockhash: latestForSend.blockhash,
    instructions: built.instructions,
    lookupTables: built.lookupTables,
    computeUnitLimit: unitLimit,
    priorityFeeMicroLamports: priorityFee,
    memo,
  });
  // Synced before the send: a transaction on the wire must be in the journal even after a power cut.
  const signed = durableTransaction(db, () => {
    if (!bypass) {
      const refusal = recheckBeforeSigning(
        db,
        policy,
        row,
        { ...params.context, now: now().getTime() },
        allowance && remainingNow !== undefined ? { check: allowance, remainingNow } : undefined,
      );
      if (refusal) {
        transitionAction(db, id, [state], 'effects-refused', now(), `re-check before signing: ${refusal.reason}`);
        return refusal;
      }
    }
    signTransaction(tx, params.agentKeypair);
    const signatureBytes = tx.signatures[0];
    if (!signatureBytes) throw new StewardError('INTERNAL', `signing action ${id} produced no signature`);
    return recordSignedAttempt(
      db,
      {
        actionId: id,
        signature: encodeBase58(signatureBytes),
        tx: tx.serialize(),
        blockhash: latestForSend.blockhash,
        lastValidBlockHeight: BigInt(latestForSend.lastValidBlockHeight),
        memo,
      },
      now(),
    );
  });
  if ('reason' in signed) {
    return {
      status: 'refused',
      actionId: id,
      stage: 'recheck',
      reason: signed.reason,
      hint: 'another action took the room first (or the kill switch went on); nothing was signed',
      rules: signed.rules,
      logs: [],
    };
  }
  const attempt = signed;
  maybeKill('after-sign');
  const settled = await settleAttempt(io, attempt, undefined);
  return fromAttempt(id, settled, memo, built.notes);
}

function fromAttempt(
  id: number,
  settled: Awaited<ReturnType<typeof settleAttempt>>,
  memo: string,
  notes: readonly string[] = [],
): ExecutionOutcome {
  switch (settled.state) {
    case 'confirmed':
      return { status: 'confirmed', actionId: id, signature: settled.signature, attempt: settled.attempt, slot: settled.slot, memo, notes };
    case 'failed':
      return {
        status: 'failed',
        actionId: id,
        signature: settled.signature,
        attempt: settled.attempt,
        error: settled.error ?? 'failed on chain',
        logs: settled.logs ?? [],
      };
    case 'expired':
      return { status: 'expired', actionId: id, signature: settled.signature, attempt: settled.attempt, error: settled.error ?? 'expired' };
    case 'pending':
      return { status: 'pending', actionId: id, signature: settled.signature, attempt: settled.attempt };
    case 'unknown':
      return {
        status: 'unknown',
        actionId: id,
        signature: settled.signature,
        attempt: settled.attempt,
        error: settled.error ?? 'the RPC answers could not settle it',
      };
    default:
      return settled satisfies never;
  }
}

/** The resolved action from the row's payload, checked against the row's ledger columns. */
function resolveRow(policy: CompiledPolicy, row: ActionRow, context: PolicyContext): ResolvedAction | string {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    return `action ${row.id}'s payload is not JSON`;
  }
  const verdict = evaluatePolicy(policy, payload, { ...context, paused: false });
  const resolved = verdict.action;
  if (!resolved)
    return `action ${row.id}'s payload does not resolve under policy "${policy.name}": ${verdict.rules.map((r) => r.reason).join('; ')}`;
  const columns = ledgerColumns(resolved);
  const mismatch = (['amount', 'mint', 'destination'] as const).find((field) => row[field] !== null && columns[field] !== row[field]);
  if (mismatch) return `action ${row.id}'s ${mismatch} column (${row[mismatch]}) differs from its payload (${columns[mismatch]})`;
  if (resolved.kind === 'transfer' || resolved.kind === 'stake') {
    try {
      new PublicKey(resolved.kind === 'transfer' ? resolved.to : resolved.validator);
    } catch {
      return `action ${row.id} names an invalid address`;
    }
  }
  return resolved;
}

async function build(action: ResolvedAction, ctx: BuildContext): Promise<BuildResult> {
  switch (action.kind) {
    case 'transfer':
      return buildTransfer(action, ctx);
    case 'swap':
      return buildSwap(action, ctx);
    case 'stake':
      return buildStake(action, ctx);
    case 'unstake':
      return buildUnstake(action, ctx);
    case 'vote':
      return buildVote(action, ctx);
    case 'none':
      return { kind: 'refused', reason: 'a "none" action has nothing to execute', hint: 'nothing to do' };
    default:
      return action satisfies never;
  }
}
