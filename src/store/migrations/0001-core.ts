// Core journal: settings (kill switch), agent runs, and the action ledger. The ledger is what
// rolling-window limits count: every action that is executed or still in flight.
import type { Migration } from './types.js';

export const migration0001: Migration = {
  version: 1,
  name: 'core',
  sql: `
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );

    CREATE TABLE runs (
      id INTEGER PRIMARY KEY,
      agent TEXT NOT NULL,
      trigger TEXT NOT NULL,             -- cron | cli | approval | demo
      status TEXT NOT NULL,              -- running | ok | failed | skipped | abandoned
      started_at TEXT NOT NULL,
      finished_at TEXT,
      error TEXT,
      phases TEXT NOT NULL DEFAULT '[]', -- JSON: [{ name, ms, ... }]
      report_path TEXT
    );
    CREATE INDEX runs_agent_started ON runs (agent, started_at);

    -- One row per proposed action. amount is base units as a decimal string (bigint-safe);
    -- usd is a decimal string or NULL when no trusted price existed.
    CREATE TABLE actions (
      id INTEGER PRIMARY KEY,
      run_id INTEGER REFERENCES runs (id),
      agent TEXT NOT NULL,
      policy TEXT NOT NULL,
      kind TEXT NOT NULL,
      token TEXT,
      mint TEXT,
      amount TEXT,
      usd TEXT,
      destination TEXT,
      payload TEXT NOT NULL,             -- the proposed action as JSON
      verdict TEXT NOT NULL,             -- allow | needs-approval | deny
      rules TEXT NOT NULL DEFAULT '[]',  -- JSON: rules that fired
      state TEXT NOT NULL,               -- see src/store/action-states.ts
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      error TEXT
    );
    CREATE INDEX actions_policy_state_created ON actions (policy, state, created_at);
  `,
};
