// The executor's account reads (fetchAccountsAt) against a node that answers what the test says:
// a well-formed answer becomes AccountInfo values with the context slot; anything else is an
// RPC_BAD_RESPONSE that is not retried, and the node's own errors keep their meaning (a slot
// not reached yet is RPC_STALE_SLOT, a 503 is retried).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Keypair, PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAccountsAt } from '../../src/chain/accounts-at.js';
import { createConnection } from '../../src/chain/connection.js';
import { defaultRetryOptions, rpcCall } from '../../src/chain/rpc.js';
import { isStewardError } from '../../src/errors/index.js';

const owner = Keypair.generate().publicKey;
const keys = [Keypair.generate().publicKey, Keypair.generate().publicKey];
const account = {
  lamports: 2_039_280,
  owner: owner.toBase58(),
  data: [Buffer.from([1, 2, 3]).toString('base64'), 'base64'],
  executable: false,
  rentEpoch: 18446744073709552000,
  space: 3,
};

let answers: { status: number; body: unknown }[] = [];
let seen = 0;
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen++;
      const next = answers.shift() ?? { status: 500, body: 'no answer queued' };
      res.writeHead(next.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(next.body));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const fast = { ...defaultRetryOptions, sleep: async () => {} };
const read = () =>
  rpcCall(
    'getMultipleAccounts',
    url,
    () => fetchAccountsAt(createConnection(url), keys, { commitment: 'confirmed', minContextSlot: 7 }),
    fast,
  );
const ok = (value: unknown, slot: unknown = 9) => ({ status: 200, body: { jsonrpc: '2.0', id: 1, result: { context: { slot }, value } } });

async function failure(): Promise<{ code: string; message: string }> {
  try {
    await read();
  } catch (error) {
    if (isStewardError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new TypeError('the read did not fail');
}

describe('fetchAccountsAt', () => {
  it('gives each account (null where absent) and the answer slot', async () => {
    answers = [ok([account, null])];
    const { slot, accounts } = await read();
    expect(slot).toBe(9);
    expect(accounts[1]).toBeNull();
    expect(accounts[0]).toMatchObject({ lamports: 2_039_280, executable: false });
    expect(accounts[0]!.owner.equals(owner)).toBe(true);
    expect([...accounts[0]!.data]).toEqual([1, 2, 3]);
  });

  it('refuses answers that are not getMultipleAccounts answers, once each, naming what is wrong', async () => {
    const cases: [unknown, unknown, RegExp][] = [
      [[account], 9, /1 accounts for 2 keys/],
      [[account, { ...account, data: 'AQID' }], 9, new RegExp(`${keys[1]!.toBase58()}: data is not \\[base64 text, "base64"\\]`)],
      [[{ ...account, lamports: -1 }, null], 9, /lamports is not a non-negative integer/],
      [[{ ...account, owner: 'not-a-key' }, null], 9, /owner is not an address/],
      [[account, null], '9', /no valid context slot/],
      [{ 0: account }, 9, /value is not a list/],
    ];
    for (const [value, slot, reason] of cases) {
      answers = [ok(value, slot)];
      seen = 0;
      const { code, message } = await failure();
      expect(code).toBe('RPC_BAD_RESPONSE');
      expect(message).toMatch(reason);
      expect(seen).toBe(1);
    }
  });

  it('keeps the node errors meaning: a slot not reached yet is RPC_STALE_SLOT, a 503 is tried again', async () => {
    answers = [
      { status: 200, body: { jsonrpc: '2.0', id: 1, error: { code: -32016, message: 'Minimum context slot has not been reached' } } },
    ];
    expect((await failure()).code).toBe('RPC_STALE_SLOT');
    answers = [{ status: 503, body: 'busy' }, ok([null, account])];
    seen = 0;
    const { accounts } = await read();
    expect(seen).toBe(2);
    expect(accounts[0]).toBeNull();
    expect(new PublicKey(accounts[1]!.owner).equals(owner)).toBe(true);
  });
});
