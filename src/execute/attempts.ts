// Per-attempt transaction rows. An attempt is written in one SQLite transaction together with
// the action's move to "signed", before any byte goes to the network: whatever happens next, the
// journal knows the signature to look for and the block height after which it cannot land.
import { StewardError } from '../errors/index.js';
import type { Db } from '../store/store.js';
import { statement } from '../store/statements.js';

/** 'unknown': sent, and the RPC answers could not settle it; live (re-checked by recovery), counts as spent. */
export type AttemptState = 'signed' | 'sent' | 'unknown' | 'confirmed' | 'failed' | 'expired';

export interface AttemptRow {
  id: number;
  action_id: number;
  attempt: number;
  signature: string;
  tx: string;
  blockhash: string;
  last_valid_block_height: number;
  state: AttemptState;
  slot: number | null;
  error: string | null;
  logs: string | null;
  memo: string;
  sends: number;
  rpc_fault?: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewAttempt {
  actionId: number;
  signature: string;
  /** Signed wire bytes. */
  tx: Uint8Array;
  blockhash: string;
  lastValidBlockHeight: bigint;
  memo: string;
}

/**
 * Records a signed attempt and moves the action from `effects-checked` to `signed`, atomically.
 * The partial unique index refuses a second live attempt for the same action.
 */
export function recordSignedAttempt(db: Db, attempt: NewAttempt, now: Date): AttemptRow {
  const at = now.toISOString();
  const write = db.transaction((): AttemptRow => {
    const live = statement(db, "SELECT signature FROM transactions WHERE action_id = ? AND state IN ('signed', 'sent', 'unknown')").get(
      attempt.actionId,
    ) as { signature: string } | undefined;
    if (live) {
      throw new StewardError('EXECUTION_REFUSED', `action ${attempt.actionId} already has a live signed transaction ${live.signature}`, {
        hint: 'run recovery (`recoverPending`) to resolve it first; a second transaction could double-spend',
        context: { actionId: attempt.actionId, signature: live.signature },
      });
    }
    const moved = statement(db, "UPDATE actions SET state = 'signed', updated_at = ? WHERE id = ? AND state = 'effects-checked'").run(
      at,
      attempt.actionId,
    );
    if (moved.changes !== 1) {
      throw new StewardError('EXECUTION_REFUSED', `action ${attempt.actionId} left "effects-checked" before it was signed`, {
        hint: 'another process touched this action; inspect it before retrying',
        context: { actionId: attempt.actionId },
      });
    }
    const claimed = statement(db, 'SELECT action_id FROM transactions WHERE signature = ?').get(attempt.signature) as
      { action_id: number } | undefined;
    if (claimed) {
      throw new StewardError(
        'EXECUTION_REFUSED',
        `signature ${attempt.signature} is already journalled for action ${claimed.action_id}; action ${attempt.actionId} cannot claim it`,
        {
          hint: 'two actions built byte-identical transactions; nothing was sent for the second one. Report this: memos carry the action id and install id so this should not happen',
          context: { actionId: attempt.actionId, signature: attempt.signature, claimedBy: claimed.action_id },
        },
      );
    }
    const next = (
      statement(db, 'SELECT COALESCE(MAX(attempt), 0) + 1 AS n FROM transactions WHERE action_id = ?').get(attempt.actionId) as {
        n: number;
      }
    ).n;
    const id = statement(
      db,
      `INSERT INTO transactions (action_id, attempt, signature, tx, blockhash, last_valid_block_height, state, memo, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'signed', ?, ?, ?)`,
    ).run(
      attempt.actionId,
      next,
      attempt.signature,
      Buffer.from(attempt.tx).toString('base64'),
      attempt.blockhash,
      Number(attempt.lastValidBlockHeight),
      attempt.memo,
      at,
      at,
    ).lastInsertRowid;
    return statement(db, 'SELECT * FROM transactions WHERE id = ?').get(id) as AttemptRow;
  });
  return write.immediate();
}

export function liveAttempts(db: Db): AttemptRow[] {
  return statement(db, "SELECT * FROM transactions WHERE state IN ('signed', 'sent', 'unknown') ORDER BY id").all() as AttemptRow[];
}

export function attemptsOf(db: Db, actionId: number): AttemptRow[] {
  return statement(db, 'SELECT * FROM transactions WHERE action_id = ? ORDER BY attempt').all(actionId) as AttemptRow[];
}

export function markSent(db: Db, id: number, now: Date): void {
  const at = now.toISOString();
  db.transaction(() => {
    const row = statement(db, 'SELECT action_id, state FROM transactions WHERE id = ?').get(id) as { action_id: number; state: string };
    statement(
      db,
      "UPDATE transactions SET state = CASE WHEN state = 'signed' THEN 'sent' ELSE state END, sends = sends + 1, updated_at = ? WHERE id = ?",
    ).run(at, id);
    if (row.state === 'signed')
      statement(db, "UPDATE actions SET state = 'sent', updated_at = ? WHERE id = ? AND state = 'signed'").run(at, row.action_id);
  }).immediate();
}

export interface AttemptResolution {
  state: 'confirmed' | 'failed' | 'expired' | 'unknown';
  slot?: bigint | undefined;
  error?: string | undefined;
  logs?: readonly string[] | undefined;
}

/** Settles a live attempt and its action in one transaction. */
export function resolveAttempt(db: Db, id: number, resolution: AttemptResolution, now: Date): void {
  const at = now.toISOString();
  db.transaction(() => {
    const row = statement(db, 'SELECT action_id, state FROM transactions WHERE id = ?').get(id) as
      { action_id: number; state: string } | undefined;
    if (!row || (row.state !== 'signed' && row.state !== 'sent' && row.state !== 'unknown')) return;
    statement(db, 'UPDATE transactions SET state = ?, slot = ?, error = ?, logs = ?, updated_at = ? WHERE id = ?').run(
      resolution.state,
      resolution.slot === undefined ? null : Number(resolution.slot),
      resolution.error ?? null,
      resolution.logs ? JSON.stringify(resolution.logs) : null,
      at,
      id,
    );
    statement(db, "UPDATE actions SET state = ?, updated_at = ?, error = ? WHERE id = ? AND state IN ('signed', 'sent', 'unknown')").run(
      resolution.state,
      at,
      resolution.error ?? null,
      row.action_id,
    );
  }).immediate();
}

/** Records what an RPC answered that cannot be true (a signature other than the signed one). */
export function recordRpcFault(db: Db, id: number, fault: string, now: Date): void {
  statement(db, 'UPDATE transactions SET rpc_fault = ?, updated_at = ? WHERE id = ?').run(fault.slice(0, 500), now.toISOString(), id);
}
