// Execution journal: one row per transaction attempt of an action (signed bytes and signature
// stored before the first send, so a crash can always be resolved against the chain), and one
// row per human approval request. The partial unique index is the "never two live signed
// transactions for one action" rule, enforced by SQLite rather than by care.
import type { Migration } from './types.js';

export const migration0005: Migration = {
  version: 5,
  name: 'execution',
  sql: `
    CREATE TABLE transactions (
      id INTEGER PRIMARY KEY,
      action_id INTEGER NOT NULL REFERENCES actions (id),
      attempt INTEGER NOT NULL,                 -- 1, 2, ... per action
      signature TEXT NOT NULL UNIQUE,           -- base-58, known before sending
      tx TEXT NOT NULL,                         -- the signed wire bytes, base64
      blockhash TEXT NOT NULL,
      last_valid_block_height INTEGER NOT NULL,
      state TEXT NOT NULL,                      -- signed | sent | confirmed | failed | expired
      slot INTEGER,
      error TEXT,
      logs TEXT,                                -- JSON array of program log lines (failed transactions)
      memo TEXT NOT NULL,
      sends INTEGER NOT NULL DEFAULT 0,         -- how many times the same bytes were broadcast
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (action_id, attempt)
    );
    CREATE UNIQUE INDEX transactions_one_live_per_action ON transactions (action_id) WHERE state IN ('signed', 'sent');
    CREATE INDEX transactions_state ON transactions (state);

    CREATE TABLE approvals (
      action_id INTEGER PRIMARY KEY REFERENCES actions (id),
      status TEXT NOT NULL,                     -- pending | approved | rejected | expired
      requested_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      decided_by TEXT,
      decided_at TEXT,
      reason TEXT
    );
    CREATE INDEX approvals_status_expires ON approvals (status, expires_at);
  `,
};
