// Writes a policy verdict into the journal as the executor expects to find it: allow →
// "approved" (counts in windows at once), needs-approval → "pending-approval" with an approvals
// row that expires after policy.approval.expiresAfter, deny → "denied". Ledger columns come
// from the resolved action, so windows count exactly what the policy measured.
import { ledgerColumns, type CompiledPolicy, type PolicyVerdict } from '../policy/index.js';
import type { Db } from '../store/store.js';

export interface RecordDecisionParams {
  db: Db;
  policy: CompiledPolicy;
  agent: string;
  runId?: number | null;
  /** The proposed action as the model (or operator) gave it. */
  payload: unknown;
  verdict: PolicyVerdict;
  now: Date;
}

export function recordDecision(params: RecordDecisionParams): number {
  const { db, verdict, now } = params;
  const at = now.toISOString();
  const columns = verdict.action
    ? ledgerColumns(verdict.action)
    : { token: null, mint: null, amount: null, usd: null, destination: null };
  const kind = verdict.action?.kind ?? (typeof (params.payload as { kind?: unknown } | null)?.kind === 'string' ? String((params.payload as { kind: string }).kind).slice(0, 40) : 'invalid');
  const state = verdict.kind === 'allow' ? 'approved' : verdict.kind === 'needs-approval' ? 'pending-approval' : 'denied';
  const write = db.transaction((): number => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO actions (run_id, agent, policy, kind, token, mint, amount, usd, destination, payload, verdict, rules, state, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(params.runId ?? null, params.agent, params.policy.name, kind, columns.token, columns.mint, columns.amount, columns.usd, columns.destination, JSON.stringify(params.payload), verdict.kind, JSON.stringify(verdict.rules), state, at, at).lastInsertRowid,
    );
    if (state === 'pending-approval') {
      db.prepare("INSERT INTO approvals (action_id, status, requested_at, expires_at) VALUES (?, 'pending', ?, ?)").run(id, at, new Date(now.getTime() + params.policy.approval.expiresAfterMs).toISOString());
    }
    return id;
  });
  return write.immediate();
}
