// Signing through node:crypto gives web3.js's signature, byte for byte, and the signed
// transaction verifies; a key that is not a signer of the message is refused as web3.js refuses it.
import { Keypair, SystemProgram, TransactionMessage, VersionedTransaction } from '@solana/web3.js';
import { verify, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signTransaction } from '../../src/chain/sign.js';

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function transfer(payer: Keypair): VersionedTransaction {
  const message = new TransactionMessage({
    payerKey: payer.publicKey,
    recentBlockhash: Keypair.generate().publicKey.toBase58(),
    instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 5 })],
  }).compileToV0Message();
  return new VersionedTransaction(message);
}

describe('signTransaction', () => {
  it('gives the signature web3.js gives, and it verifies against the message', () => {
    for (let i = 0; i < 20; i++) {
      const payer = Keypair.generate();
      const ours = transfer(payer);
      const theirs = new VersionedTransaction(ours.message);
      signTransaction(ours, payer);
      theirs.sign([payer]);
      expect(Buffer.from(ours.signatures[0]!)).toEqual(Buffer.from(theirs.signatures[0]!));
      const publicKey = createPublicKey({
        key: Buffer.concat([ED25519_SPKI_PREFIX, payer.publicKey.toBuffer()]),
        format: 'der',
        type: 'spki',
      });
      expect(verify(null, ours.message.serialize(), publicKey, ours.signatures[0]!)).toBe(true);
    }
  });

  it('refuses a key that is not a signer of the message', () => {
    const tx = transfer(Keypair.generate());
    expect(() => signTransaction(tx, Keypair.generate())).toThrow(/not required to sign/);
  });
});
