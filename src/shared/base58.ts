// Base-58 (Bitcoin alphabet) for signatures, blockhashes and keys: the maintained `bs58` package
// (the one web3.js uses), under the two names the code calls. Decoding untrusted text returns
// null instead of throwing, so callers report what and where.
import bs58 from 'bs58';

export function encodeBase58(bytes: Uint8Array): string {
  return bs58.encode(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]*$/;

/** Decodes base-58; returns null on a character outside the alphabet. */
export function decodeBase58(text: string): Uint8Array | null {
  // base-x skips leading and trailing spaces; an address with spaces around it is not an address.
  if (!BASE58.test(text)) return null;
  const decoded = bs58.decodeUnsafe(text);
  return decoded === undefined ? null : new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}
