// Run reports kept in the journal: the Markdown report of each run as it was written, so
// `steward runs show ID` prints the report of that run of this database, whatever happened to
// the files in the reports folder (another database's run with the same id, a cleanup).
import type { Migration } from './types.js';

export const migration0009: Migration = {
  version: 9,
  name: 'run-reports',
  sql: `
    ALTER TABLE runs ADD COLUMN report TEXT;  -- the Markdown report; NULL for runs before this migration
  `,
};
