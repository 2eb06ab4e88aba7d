// The fence across processes, installs and RPC faults: which process owns a run or an in-flight
// action (pid, host, process start time), so that crash leftovers are closed only when their
// process is gone; a random per-install identity that goes into every memo, so two databases
// sharing one agent key never build the same bytes; and the "unknown" attempt state (an RPC
// answer that could not be trusted), which stays live and counts as spent.
import type { Migration } from './types.js';

export const migration0008: Migration = {
  version: 8,
  name: 'fence',
  sql: `
    ALTER TABLE runs ADD COLUMN pid INTEGER;
    ALTER TABLE runs ADD COLUMN host TEXT;
    ALTER TABLE runs ADD COLUMN process_started TEXT;

    ALTER TABLE actions ADD COLUMN owner_pid INTEGER;      -- the process driving it toward a signature
    ALTER TABLE actions ADD COLUMN owner_host TEXT;
    ALTER TABLE actions ADD COLUMN owner_started TEXT;

    ALTER TABLE transactions ADD COLUMN rpc_fault TEXT;    -- what an RPC answered that could not be true

    DROP INDEX transactions_one_live_per_action;
    CREATE UNIQUE INDEX transactions_one_live_per_action ON transactions (action_id) WHERE state IN ('signed', 'sent', 'unknown');

    INSERT OR IGNORE INTO settings (key, value, updated_at)
      VALUES ('install-id', lower(hex(randomblob(8))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
  `,
};
