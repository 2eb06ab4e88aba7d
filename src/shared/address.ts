// Solana addresses validated once, at the edge, into a branded string type: code that holds an
// `Address` knows it is 32 bytes of base58, without re-checking.
import { PublicKey } from '@solana/web3.js';

export type Address = string & { readonly __brand: 'Address' };

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/**
 * Strings already proven to be addresses. The proof (base58 decode to 32 bytes and back) costs
 * ~20 µs and a run re-checks the same few hundred addresses (config, stored snapshots, answers);
 * a bounded set keeps them. Only valid ones are kept, so a rejection is always recomputed.
 */
const proven = new Set<string>();
const PROVEN_LIMIT = 50_000;

export function isAddress(value: unknown): value is Address {
  if (typeof value !== 'string') return false;
  if (proven.has(value)) return true;
  if (!BASE58.test(value)) return false;
  try {
    if (new PublicKey(value).toBase58() !== value) return false;
  } catch {
    return false;
  }
  if (proven.size >= PROVEN_LIMIT) proven.clear();
  proven.add(value);
  return true;
}

export function toAddress(value: PublicKey | string): Address {
  const text = typeof value === 'string' ? value : value.toBase58();
  if (!isAddress(text)) throw new TypeError(`not a Solana address: ${JSON.stringify(text)}`);
  return text;
}

const decoded = new Map<string, PublicKey>();

/** `new PublicKey(address)`, decoded once per address (bounded); throws as the constructor does for a bad one. */
export function publicKeyOf(address: string): PublicKey {
  let key = decoded.get(address);
  if (!key) {
    key = new PublicKey(address);
    if (decoded.size >= PROVEN_LIMIT) decoded.clear();
    decoded.set(address, key);
  }
  return key;
}

/**
 * A map key for an address from its 32 raw bytes (latin1): cheap where base58-encoding a
 * PublicKey is the slow part, for maps that never leave the process.
 */
export function addressBytesKey(key: PublicKey): string {
  return key.toBuffer().toString('latin1');
}
