// Observations keyed by cluster identity: `cluster` now holds ClusterIdentity.key (genesis hash,
// plus the endpoint for a local validator; the chain id of an embedded chain), and the readable
// name and endpoint are kept beside it, so `status` can say which chain a figure came from.
// Rows written before keep their old `cluster` text ("embedded", a name or URL) and match no
// identity: their figures are never shown as another chain's.
import type { Migration } from './types.js';

export const migration0010: Migration = {
  version: 10,
  name: 'cluster-identity',
  sql: `
    ALTER TABLE treasury_observations ADD COLUMN cluster_name TEXT;  -- ClusterIdentity.name; NULL before this migration
    ALTER TABLE treasury_observations ADD COLUMN endpoint TEXT;      -- scheme://host:port read; NULL for an embedded chain
    CREATE INDEX treasury_observations_endpoint ON treasury_observations (endpoint, owners_key, slot);
  `,
};
