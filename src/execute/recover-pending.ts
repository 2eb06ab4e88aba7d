// recoverPending: run at startup (and after any crash) before new work. Every signed or sent
// attempt is resolved against the chain: a status settles it (confirmed / failed with logs);
// no status while the blockhash is valid → the SAME bytes are rebroadcast and awaited; no status
// past the last valid block height → expired, and only then may the action get a new attempt.
// Actions a dead process left before signing are closed as abandoned (closeCrashLeftovers: only
// when that process is provably gone; a live process's actions are never touched).
import type { Connection } from '@solana/web3.js';
import { closeCrashLeftovers } from '../store/crash-leftovers.js';
import type { Db } from '../store/store.js';
import { liveAttempts } from './attempts.js';
import { defaultRetryOptions, type RetryOptions } from '../chain/rpc.js';
import {
  defaultConfirmOptions,
  settleAttempt,
  type AttemptOutcome,
  type ConfirmEndpoint,
  type ConfirmOptions,
} from './send-and-confirm.js';

export interface RecoverOptions {
  endpoint?: string;
  retry?: Partial<RetryOptions>;
  confirm?: Partial<ConfirmOptions>;
  now?: () => Date;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A second RPC endpoint that must agree before an attempt is settled. */
  confirmWith?: ConfirmEndpoint | undefined;
}

export interface RecoveryReport {
  settled: (AttemptOutcome & { actionId: number })[];
  /** Actions closed as abandoned: their process died before signing. */
  abandoned: number[];
}

export async function recoverPending(db: Db, connection: Connection, options: RecoverOptions = {}): Promise<RecoveryReport> {
  const retry = { ...defaultRetryOptions, ...options.retry };
  const now = options.now ?? (() => new Date());
  const io = {
    db,
    connection,
    endpoint: options.endpoint ?? connection.rpcEndpoint,
    retry,
    confirm: { ...defaultConfirmOptions, ...options.confirm },
    now,
    clock: options.clock ?? (() => performance.now()),
    sleep: options.sleep ?? retry.sleep,
    confirmWith: options.confirmWith,
  };
  const settled: RecoveryReport['settled'] = [];
  for (const attempt of liveAttempts(db)) {
    // Never assume the bytes went out: send them again (idempotent: same signature).
    const outcome = await settleAttempt(io, attempt, undefined);
    settled.push({ ...outcome, actionId: attempt.action_id });
  }
  const leftovers = closeCrashLeftovers(db, now());
  return { settled, abandoned: leftovers.actions.map((action) => action.id) };
}
