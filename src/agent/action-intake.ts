// Turns the policy's verdicts on a run's proposed actions into rows of the action journal.
// The state a row starts in depends on the verdict and the agent's mode; rows that start in
// 'approved' count against the spend windows at once (in flight), before anything is built.
import { ledgerColumns, type PolicyVerdict, type ProposedAction } from '../policy/index.js';
import type { ActionState, Db } from '../store/index.js';
import type { AgentConfig } from '../config/index.js';

export type EffectiveMode = AgentConfig['mode'];

export function initialState(verdict: PolicyVerdict['kind'], mode: EffectiveMode): ActionState {
  if (verdict === 'deny') return 'denied';
  if (verdict === 'needs-approval') return 'pending-approval';
  if (mode === 'dry-run') return 'dry-run';
  if (mode === 'approve-all') return 'pending-approval';
  return 'approved';
}

export interface IntakeRecord {
  runId: number;
  agent: string;
  policy: string;
  /** The action exactly as the model proposed it (untrusted). */
  proposed: unknown;
  verdict: PolicyVerdict;
  state: ActionState;
  now: Date;
}

/** Inserts one journal row and returns its id. */
export function recordActionIntake(db: Db, record: IntakeRecord): number {
  const resolved = record.verdict.action;
  const columns = resolved
    ? ledgerColumns(resolved)
    : { token: null, mint: null, amount: null, usd: null, destination: null };
  const kind = resolved?.kind ?? kindOf(record.proposed);
  const result = db
    .prepare(
      `INSERT INTO actions (run_id, agent, policy, kind, token, mint, amount, usd, destination, payload, verdict, rules, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      record.runId,
      record.agent,
      record.policy,
      kind,
      columns.token,
      columns.mint,
      columns.amount,
      columns.usd,
      columns.destination,
      JSON.stringify(record.proposed),
      record.verdict.kind,
      JSON.stringify(record.verdict.rules),
      record.state,
      record.now.toISOString(),
      record.now.toISOString(),
    );
  return Number(result.lastInsertRowid);
}

function kindOf(proposed: unknown): string {
  const kind = proposed && typeof proposed === 'object' ? (proposed as Partial<ProposedAction>).kind : undefined;
  return typeof kind === 'string' ? kind.slice(0, 32) : 'invalid';
}
