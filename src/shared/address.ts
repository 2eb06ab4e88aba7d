// Solana addresses validated once, at the edge, into a branded string type: code that holds an
// `Address` knows it is 32 bytes of base58, without re-checking.
import { PublicKey } from '@solana/web3.js';

export type Address = string & { readonly __brand: 'Address' };

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

export function isAddress(value: unknown): value is Address {
  if (typeof value !== 'string' || !BASE58.test(value)) return false;
  try {
    return new PublicKey(value).toBase58() === value;
  } catch {
    return false;
  }
}

export function toAddress(value: PublicKey | string): Address {
  const text = typeof value === 'string' ? value : value.toBase58();
  if (!isAddress(text)) throw new TypeError(`not a Solana address: ${JSON.stringify(text)}`);
  return text;
}
