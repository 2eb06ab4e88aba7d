// The agent's key file is read at every run: a rotated key takes effect at the next run even
// though checked keypairs are remembered by the file's text, and a file that is not a keypair is
// refused every time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { readKeypairFile } from '../../src/agent/signer.js';
import { isStewardError } from '../../src/errors/index.js';
import { tempDir } from '../helpers/tmp.js';

const write = (path: string, keypair: Keypair) => writeFileSync(path, JSON.stringify([...keypair.secretKey]));

describe('readKeypairFile', () => {
  it('follows the file: the same key while it stays, the new one once it is replaced', () => {
    const path = join(tempDir('steward-signer-'), 'agent.json');
    const [a, b] = [Keypair.generate(), Keypair.generate()];
    write(path, a);
    expect(readKeypairFile(path, 'test').publicKey.equals(a.publicKey)).toBe(true);
    expect(readKeypairFile(path, 'test').publicKey.equals(a.publicKey)).toBe(true);
    write(path, b);
    expect(readKeypairFile(path, 'test').publicKey.equals(b.publicKey)).toBe(true);
    write(path, a);
    expect(readKeypairFile(path, 'test').secretKey).toEqual(a.secretKey);
  });

  it('refuses 64 bytes whose public half does not match, every time', () => {
    const path = join(tempDir('steward-signer-'), 'bad.json');
    const bytes = [...Keypair.generate().secretKey];
    bytes[40] = (bytes[40]! + 1) % 256;
    writeFileSync(path, JSON.stringify(bytes));
    for (let i = 0; i < 2; i++) {
      let error: unknown;
      try {
        readKeypairFile(path, 'test');
      } catch (caught) {
        error = caught;
      }
      expect(isStewardError(error) && error.code).toBe('KEYPAIR_INVALID');
    }
  });
});
