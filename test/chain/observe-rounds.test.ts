// The whole observation (treasury accounts, stake, mints, prices, MarginFi, Whirlpools, the stake
// pool) against the embedded chain seeded with the demo DAO, counted by a proxy in front of it:
// at most 4 sequential rounds and 6 HTTP requests, and the same number of requests with more
// owners (a Squads vault will be a second owner). Also: identical reads in one round are sent
// once, accounts already read are not read again, a node that refuses batches still gets every
// call (one by one), and 429s are retried at the boundary.
import { resolve } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, processRpcCounter } from '../../src/chain/index.js';
import { readTreasury } from '../../src/agent/observe-treasury.js';
import { loadConfig, type AgentConfig, type PolicyConfig } from '../../src/config/index.js';
import { DEMO, startDemoChain, type DemoChain } from '../../src/demo/index.js';
import { toAddress } from '../../src/shared/index.js';
import { startRpcProxy, type Refuse, type RpcProxy } from '../helpers/rpc-proxy.js';

let demo: DemoChain;
let proxy: RpcProxy;
let agent: AgentConfig;
let policy: PolicyConfig;
let refuse: Refuse = () => undefined;

beforeAll(async () => {
  demo = await startDemoChain({ oracleIntervalMs: 60_000 });
  proxy = await startRpcProxy(
    () => demo.running.url,
    undefined,
    (request, index) => refuse(request, index),
  );
  const config = loadConfig(resolve(import.meta.dirname, '../..'));
  agent = config.agents.find((file) => file.config.name === 'treasury-guardian')!.config;
  policy = config.policies.find((file) => file.config.name === agent.policy)!.config;
});
afterAll(async () => {
  await proxy?.close();
  await demo?.close();
});

const observe = (owners: readonly string[] = agent.treasury.owners) =>
  readTreasury(createConnection(proxy.url), {
    agent: { ...agent, treasury: { ...agent.treasury, owners: owners.map(toAddress) } },
    policy,
    agentKey: DEMO.agent.toBase58(),
    now: new Date(),
    previous: null,
    embedded: true,
  });

describe('one observation in few rounds', () => {
  it('reads the demo treasury and every position in at most 4 rounds and 6 requests', async () => {
    proxy.reset();
    const read = await observe();
    expect(read.snapshot.tokenAccounts.length).toBeGreaterThan(3);
    expect(read.positions.map((position) => position.kind).sort()).toEqual([
      'lending',
      'lending',
      'liquid-staking',
      'liquidity',
      'liquidity',
    ]);
    expect(read.snapshot.problems).toEqual([]);
    // Targets (#17, #18): at most 4 rounds and 6 requests. Measured: 4 rounds of one request each
    // (listings and pools; owners, mints, prices, banks and position accounts; pools; tick arrays).
    expect(read.rpc.rounds).toBe(4);
    expect(proxy.requests).toBe(4);
    // The reader's own count is the proxy's.
    expect(read.rpc.requests).toBe(proxy.requests);
    expect(read.rpc.methods).toEqual(proxy.methods);
    // The owners' token listings are shared by the treasury and the Whirlpools reader: sent once.
    expect(proxy.methods['getProgramAccounts']).toBe(4);
  });

  it('costs the same number of requests and rounds for five owners as for one', async () => {
    proxy.reset();
    const one = await observe();
    const requestsForOne = proxy.requests;
    proxy.reset();
    const extra = Array.from({ length: 4 }, () => Keypair.generate().publicKey.toBase58());
    const five = await observe([...agent.treasury.owners, ...extra]);
    expect(proxy.requests).toBe(requestsForOne);
    expect(five.rpc.rounds).toBe(one.rpc.rounds);
    // Each owner still gets its listings, inside the same requests.
    expect(proxy.methods['getProgramAccounts']).toBe(4 * 5);
    expect(five.snapshot.owners.map((owner) => owner.address)).toEqual([...agent.treasury.owners, ...extra]);
  });

  it('sends every call one by one, in the same rounds, to a node that refuses batches', async () => {
    // A node without batch support answers a batch with a single error object.
    const { createServer } = await import('node:http');
    const noBatch = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as unknown;
        if (Array.isArray(parsed))
          return void res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'batch requests are not supported' } }));
        void fetch(proxy.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (answer) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(await answer.text()),
        );
      });
    });
    await new Promise<void>((done) => noBatch.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(noBatch.address() as { port: number }).port}`;
      const reference = await observe();
      const read = await readTreasury(createConnection(url), {
        agent,
        policy,
        agentKey: DEMO.agent.toBase58(),
        now: new Date(),
        previous: null,
        embedded: true,
      });
      expect(read.rpc.rounds).toBe(reference.rpc.rounds);
      expect(read.snapshot.tokenAccounts).toEqual(reference.snapshot.tokenAccounts);
      expect(read.positions.length).toBe(reference.positions.length);
      expect(read.rpc.requests).toBeGreaterThan(reference.rpc.requests);
    } finally {
      noBatch.closeAllConnections();
      await new Promise((done) => noBatch.close(done));
    }
  });

  it('retries a round the node answered 429 to, and counts every request for the process', async () => {
    const before = processRpcCounter.requests;
    let refused = 0;
    refuse = (_request, index) => (index === 0 && refused++ === 0 ? { status: 429, text: 'slow down' } : undefined);
    proxy.reset();
    try {
      const read = await observe();
      expect(refused).toBeGreaterThan(0);
      expect(read.snapshot.problems).toEqual([]);
      // One request more than the rounds: the refused one, repeated.
      expect(proxy.requests).toBe(read.rpc.requests);
      expect(read.rpc.requests).toBe(read.rpc.rounds + 1);
      expect(processRpcCounter.requests - before).toBe(proxy.requests);
    } finally {
      refuse = () => undefined;
    }
  });
});
