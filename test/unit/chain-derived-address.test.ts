// Derived addresses are computed once per process and are exactly what the libraries derive.
import { ASSOCIATED_TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { Keypair, PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { associatedTokenAddress, derivedAddress, derivedAddressCount } from '../../src/chain/derived-address.js';
import { positionAddress, tickArrayFor } from '../../src/treasury/positions/orca-whirlpools.js';

describe('derived addresses', () => {
  it('equal getAssociatedTokenAddressSync for every argument set, and are derived once', () => {
    const mint = Keypair.generate().publicKey;
    const owner = Keypair.generate().publicKey;
    for (const program of [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID]) {
      const expected = getAssociatedTokenAddressSync(mint, owner, true, program, ASSOCIATED_TOKEN_PROGRAM_ID);
      expect(associatedTokenAddress(mint, owner, true, program).equals(expected)).toBe(true);
      const before = derivedAddressCount();
      expect(associatedTokenAddress(mint, owner, true, program).equals(expected)).toBe(true);
      expect(derivedAddressCount()).toBe(before);
    }
    // A different token program is a different address, not a cache hit.
    expect(
      associatedTokenAddress(mint, owner, true, TOKEN_PROGRAM_ID).equals(associatedTokenAddress(mint, owner, true, TOKEN_2022_PROGRAM_ID)),
    ).toBe(false);
  });

  it('still refuses an owner off the curve when that is not allowed, every time', () => {
    const mint = Keypair.generate().publicKey;
    const [offCurve] = PublicKey.findProgramAddressSync([Buffer.from('vault')], TOKEN_PROGRAM_ID);
    expect(() => associatedTokenAddress(mint, offCurve, false, TOKEN_PROGRAM_ID)).toThrow();
    expect(() => associatedTokenAddress(mint, offCurve, false, TOKEN_PROGRAM_ID)).toThrow();
    expect(
      associatedTokenAddress(mint, offCurve, true, TOKEN_PROGRAM_ID).equals(
        getAssociatedTokenAddressSync(mint, offCurve, true, TOKEN_PROGRAM_ID),
      ),
    ).toBe(true);
  });

  it('runs a derivation once per key', () => {
    let runs = 0;
    const key = `test:${Keypair.generate().publicKey.toBase58()}`;
    const derive = () => {
      runs++;
      return Keypair.generate().publicKey;
    };
    const first = derivedAddress(key, derive);
    expect(derivedAddress(key, derive).equals(first)).toBe(true);
    expect(runs).toBe(1);
  });

  it('keeps Orca position and tick-array addresses stable per seed', () => {
    const mint = Keypair.generate().publicKey;
    const pool = Keypair.generate().publicKey;
    expect(positionAddress(mint).equals(positionAddress(mint))).toBe(true);
    expect(positionAddress(mint).equals(positionAddress(Keypair.generate().publicKey))).toBe(false);
    const a = tickArrayFor(pool, 100, 64);
    const b = tickArrayFor(pool, 101, 64);
    expect(a.start).toBe(b.start);
    expect(a.address.equals(b.address)).toBe(true);
    expect(tickArrayFor(pool, -6000, 64).address.equals(a.address)).toBe(false);
  });
});
