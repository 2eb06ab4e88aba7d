// Program-derived addresses, each derived once per process. Deriving one costs a SHA-256 per bump
// tried and an ed25519 curve check per try, in JavaScript (~0.2–1 ms apiece); a run derived
// dozens (the transfer builder an associated token address for every treasury address, the Orca
// reader one per position and two per pool), which was a large part of a run's own CPU time. The
// result is a pure function of the seeds, so a bounded map keeps them.
import { getAssociatedTokenAddressSync, ASSOCIATED_TOKEN_PROGRAM_ID } from '@solana/spl-token';
import type { PublicKey } from '@solana/web3.js';
import { addressBytesKey } from '../shared/address.js';

/** Entries kept before the map is emptied (a demo run uses ~100; a big treasury a few thousand). */
const LIMIT = 20_000;
const cache = new Map<string, PublicKey>();

/**
 * The address `derive` returns, derived once per `key`. The key must name everything the address
 * depends on (program, seeds), e.g. `orca-position:<program>:<mint>`.
 */
export function derivedAddress(key: string, derive: () => PublicKey): PublicKey {
  const known = cache.get(key);
  if (known) return known;
  const address = derive();
  if (cache.size >= LIMIT) cache.clear();
  cache.set(key, address);
  return address;
}

/**
 * getAssociatedTokenAddressSync, derived once per argument set. An owner that is not on the curve
 * with `allowOwnerOffCurve` false still throws (errors are not cached).
 */
export function associatedTokenAddress(
  mint: PublicKey,
  owner: PublicKey,
  allowOwnerOffCurve: boolean,
  tokenProgram: PublicKey,
  associatedTokenProgram: PublicKey = ASSOCIATED_TOKEN_PROGRAM_ID,
): PublicKey {
  // The key from the raw bytes: base58-encoding four keys per lookup cost more than the lookup saved.
  const key = `ata:${addressBytesKey(mint)}${addressBytesKey(owner)}${allowOwnerOffCurve ? 1 : 0}${addressBytesKey(tokenProgram)}${addressBytesKey(associatedTokenProgram)}`;
  return derivedAddress(key, () => getAssociatedTokenAddressSync(mint, owner, allowOwnerOffCurve, tokenProgram, associatedTokenProgram));
}

/** Addresses held (tests). */
export function derivedAddressCount(): number {
  return cache.size;
}
