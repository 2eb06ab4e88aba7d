// A look-alike of an address, as an address-poisoning attacker's vanity generator makes it: the
// same first and last 6 characters, a different middle, still a valid 32-byte address.
import { PublicKey } from '@solana/web3.js';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function lookAlikeOf(target: string): string {
  for (let shift = 1; shift < 58; shift++) {
    const middle = [...target.slice(6, -6)].map((c, i) => (i % 3 === 0 ? BASE58[(BASE58.indexOf(c) + shift) % 58]! : c)).join('');
    const candidate = `${target.slice(0, 6)}${middle}${target.slice(-6)}`;
    try {
      if (new PublicKey(candidate).toBase58() === candidate && candidate !== target) return candidate;
    } catch {
      // not decodable to 32 bytes: try the next shift
    }
  }
  throw new Error(`no look-alike of ${target}`);
}
