// Effects checks: one row per simulation of an action and what its effects check concluded,
// with the context slots of the reads the effects came from (pre-state before the simulation,
// the simulation itself, pre-state again after it) and how many rounds it took to find the
// treasury holding still. An auditor can see which moment a verdict judged.
import type { Migration } from './types.js';

export const migration0007: Migration = {
  version: 7,
  name: 'effect-checks',
  sql: `
    CREATE TABLE effect_checks (
      id INTEGER PRIMARY KEY,
      action_id INTEGER NOT NULL REFERENCES actions (id),
      mode TEXT NOT NULL,                 -- dry-run | execute
      outcome TEXT NOT NULL,              -- passed | denied | unstable | simulation-failed | logs-truncated
      rounds INTEGER NOT NULL,            -- read, simulate, read again: repeated while treasury accounts moved
      pre_slot INTEGER NOT NULL,          -- context slot of the pre-state read before the simulation
      simulation_slot INTEGER NOT NULL,   -- context slot the simulation ran at
      recheck_slot INTEGER NOT NULL,      -- context slot of the pre-state read after the simulation
      effects TEXT,                       -- JSON TransactionEffects (amounts as decimal strings), NULL without effects
      detail TEXT,                        -- the refusal reason, or the accounts that kept moving
      created_at TEXT NOT NULL
    );
    CREATE INDEX effect_checks_action ON effect_checks (action_id);
  `,
};
