// Writes a policy verdict into the journal as the executor expects to find it: allow →
// "approved" (counts in windows at once), needs-approval → "pending-approval" with an approvals
// row that expires after policy.approval.expiresAfter, deny → "denied". Ledger columns come
// from the resolved action, so windows count exactly what the policy measured.
// The agent's mode can only make this stricter: "approve-all" sends an allowed action to a
// human too; "dry-run" journals an allowed action as "proposed" (startable for a dry run, never
// counted) and one that needs approval as "dry-run" (no approval is requested for a dry run).
import { ledgerColumns, type CompiledPolicy, type PolicyVerdict } from '../policy/index.js';
import type { ActionState } from '../store/action-states.js';
import type { Db } from '../store/store.js';
import { statement } from '../store/statements.js';
import { currentProcess } from '../shared/process-identity.js';

export interface RecordDecisionParams {
  db: Db;
  policy: CompiledPolicy;
  agent: string;
  runId?: number | null;
  /** The proposed action as the model (or operator) gave it. */
  payload: unknown;
  verdict: PolicyVerdict;
  now: Date;
  /** The agent's mode (default autonomous: the verdict alone decides). */
  mode?: 'autonomous' | 'approve-all' | 'dry-run';
}

export function recordDecision(params: RecordDecisionParams): number {
  const { db, verdict, now } = params;
  const at = now.toISOString();
  const columns = verdict.action ? ledgerColumns(verdict.action) : { token: null, mint: null, amount: null, usd: null, destination: null };
  const kind =
    verdict.action?.kind ??
    (typeof (params.payload as { kind?: unknown } | null)?.kind === 'string'
      ? String((params.payload as { kind: string }).kind).slice(0, 40)
      : 'invalid');
  const mode = params.mode ?? 'autonomous';
  const state: ActionState =
    verdict.kind === 'deny'
      ? 'denied'
      : mode === 'dry-run'
        ? verdict.kind === 'allow'
          ? 'proposed'
          : 'dry-run'
        : verdict.kind === 'allow' && mode === 'autonomous'
          ? 'approved'
          : 'pending-approval';
  // The writing process owns an approved action until an executor claims it: if it dies before
  // anything is signed, the action is closed as abandoned (src/execute/crash-leftovers.ts).
  const owner = currentProcess();
  const write = db.transaction((): number => {
    const id = Number(
      statement(
        db,
        `INSERT INTO actions (run_id, agent, policy, kind, token, mint, amount, usd, destination, payload, verdict, rules, state, created_at, updated_at, owner_pid, owner_host, owner_started)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        params.runId ?? null,
        params.agent,
        params.policy.name,
        kind,
        columns.token,
        columns.mint,
        columns.amount,
        columns.usd,
        columns.destination,
        JSON.stringify(params.payload),
        verdict.kind,
        JSON.stringify(verdict.rules),
        state,
        at,
        at,
        owner.pid,
        owner.host,
        owner.started,
      ).lastInsertRowid,
    );
    if (state === 'pending-approval') {
      statement(db, "INSERT INTO approvals (action_id, status, requested_at, expires_at) VALUES (?, 'pending', ?, ?)").run(
        id,
        at,
        new Date(now.getTime() + params.policy.approval.expiresAfterMs).toISOString(),
      );
    }
    return id;
  });
  return write.immediate();
}
