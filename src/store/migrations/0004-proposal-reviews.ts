// Proposal reviews, keyed by proposal and the fingerprint of what the review depends on
// (text, state, instructions, voting rules): an unchanged proposal is not reviewed again, a
// changed one is. A review with the model and one without are kept apart.
import type { Migration } from './types.js';

export const migration0004: Migration = {
  version: 4,
  name: 'proposal-reviews',
  sql: `
    CREATE TABLE proposal_reviews (
      id INTEGER PRIMARY KEY,
      proposal TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      with_model INTEGER NOT NULL,       -- 1 when a model answered or was asked
      realm TEXT NOT NULL,
      name TEXT NOT NULL,
      recommendation TEXT NOT NULL,      -- for | abstain | needs-human | against
      max_severity TEXT,                 -- info | warn | severe | NULL
      flags TEXT NOT NULL,               -- JSON: [{ id, severity }]
      review TEXT NOT NULL,              -- the whole review as JSON (bigints as strings)
      markdown_path TEXT,
      reviewed_at TEXT NOT NULL,
      UNIQUE (proposal, fingerprint, with_model)
    );
    CREATE INDEX proposal_reviews_proposal ON proposal_reviews (proposal, reviewed_at);
  `,
};
