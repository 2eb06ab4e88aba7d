// The cheat-RPC client (src/chain/cheat-rpc.ts) against the embedded chain served over JSON-RPC:
// steward_setAccount writes an account, steward_advanceSlots moves the clock, each request goes
// through the connection's counted transport, the embedded chain's refusal is an RPC_FAILED error
// that names the account, and a node without the method (-32601, like a plain validator) answers
// false.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Keypair, SystemProgram } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceClockOverRpc,
  createConnection,
  RpcCounter,
  setAccountOverRpc,
  startEmbeddedChain,
  type RunningEmbeddedChain,
} from '../../src/chain/index.js';
import { isStewardError } from '../../src/errors/index.js';

describe('cheat RPC client', () => {
  let running: RunningEmbeddedChain;
  let plain: Server;
  let plainUrl: string;

  beforeAll(async () => {
    running = await startEmbeddedChain({ port: 0 });
    // A node that knows no steward_* method, as a real validator answers.
    plain = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } }));
      });
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await running?.close();
    await new Promise((resolve) => plain?.close(resolve));
  });

  it('steward_setAccount writes the account through the counted transport; the chain reads it back', async () => {
    const counter = new RpcCounter();
    const connection = createConnection(running.url, { counter });
    const address = Keypair.generate().publicKey;
    const data = Uint8Array.from([1, 2, 3, 4]);
    const written = await setAccountOverRpc(connection, address.toBase58(), {
      lamports: 1_234_567,
      data,
      owner: SystemProgram.programId.toBase58(),
      executable: false,
    });
    expect(written).toBe(true);
    expect(counter.count('steward_setAccount')).toBe(1);
    const info = await connection.getAccountInfo(address, 'confirmed');
    expect(info?.lamports).toBe(1_234_567);
    expect([...(info?.data ?? [])]).toEqual([1, 2, 3, 4]);
  });

  it('a refused write is RPC_FAILED naming the account', async () => {
    const connection = createConnection(running.url);
    const address = Keypair.generate().publicKey.toBase58();
    const error = await setAccountOverRpc(connection, address, {
      lamports: 1,
      data: new Uint8Array(),
      owner: 'not-an-address',
      executable: false,
    }).catch((e: unknown) => e);
    expect(isStewardError(error) && error.code).toBe('RPC_FAILED');
    expect((error as Error).message).toContain(`steward_setAccount on ${address} failed`);
  });

  it('steward_advanceSlots moves the clock at least the seconds asked', async () => {
    const connection = createConnection(running.url);
    const before = await connection.getSlot('confirmed');
    await advanceClockOverRpc(connection, 60);
    expect(await connection.getSlot('confirmed')).toBeGreaterThanOrEqual(before + 150);
  });

  it('a node without the method answers false (setAccount) and RPC_FAILED (advanceSlots)', async () => {
    const connection = createConnection(plainUrl);
    const written = await setAccountOverRpc(connection, Keypair.generate().publicKey.toBase58(), {
      lamports: 1,
      data: new Uint8Array(),
      owner: SystemProgram.programId.toBase58(),
      executable: false,
    });
    expect(written).toBe(false);
    const error = await advanceClockOverRpc(connection, 1).catch((e: unknown) => e);
    expect(isStewardError(error) && error.code).toBe('RPC_FAILED');
    expect((error as Error).message).toContain('steward_advanceSlots failed: -32601: Method not found');
  });
});
