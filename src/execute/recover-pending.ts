// recoverPending: run at startup (and after any crash) before new work. Every signed or sent
// attempt is resolved against the chain: a status settles it (confirmed / failed with logs);
// no status while the blockhash is valid → the SAME bytes are rebroadcast and awaited; no status
// past the last valid block height → expired, and only then may the action get a new attempt.
// Actions stopped between "built" and "effects-checked" signed nothing, so they go back to
// "approved" for a fresh build.
import type { Connection } from '@solana/web3.js';
import type { Db } from '../store/store.js';
import { liveAttempts } from './attempts.js';
import { defaultRetryOptions, type RetryOptions } from './rpc-errors.js';
import { defaultConfirmOptions, settleAttempt, type AttemptOutcome, type ConfirmOptions } from './send-and-confirm.js';

export interface RecoverOptions {
  endpoint?: string;
  retry?: Partial<RetryOptions>;
  confirm?: Partial<ConfirmOptions>;
  now?: () => Date;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RecoveryReport {
  settled: (AttemptOutcome & { actionId: number })[];
  /** Actions moved back to "approved" because they stopped before signing. */
  reset: number[];
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
  };
  const settled: RecoveryReport['settled'] = [];
  for (const attempt of liveAttempts(db)) {
    // Never assume the bytes went out: send them again (idempotent: same signature).
    const outcome = await settleAttempt(io, attempt, undefined);
    settled.push({ ...outcome, actionId: attempt.action_id });
  }
  const stale = db
    .prepare(
      `SELECT id FROM actions WHERE state IN ('built', 'simulated', 'effects-checked')
       AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.action_id = actions.id AND t.state IN ('signed', 'sent'))`,
    )
    .all() as { id: number }[];
  const reset: number[] = [];
  const at = now().toISOString();
  for (const { id } of stale) {
    const changed = db.prepare("UPDATE actions SET state = 'approved', updated_at = ?, error = 'reset by recovery: stopped before signing' WHERE id = ? AND state IN ('built', 'simulated', 'effects-checked')").run(at, id);
    if (changed.changes === 1) reset.push(id);
  }
  return { settled, reset };
}
