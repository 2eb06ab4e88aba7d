// Treasury observations: each snapshot and its analysis as compact JSON, stamped with the slot
// it was read at. The latest row per owner set is the "previous" the next analysis compares
// against, and the slot floor the next observation must not fall below.
import type { Migration } from './types.js';

export const migration0003: Migration = {
  version: 3,
  name: 'treasury-observations',
  sql: `
    CREATE TABLE treasury_observations (
      id INTEGER PRIMARY KEY,
      owners_key TEXT NOT NULL,           -- sorted owner addresses joined by ","
      cluster TEXT NOT NULL,              -- "embedded", a cluster name or a URL without credentials
      agent TEXT,                         -- agent name, when an agent observed
      slot INTEGER NOT NULL,
      observed_at TEXT NOT NULL,
      trusted_micro_usd TEXT NOT NULL,    -- bigint micro-USD as a decimal string
      snapshot TEXT NOT NULL,             -- JSON, amounts as decimal strings
      analysis TEXT NOT NULL,             -- JSON, amounts as decimal strings
      created_at TEXT NOT NULL
    );
    CREATE INDEX treasury_observations_owners_slot ON treasury_observations (owners_key, cluster, slot);
  `,
};
