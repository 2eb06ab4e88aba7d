// Human approvals. A needs-approval verdict waits in "pending-approval" with an expiry
// (policy.approval.expiresAfter). Approving re-runs the policy with the caller's current
// context (prices and windows move) and only an outcome without a deny proceeds to execution;
// who approved and when is recorded either way. Expired approvals never execute.
import { StewardError } from '../errors/index.js';
import { evaluatePolicy, type CompiledPolicy, type FiredRule } from '../policy/index.js';
import { pauseState, statement } from '../store/index.js';
import { currentProcess } from '../shared/process-identity.js';
import type { Db } from '../store/store.js';
import { actionDigest } from './action-digest.js';
import { readAction, type ActionRow } from './action-journal.js';
import { journalContext, type ObservedContext } from './fence.js';

export interface ApprovalRow {
  action_id: number;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  requested_at: string;
  expires_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}

/** Marks every pending approval past its expiry as expired (and its action approval-expired). */
export function expireApprovals(db: Db, now: Date): number[] {
  const at = now.toISOString();
  return db
    .transaction(() => {
      const due = statement(db, "SELECT action_id FROM approvals WHERE status = 'pending' AND expires_at <= ?").all(at) as {
        action_id: number;
      }[];
      for (const { action_id } of due) {
        statement(db, "UPDATE approvals SET status = 'expired', decided_at = ? WHERE action_id = ? AND status = 'pending'").run(
          at,
          action_id,
        );
        statement(db, "UPDATE actions SET state = 'approval-expired', updated_at = ? WHERE id = ? AND state = 'pending-approval'").run(
          at,
          action_id,
        );
      }
      return due.map((d) => d.action_id);
    })
    .immediate();
}

export function listApprovals(
  db: Db,
  now: Date,
  status: ApprovalRow['status'] | 'all' = 'pending',
): (ApprovalRow & { action: ActionRow })[] {
  expireApprovals(db, now);
  const rows = (
    status === 'all'
      ? statement(db, 'SELECT * FROM approvals ORDER BY action_id').all()
      : statement(db, 'SELECT * FROM approvals WHERE status = ? ORDER BY action_id').all(status)
  ) as ApprovalRow[];
  return rows.map((row) => ({ ...row, action: readAction(db, row.action_id) }));
}

export function getApproval(db: Db, actionId: number, now: Date): ApprovalRow & { action: ActionRow } {
  expireApprovals(db, now);
  const row = statement(db, 'SELECT * FROM approvals WHERE action_id = ?').get(actionId) as ApprovalRow | undefined;
  if (!row) {
    throw new StewardError('APPROVAL_INVALID', `action ${actionId} has no approval request`, {
      hint: 'list pending approvals with `steward approvals list`',
      context: { actionId },
    });
  }
  return { ...row, action: readAction(db, actionId) };
}

/** The request with its action, when it is still pending; throws APPROVAL_INVALID on an unknown id or a decided (or expired) request. */
export function requirePending(db: Db, actionId: number, now: Date): ApprovalRow & { action: ActionRow } {
  const row = getApproval(db, actionId, now);
  if (row.status !== 'pending') {
    throw new StewardError(
      'APPROVAL_INVALID',
      `the approval of action ${actionId} is ${row.status}${row.decided_at ? ` (since ${row.decided_at})` : ''}, not pending`,
      {
        hint:
          row.status === 'expired'
            ? 'an expired approval never executes; the agent must propose the action again'
            : 'nothing left to decide (`steward approvals show ID`)',
        context: { actionId, status: row.status },
      },
    );
  }
  return row;
}

export function rejectApproval(db: Db, actionId: number, by: string, reason: string | undefined, now: Date): void {
  requirePending(db, actionId, now);
  const at = now.toISOString();
  db.transaction(() => {
    statement(
      db,
      "UPDATE approvals SET status = 'rejected', decided_by = ?, decided_at = ?, reason = ? WHERE action_id = ? AND status = 'pending'",
    ).run(by, at, reason ?? null, actionId);
    statement(db, "UPDATE actions SET state = 'rejected', updated_at = ?, error = ? WHERE id = ? AND state = 'pending-approval'").run(
      at,
      `rejected by ${by}${reason ? `: ${reason}` : ''}`,
      actionId,
    );
  }).immediate();
}

export type ApprovalDecision =
  | { kind: 'approved'; actionId: number; rules: readonly FiredRule[] }
  | { kind: 'denied-on-recheck'; actionId: number; rules: readonly FiredRule[] }
  /** The kill switch is on: nothing was written, the request stays pending. */
  | { kind: 'paused'; actionId: number; reason: string; since: string | undefined }
  /** The pending action no longer has the digest the person approved: nothing was written. */
  | { kind: 'digest-mismatch'; actionId: number; expected: string; actual: string };

/**
 * Records the human approval and re-evaluates the action, in one write transaction: the windows,
 * reserves and kill switch are read from the journal inside it, `observed` brings current prices
 * and balances. While paused nothing is written (the request stays pending). A deny wins: the
 * action becomes "denied" with the new reasons. Otherwise it becomes "approved", owned by this
 * process, ready for executeAction. With `digest` (what the person saw, `actionDigest`), the
 * action is approved only while it still has exactly that digest.
 */
export function approveAction(
  db: Db,
  policy: CompiledPolicy,
  actionId: number,
  by: string,
  observed: ObservedContext,
  now: Date,
  digest?: string,
): ApprovalDecision {
  // Expiry is committed on its own: a request found expired stays expired even though the
  // approval below is refused (and its transaction rolled back).
  expireApprovals(db, now);
  return db
    .transaction((): ApprovalDecision => {
      requirePending(db, actionId, now);
      const pause = pauseState(db);
      if (pause.paused || policy.paused) {
        const reason = pause.paused ? (pause.reason ?? 'no reason given') : `paused: true in policy "${policy.name}"`;
        return { kind: 'paused', actionId, reason, since: pause.paused ? pause.since : undefined };
      }
      const row = readAction(db, actionId);
      if (digest !== undefined) {
        const actual = actionDigest(row);
        if (actual !== digest) return { kind: 'digest-mismatch', actionId, expected: digest, actual };
      }
      const fresh = journalContext(db, policy, { ...observed, now: now.getTime() }, actionId);
      const verdict = evaluatePolicy(policy, JSON.parse(row.payload) as unknown, fresh);
      const at = now.toISOString();
      const denied = verdict.kind === 'deny';
      const owner = currentProcess();
      statement(
        db,
        "UPDATE approvals SET status = 'approved', decided_by = ?, decided_at = ? WHERE action_id = ? AND status = 'pending'",
      ).run(by, at, actionId);
      statement(
        db,
        "UPDATE actions SET state = ?, rules = ?, updated_at = ?, error = ?, owner_pid = ?, owner_host = ?, owner_started = ? WHERE id = ? AND state = 'pending-approval'",
      ).run(
        denied ? 'denied' : 'approved',
        JSON.stringify(verdict.rules),
        at,
        denied
          ? `approved by ${by}, then denied on re-check: ${verdict.rules
              .filter((r) => r.effect === 'deny')
              .map((r) => r.reason)
              .join('; ')}`
          : null,
        owner.pid,
        owner.host,
        owner.started,
        actionId,
      );
      return { kind: denied ? 'denied-on-recheck' : 'approved', actionId, rules: verdict.rules };
    })
    .immediate();
}
