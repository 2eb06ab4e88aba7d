// `steward localnet`: serves the chain with injected accounts, stops on SIGINT, and refuses
// bad flags with exit status 2.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Keypair } from '@solana/web3.js';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { rpc } from './rpc-client.js';

describe('steward localnet', () => {
  it('loads a `solana account --output json` file, serves it, and stops cleanly on SIGINT', async () => {
    const dir = tempDir();
    const address = Keypair.generate().publicKey.toBase58();
    const owner = Keypair.generate().publicKey.toBase58();
    const file = join(dir, 'account.json');
    writeFileSync(
      file,
      JSON.stringify({
        pubkey: address,
        account: {
          lamports: 1234567,
          data: [Buffer.from('hello').toString('base64'), 'base64'],
          owner,
          executable: false,
          // eslint-disable-next-line no-loss-of-precision -- the number a JSON client without bigints would send
          rentEpoch: 18446744073709551615,
          space: 5,
        },
      }),
    );
    let output = '';
    let announced: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => (announced = resolve));
    const exit = main(['node', 'steward', 'localnet', '--port', '0', '--account', address, file], {
      stdout: (text) => {
        output += `${text}\n`;
        const match = /JSON-RPC URL: (\S+)/.exec(text);
        if (match?.[1]) announced(match[1]);
      },
      stderr: (text) => {
        output += `${text}\n`;
      },
    });
    const served = await url;
    const account = await rpc(served, 'getAccountInfo', [address, { encoding: 'base64' }]);
    expect(account.result.value).toMatchObject({
      lamports: 1234567,
      owner,
      data: [Buffer.from('hello').toString('base64'), 'base64'],
      space: 5,
    });
    const owned = await rpc(served, 'getProgramAccounts', [owner, { encoding: 'base64' }]);
    expect(owned.result.map((a: { pubkey: string }) => a.pubkey)).toEqual([address]);
    process.emit('SIGINT');
    expect(await exit).toBe(0);
    expect(output).toContain('WebSocket URL: ws://127.0.0.1:');
    expect(output).toContain('embedded chain stopped');
    await expect(fetch(served, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('refuses bad flags with exit status 2 and a hint', async () => {
    const badPort = await runCli(['localnet', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port "eighty" is not a port number');
    const badProgram = await runCli(['localnet', '--port', '0', '--program', 'no-equals-sign']);
    expect(badProgram.code).toBe(2);
    expect(badProgram.stderr).toContain('is not ID=FILE.so');
    const missingFile = await runCli([
      'localnet',
      '--port',
      '0',
      '--account',
      Keypair.generate().publicKey.toBase58(),
      '/nonexistent/account.json',
    ]);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('cannot read account file /nonexistent/account.json');
  });
});
