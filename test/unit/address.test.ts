// Addresses are proven once (base58 → 32 bytes → the same text) and remembered; only valid
// ones are remembered, so a string that was refused is refused again.
import { Keypair, PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { isAddress, toAddress } from '../../src/shared/address.js';

describe('isAddress', () => {
  it('accepts canonical base58 of 32 bytes, again and again', () => {
    const key = Keypair.generate().publicKey.toBase58();
    expect(isAddress(key)).toBe(true);
    expect(isAddress(key)).toBe(true);
    expect(toAddress(new PublicKey(key))).toBe(key);
  });

  it('refuses what is not an address, every time it is asked', () => {
    const key = Keypair.generate().publicKey.toBase58();
    // A leading "1" is one more zero byte (33 bytes); "0" is not a base58 digit.
    for (const bad of [`1${key}`, key.slice(0, 20), `${key.slice(0, -1)}0`, '', 'not-an-address', 42, null]) {
      expect(isAddress(bad)).toBe(false);
      expect(isAddress(bad)).toBe(false);
    }
    expect(() => toAddress(`1${key}`)).toThrow(/not a Solana address/);
    expect(isAddress(key)).toBe(true);
  });
});
