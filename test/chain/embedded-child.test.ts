// The embedded chain in a child process (`steward localnet --ready-json`): it serves a stock
// web3.js Connection, seeds the demo DAO, answers the steward_* cheat codes, and never outlives
// its parent: close() ends it, and so does the parent's death by SIGKILL.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Connection, Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEmbeddedChain, type EmbeddedChainChild } from '../../src/chain/index.js';
import { DEMO } from '../../src/demo/index.js';
import { isStewardError } from '../../src/errors/index.js';
import { pidExists } from '../../src/shared/index.js';
import { tempDir } from '../helpers/tmp.js';
import { rpc } from './rpc-client.js';

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidExists(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !pidExists(pid);
}

describe('spawnEmbeddedChain (demo)', () => {
  let chain: EmbeddedChainChild;
  let startupMs = 0;

  beforeAll(async () => {
    const started = performance.now();
    chain = await spawnEmbeddedChain({ demo: true });
    startupMs = performance.now() - started;
    console.info(`embedded chain child with the demo DAO ready in ${startupMs.toFixed(0)} ms (pid ${chain.pid})`);
  });
  afterAll(async () => {
    await chain?.close();
  });

  it('runs in another process and serves the seeded demo DAO to a stock Connection', async () => {
    expect(chain.pid).not.toBe(process.pid);
    expect(chain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(chain.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const connection = new Connection(chain.url, { commitment: 'confirmed', wsEndpoint: chain.wsUrl });
    expect(await connection.getBalance(DEMO.nativeTreasury)).toBe(5_000 * LAMPORTS_PER_SOL);
    expect(startupMs).toBeLessThan(30_000);
  });

  it('steward_setAccount writes an account, in both parameter shapes', async () => {
    const address = Keypair.generate().publicKey.toBase58();
    const owner = Keypair.generate().publicKey.toBase58();
    const data = Buffer.from('cheat code').toString('base64');
    const set = await rpc(chain.url, 'steward_setAccount', [
      address,
      { lamports: 1_234_567, data: [data, 'base64'], owner, executable: false },
    ]);
    expect(set.error).toBeUndefined();
    expect(set.result).toMatchObject({ context: { slot: expect.any(Number) }, value: null });
    const read = await rpc(chain.url, 'getAccountInfo', [address, { encoding: 'base64' }]);
    expect(read.result.value).toMatchObject({ lamports: 1_234_567, owner, data: [data, 'base64'], executable: false });
    expect((await rpc(chain.url, 'getProgramAccounts', [owner])).result.map((a: { pubkey: string }) => a.pubkey)).toEqual([address]);

    // The `solana account --output json` shape, with a u64 above 2^53 as a decimal string.
    const big = Keypair.generate().publicKey.toBase58();
    const file = await rpc(chain.url, 'steward_setAccount', [
      { pubkey: big, account: { lamports: '18000000000000000000', data: ['', 'base64'], owner, executable: false } },
    ]);
    expect(file.error).toBeUndefined();
    const balance = await rpc(chain.url, 'getBalance', [big]);
    expect(BigInt(balance.result.value)).toBe(18_000_000_000_000_000_000n);

    const bad = await rpc(chain.url, 'steward_setAccount', [address, { lamports: -1, owner }]);
    expect(bad.error).toEqual({
      code: -32602,
      message: 'Invalid param: account (params[1]).lamports must be a non-negative integer (u64; a decimal string above 2^53)',
    });
    const badOwner = await rpc(chain.url, 'steward_setAccount', [{ pubkey: big, account: { lamports: 1, owner: 'nope' } }]);
    expect(badOwner.error?.message).toBe('Invalid param: params[0].account.owner is not a valid public key: "nope"');
  });

  it('steward_advanceSlots moves the slot and the clock, and expires old blockhashes', async () => {
    const before = (await rpc(chain.url, 'getSlot')).result as number;
    const { blockhash } = (await rpc(chain.url, 'getLatestBlockhash')).result.value;
    const advanced = await rpc(chain.url, 'steward_advanceSlots', [1_000]);
    expect(advanced.error).toBeUndefined();
    expect(advanced.result.value.slot).toBeGreaterThanOrEqual(before + 1_000);
    expect((await rpc(chain.url, 'getSlot')).result).toBeGreaterThanOrEqual(before + 1_000);
    const blockTime = (await rpc(chain.url, 'getBlockTime', [advanced.result.value.slot])).result;
    if (typeof blockTime === 'number') expect(blockTime).toBe(advanced.result.value.unixTimestamp);
    expect((await rpc(chain.url, 'isBlockhashValid', [blockhash])).result.value).toBe(false);
    const bad = await rpc(chain.url, 'steward_advanceSlots', [0]);
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toContain('slots (params[0]) must be an integer from 1 to');
  });
});

describe('spawnEmbeddedChain lifecycle', () => {
  it('close() ends the process: the pid is gone and the port refuses', async () => {
    const started = performance.now();
    const chain = await spawnEmbeddedChain({ demo: false });
    console.info(`embedded chain child without the demo ready in ${(performance.now() - started).toFixed(0)} ms`);
    expect(pidExists(chain.pid)).toBe(true);
    expect((await rpc(chain.url, 'getHealth')).result).toBe('ok');
    await chain.close();
    expect(pidExists(chain.pid)).toBe(false);
    await expect(fetch(chain.url, { method: 'POST', body: '{}' })).rejects.toThrow();
    await chain.close(); // idempotent
  });

  it('does not outlive a parent killed with SIGKILL', async () => {
    const parent = spawn(
      process.execPath,
      ['--no-allocation-site-pretenuring', '--import', 'tsx', join(import.meta.dirname, 'embedded-child-parent.ts')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout! }).once('line', resolve);
      parent.once('exit', (code) => reject(new Error(`helper parent exited with ${code} before reporting the chain pid`)));
    });
    const { pid, url } = JSON.parse(line) as { pid: number; url: string };
    expect((await rpc(url, 'getHealth')).result).toBe('ok');
    parent.kill('SIGKILL');
    expect(await waitGone(pid, 10_000)).toBe(true);
  });

  it('`steward localnet --ready-json` prints exactly one JSON line on stdout and exits 0 on SIGTERM and on stdin closed', async () => {
    const bin = join(import.meta.dirname, '../../bin/steward.js');
    for (const stopBy of ['SIGTERM', 'stdin'] as const) {
      const child = spawn(process.execPath, ['--no-allocation-site-pretenuring', bin, 'localnet', '--port', '0', '--ready-json'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
      const ready = JSON.parse(line) as { url: string; wsUrl: string; pid: number; chainId: string };
      expect(ready).toEqual({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        wsUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/),
        pid: child.pid,
        chainId: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      expect((await rpc(ready.url, 'getHealth')).result).toBe('ok');
      if (stopBy === 'SIGTERM') child.kill('SIGTERM');
      else child.stdin.end();
      expect(await exit).toBe(0);
      expect(stdout).toBe(`${line}\n`);
      expect(stderr).toContain(`JSON-RPC URL: ${ready.url}`);
      expect(stderr).toContain(
        stopBy === 'SIGTERM' ? 'embedded chain stopping: SIGTERM' : 'embedded chain stopping: stdin closed (parent gone)',
      );
      expect(stderr).toContain('embedded chain stopped');
    }
  });

  it('reports a child that fails to start with CHAIN_FAILED and the cause from its output', async () => {
    const bad = join(tempDir(), 'not-a-program.so');
    writeFileSync(bad, 'this is not an ELF file');
    const programId = Keypair.generate().publicKey.toBase58();
    const error = await spawnEmbeddedChain({ demo: false, programs: [{ id: programId, path: bad }] }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(isStewardError(error) && error.code).toBe('CHAIN_FAILED');
    const message = (error as Error).message;
    expect(message).toMatch(/the embedded chain process exited \(code \d+\) before it was ready; its last output:/);
    console.info(`failure as reported:\n${message}`);
    expect(message).toContain(`error[FILE_INVALID]: program file ${bad} cannot be loaded at ${programId}: Failed to add program`);
    expect((error as { hint?: string }).hint).toContain('last output');
  });

  it('reports a missing program file by name', async () => {
    const error = await spawnEmbeddedChain({
      demo: false,
      programs: [{ id: Keypair.generate().publicKey.toBase58(), path: '/nonexistent/prog.so' }],
    }).catch((thrown: unknown) => thrown);
    expect(isStewardError(error) && error.code).toBe('CHAIN_FAILED');
    expect((error as Error).message).toContain('cannot read program file /nonexistent/prog.so: ENOENT');
  });
});
