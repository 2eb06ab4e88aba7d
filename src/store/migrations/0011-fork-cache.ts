// The fork cache (docs/LOCALNET.md, fork mode): accounts and listings a fork read from its
// upstream, per upstream (its URL without credentials), each with the upstream slot it was read
// at, so the next command on a fork of the same upstream starts warm.
import type { Migration } from './types.js';

export const migration0011: Migration = {
  version: 11,
  name: 'fork-cache',
  sql: `
    CREATE TABLE fork_accounts (
      upstream   TEXT NOT NULL,
      address    TEXT NOT NULL,
      slot       INTEGER NOT NULL,      -- upstream slot it was read at
      present    INTEGER NOT NULL,      -- 0: absent upstream (the other columns are NULL)
      lamports   TEXT,                  -- decimal u64
      owner      TEXT,
      executable INTEGER,
      data       BLOB,
      read_at    TEXT NOT NULL,
      PRIMARY KEY (upstream, address)
    );
    CREATE TABLE fork_listings (
      upstream  TEXT NOT NULL,
      key       TEXT NOT NULL,           -- method, program or owner, filters
      slot      INTEGER NOT NULL,
      addresses TEXT NOT NULL,           -- JSON array of base58 addresses
      read_at   TEXT NOT NULL,
      PRIMARY KEY (upstream, key)
    );
  `,
};
