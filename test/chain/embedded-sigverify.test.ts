// Signature checks on the embedded chain's send path. A send whose preflight passed skips
// LiteSVM's second verification of the same bytes (embedded-chain.ts), so these pin that every
// forged signature is still refused — with preflight and without — that nothing lands or pays a
// fee, and that verification is back on after each send.
import { describe, expect, it } from 'vitest';
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from '@solana/web3.js';
import { EmbeddedChain } from '../../src/chain/index.js';

function transfer(chain: EmbeddedChain, from: Keypair, lamports: number): Uint8Array {
  const tx = new Transaction({ feePayer: from.publicKey, recentBlockhash: chain.latestBlockhash() });
  tx.add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: Keypair.generate().publicKey, lamports }));
  tx.sign(from);
  return tx.serialize();
}

/** The same transaction with one bit of its first signature flipped. */
function forged(raw: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(raw);
  copy[1] = (copy[1] as number) ^ 1;
  return copy;
}

describe('embedded chain: signature verification on send', () => {
  it('refuses a forged signature with and without preflight, around sends that pass, and charges nothing', () => {
    const chain = new EmbeddedChain({ autoAdvance: false });
    try {
      const payer = Keypair.generate();
      chain.airdrop(payer.publicKey, BigInt(10 * LAMPORTS_PER_SOL));
      const balance = () => chain.getAccount(payer.publicKey)?.lamports;
      for (const skipPreflight of [false, true, false]) {
        const before = balance();
        const bad = chain.submit(forged(transfer(chain, payer, 1_000_000 + Number(skipPreflight))), { skipPreflight });
        expect(bad).toMatchObject({ kind: 'rejected', reason: 'signature', details: { err: 'SignatureFailure' } });
        expect(chain.history.has(bad.signature)).toBe(false);
        expect(balance()).toBe(before);
        // A good send with preflight (the path that skips the second verification) lands...
        const good = chain.submit(transfer(chain, payer, 2_000_000 + Number(skipPreflight)), { skipPreflight: false });
        expect(good.kind, JSON.stringify(good.kind === 'rejected' ? good.details.err : null)).toBe('landed');
        // ...and verification is on again for the next send that skips preflight.
        const after = chain.submit(forged(transfer(chain, payer, 3_000_000 + Number(skipPreflight))), { skipPreflight: true });
        expect(after).toMatchObject({ kind: 'rejected', reason: 'signature' });
      }
    } finally {
      chain.close();
    }
  });
});
