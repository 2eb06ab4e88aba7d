// Agent runs in full: which observation a run used, and each model decision with the exact
// prompt parts, the model's identity, the raw output and what parsed from it.
import type { Migration } from './types.js';

export const migration0006: Migration = {
  version: 6,
  name: 'agent-runs',
  sql: `
    ALTER TABLE runs ADD COLUMN observation_id INTEGER;
    ALTER TABLE runs ADD COLUMN summary TEXT;      -- JSON: the run's key figures for status/reports

    CREATE TABLE decisions (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs (id),
      task TEXT NOT NULL,                -- treasury | proposal:<address>
      model_id TEXT NOT NULL,
      model_hash TEXT,
      prompt_hash TEXT NOT NULL,
      prompt TEXT NOT NULL,              -- JSON: the prompt parts, exactly as sent
      raw_output TEXT,
      parsed TEXT,                       -- JSON, NULL when the output never validated
      attempts INTEGER NOT NULL,
      usage TEXT NOT NULL DEFAULT '{}',  -- JSON: tokens and timings
      error TEXT,
      created_at TEXT NOT NULL
    );
    CREATE INDEX decisions_run ON decisions (run_id);
  `,
};
