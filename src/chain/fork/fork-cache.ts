// What a fork keeps across commands: the accounts and listings it read from its upstream, each
// stamped with the upstream slot it was read at, so a second command on a fork of the same
// upstream starts warm. The chain layer only names the shape; the store keeps it (the CLI hands
// a store-backed cache to `localnet --fork`). A cached entry read more than maxAgeSlots before
// the fork's start slot is too old to trust: it is read again from the upstream.
import type { UpstreamAccount } from './upstream.js';

/** About an hour of mainnet slots (400 ms each): older cached reads are fetched again. */
export const DEFAULT_FORK_CACHE_MAX_AGE_SLOTS = 9_000n;

export interface CachedRead<T> {
  value: T;
  /** The upstream slot it was read at. */
  slot: bigint;
}

export interface ForkCache {
  /** Cached reads of these addresses (null value: absent upstream); addresses never read are left out. */
  readAccounts(addresses: readonly string[]): Map<string, CachedRead<UpstreamAccount | null>>;
  writeAccounts(entries: ReadonlyArray<{ address: string; account: UpstreamAccount | null }>, slot: bigint): void;
  /** The addresses a listing (getProgramAccounts / getTokenAccountsByOwner, by key) returned. */
  readListing(key: string): CachedRead<string[]> | null;
  writeListing(key: string, addresses: readonly string[], slot: bigint): void;
}
