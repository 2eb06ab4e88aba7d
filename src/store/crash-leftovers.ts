// What a killed process leaves behind, closed by the next command that opens the store: runs
// still "running" and actions it was driving toward a signature (approved, built, simulated,
// effects-checked, nothing signed). Only rows whose process is provably gone are touched: same
// host, and the pid no longer runs or now belongs to a process started later. A live process's
// rows, and rows of another host, are left alone. Rows written before pids were recorded (no pid)
// count as gone: no process of this version can be driving them.
//
// An abandoned action is closed, never executed later: its verdict was taken on a snapshot that
// is old by now, and nothing of it was signed, so nothing can land. The agent's next run decides
// afresh. Signed transactions are not touched here: recovery settles them against the chain.
import { processLiveness } from '../shared/process-identity.js';
import { unsignedInFlightStates } from './action-states.js';
import type { Db } from './store.js';

export interface CrashLeftovers {
  runs: { id: number; reason: string }[];
  actions: { id: number; reason: string }[];
}

interface Owned {
  id: number;
  pid: number | null;
  host: string | null;
  started: string | null;
}

function goneReason(row: Owned): string | undefined {
  if (row.pid === null || row.host === null) return 'left by a process that recorded no pid (an older Steward)';
  if (processLiveness({ pid: row.pid, host: row.host, started: row.started }) !== 'dead') return undefined;
  return `process ${row.pid} on ${row.host} stopped (killed or crashed) during it`;
}

export function closeCrashLeftovers(db: Db, now: Date): CrashLeftovers {
  const at = now.toISOString();
  const states = unsignedInFlightStates.map(() => '?').join(', ');
  return db
    .transaction((): CrashLeftovers => {
      const out: CrashLeftovers = { runs: [], actions: [] };
      const runs = db.prepare("SELECT id, pid, host, process_started AS started FROM runs WHERE status = 'running'").all() as Owned[];
      for (const run of runs) {
        const reason = goneReason(run);
        if (!reason) continue;
        const changed = db
          .prepare("UPDATE runs SET status = 'abandoned', finished_at = ?, error = ? WHERE id = ? AND status = 'running'")
          .run(at, `abandoned: ${reason}`, run.id);
        if (changed.changes === 1) out.runs.push({ id: run.id, reason });
      }
      const actions = db
        .prepare(
          `SELECT id, owner_pid AS pid, owner_host AS host, owner_started AS started FROM actions
           WHERE state IN (${states})
             AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.action_id = actions.id AND t.state IN ('signed', 'sent', 'unknown'))`,
        )
        .all(...unsignedInFlightStates) as Owned[];
      for (const action of actions) {
        const reason = goneReason(action);
        if (!reason) continue;
        const changed = db
          .prepare(`UPDATE actions SET state = 'abandoned', updated_at = ?, error = ? WHERE id = ? AND state IN (${states})`)
          .run(
            at,
            `abandoned before signing: ${reason}; nothing was signed, the next run decides afresh`,
            action.id,
            ...unsignedInFlightStates,
          );
        if (changed.changes === 1) out.actions.push({ id: action.id, reason });
      }
      return out;
    })
    .immediate();
}
