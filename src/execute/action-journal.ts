// The executor's view of the `actions` row: read it, and move it between lifecycle states with
// compare-and-set updates. A transition names the states it may come from; if the row is not in
// one of them (another process moved it), nothing is written and the caller is told, so two
// executors cannot both drive one action.
import { StewardError } from '../errors/index.js';
import { redactText } from '../shared/index.js';
import type { ActionState } from '../store/action-states.js';
import { currentProcess } from '../shared/process-identity.js';
import type { Db } from '../store/store.js';
import { statement } from '../store/statements.js';

export interface ActionRow {
  id: number;
  run_id: number | null;
  agent: string;
  policy: string;
  kind: string;
  token: string | null;
  mint: string | null;
  amount: string | null;
  usd: string | null;
  destination: string | null;
  payload: string;
  verdict: string;
  rules: string;
  state: ActionState;
  created_at: string;
  updated_at: string;
  error: string | null;
  owner_pid?: number | null;
  owner_host?: string | null;
  owner_started?: string | null;
}

export function readAction(db: Db, id: number): ActionRow {
  const row = statement(db, 'SELECT * FROM actions WHERE id = ?').get(id) as ActionRow | undefined;
  if (!row) {
    throw new StewardError('ACTION_NOT_FOUND', `no action ${id} in the journal`, {
      hint: 'list actions with `steward approvals list` or check the run report for the action id',
      context: { actionId: id },
    });
  }
  return row;
}

/** Moves action `id` from one of `from` to `to`. Throws EXECUTION_REFUSED when it was elsewhere. */
export function transitionAction(
  db: Db,
  id: number,
  from: readonly ActionState[],
  to: ActionState,
  now: Date,
  error?: string | null,
): void {
  const marks = from.map(() => '?').join(', ');
  const result = statement(
    db,
    `UPDATE actions SET state = ?, updated_at = ?, error = COALESCE(?, error) WHERE id = ? AND state IN (${marks})`,
  ).run(to, now.toISOString(), error ? redactText(error) : null, id, ...from);
  if (result.changes === 1) return;
  const row = statement(db, 'SELECT state FROM actions WHERE id = ?').get(id) as { state: string } | undefined;
  throw new StewardError(
    'EXECUTION_REFUSED',
    `action ${id} is ${row ? `"${row.state}"` : 'missing'}, not ${from.map((s) => `"${s}"`).join(' or ')}: cannot move it to "${to}"`,
    {
      hint: 'another process may be executing this action; check `steward approvals show ID` and retry once it settles',
      context: { actionId: id, state: row?.state, wanted: to },
    },
  );
}

/** transitionAction that also makes this process the action's owner (the one driving it to a signature). */
export function claimAction(db: Db, id: number, from: readonly ActionState[], to: ActionState, now: Date): void {
  db.transaction(() => {
    transitionAction(db, id, from, to, now);
    const owner = currentProcess();
    statement(db, 'UPDATE actions SET owner_pid = ?, owner_host = ?, owner_started = ? WHERE id = ?').run(
      owner.pid,
      owner.host,
      owner.started,
      id,
    );
  }).immediate();
}
