// The fork cache kept in the store (migration 0011): what `localnet --fork` read from its
// upstream, per upstream, so the next command on a fork of the same upstream starts warm. It
// holds upstream reads only, never the fork's own writes. Shape: ForkCache (src/chain/fork).
import type { CachedRead, ForkCache } from '../chain/fork/fork-cache.js';
import type { UpstreamAccount } from '../chain/fork/upstream.js';
import { statement } from './statements.js';
import type { Db } from './store.js';

interface AccountRow {
  address: string;
  slot: bigint;
  present: bigint;
  lamports: string | null;
  owner: string | null;
  executable: bigint | null;
  data: Buffer | null;
}

/** SQLite caps bound parameters per statement; reads go in chunks below it. */
const CHUNK = 500;

export function forkCacheStore(db: Db, upstream: string): ForkCache {
  const writeAccount = statement(
    db,
    `INSERT INTO fork_accounts (upstream, address, slot, present, lamports, owner, executable, data, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (upstream, address) DO UPDATE SET slot = excluded.slot, present = excluded.present, lamports = excluded.lamports,
       owner = excluded.owner, executable = excluded.executable, data = excluded.data, read_at = excluded.read_at`,
  );
  const writeAccounts = db.transaction(
    (entries: ReadonlyArray<{ address: string; account: UpstreamAccount | null }>, slot: bigint, at: string) => {
      for (const { address, account } of entries) {
        if (account)
          writeAccount.run(
            upstream,
            address,
            slot,
            1,
            account.lamports.toString(),
            account.owner,
            account.executable ? 1 : 0,
            Buffer.from(account.data),
            at,
          );
        else writeAccount.run(upstream, address, slot, 0, null, null, null, null, at);
      }
    },
  );
  return {
    readAccounts(addresses) {
      const out = new Map<string, CachedRead<UpstreamAccount | null>>();
      const unique = [...new Set(addresses)];
      for (let i = 0; i < unique.length; i += CHUNK) {
        const chunk = unique.slice(i, i + CHUNK);
        const rows = db
          .prepare(
            `SELECT address, slot, present, lamports, owner, executable, data FROM fork_accounts WHERE upstream = ? AND address IN (${chunk.map(() => '?').join(',')})`,
          )
          .safeIntegers(true)
          .all(upstream, ...chunk) as AccountRow[];
        for (const row of rows) {
          const value: UpstreamAccount | null =
            row.present === 1n && row.lamports !== null && row.owner !== null && row.data !== null
              ? { lamports: BigInt(row.lamports), owner: row.owner, executable: row.executable === 1n, data: new Uint8Array(row.data) }
              : null;
          out.set(row.address, { value, slot: row.slot });
        }
      }
      return out;
    },
    writeAccounts(entries, slot) {
      if (entries.length > 0) writeAccounts(entries, slot, new Date().toISOString());
    },
    readListing(key) {
      const row = statement(db, 'SELECT slot, addresses FROM fork_listings WHERE upstream = ? AND key = ?')
        .safeIntegers(true)
        .get(upstream, key) as { slot: bigint; addresses: string } | undefined;
      if (!row) return null;
      const addresses = JSON.parse(row.addresses) as unknown;
      if (!Array.isArray(addresses) || !addresses.every((a): a is string => typeof a === 'string')) return null;
      return { value: addresses, slot: row.slot };
    },
    writeListing(key, addresses, slot) {
      statement(
        db,
        `INSERT INTO fork_listings (upstream, key, slot, addresses, read_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (upstream, key) DO UPDATE SET slot = excluded.slot, addresses = excluded.addresses, read_at = excluded.read_at`,
      ).run(upstream, key, slot, JSON.stringify(addresses), new Date().toISOString());
    },
  };
}
