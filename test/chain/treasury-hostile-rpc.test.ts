// A lying RPC endpoint: a real HTTP proxy in front of the embedded chain that rewrites chosen
// answers. The observation must flag or refuse them, never crash or count them.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { loadConfig, type PolicyConfig } from '../../src/config/index.js';
import { DEMO, seedDemoDao } from '../../src/demo/index.js';
import { StewardError } from '../../src/errors/index.js';
import { analyzeTreasury, getTreasurySnapshot } from '../../src/treasury/index.js';
import { startRpcProxy, type RpcProxy, type Tamper } from '../helpers/rpc-proxy.js';

let running: RunningEmbeddedChain;
let proxy: RpcProxy;
let proxyUrl: string;
let tamper: Tamper = (_request, answer) => answer;
let policy: PolicyConfig;

beforeAll(async () => {
  running = await startEmbeddedChain();
  await seedDemoDao(running.chain);
  policy = loadConfig(resolve(import.meta.dirname, '../..')).policies.find((file) => file.config.name === 'treasury')!.config;
  proxy = await startRpcProxy(
    () => running.url,
    () => tamper,
  );
  proxyUrl = proxy.url;
});
afterAll(async () => {
  await proxy?.close();
  await running?.close();
});

const observe = (minContextSlot?: bigint) =>
  getTreasurySnapshot(createConnection(proxyUrl), {
    owners: [DEMO.nativeTreasury.toBase58()],
    agent: DEMO.agent.toBase58(),
    tokens: policy.tokens,
    oracle: policy.oracle,
    now: new Date(),
    minContextSlot,
  });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as StewardError,
  );

describe('treasury observation through a lying RPC', () => {
  it('leaves out a token account of someone else slipped into the owner scan', async () => {
    const honest = analyzeTreasury(await observe(), { depegThresholdBps: 50 });
    const grantee = DEMO.granteeUsdcAccount.toBase58();
    const granteeAccount = await createConnection(running.url).getAccountInfo(DEMO.granteeUsdcAccount);
    tamper = (request, answer) => {
      if (request.method !== 'getProgramAccounts' || request.params[0] !== 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA') return answer;
      const result = answer.result as { value: unknown[] };
      const data = [granteeAccount!.data.toString('base64'), 'base64'];
      result.value.push({
        pubkey: grantee,
        account: {
          data,
          executable: false,
          lamports: granteeAccount!.lamports,
          owner: granteeAccount!.owner.toBase58(),
          rentEpoch: 0,
          space: 165,
        },
      });
      return answer;
    };
    const snapshot = await observe();
    expect(snapshot.problems.map((problem) => [problem.code, problem.account])).toEqual([['account-wrong-owner', grantee]]);
    expect(snapshot.tokenAccounts.some((account) => account.address === grantee)).toBe(false);
    expect(analyzeTreasury(snapshot, { depegThresholdBps: 50 }).totals.trustedMicroUsd).toBe(honest.totals.trustedMicroUsd);
  });

  it('refuses a getMultipleAccounts answer with the wrong number of accounts or the wrong shape', async () => {
    tamper = (request, answer) => {
      if (request.method !== 'getMultipleAccounts') return answer;
      (answer.result as { value: unknown[] }).value.pop();
      return answer;
    };
    const short = await failure(observe());
    expect(short?.code).toBe('RPC_BAD_RESPONSE');
    expect(short?.message).toMatch(/^getMultipleAccounts for owners, mints and prices returned \d+ accounts for \d+ keys$/);

    tamper = (request, answer) => (request.method === 'getMultipleAccounts' ? { ...answer, result: 'nonsense' } : answer);
    const malformed = await failure(observe());
    expect(malformed).toBeInstanceOf(StewardError);
    expect(malformed?.code).toBe('RPC_BAD_RESPONSE');
    expect(malformed?.message).toContain(`failed at ${proxyUrl}`);
  });

  it('refuses an answer stamped with a slot older than the previous snapshot', async () => {
    tamper = (request, answer) => {
      if (request.method === 'getProgramAccounts') (answer.result as { context: { slot: number } }).context.slot = 0;
      return answer;
    };
    const stale = await failure(observe(1n));
    expect(stale?.code).toBe('RPC_STALE_SLOT');
    expect(stale?.message).toBe('the RPC answered from slot 0, older than the last recorded snapshot (slot 1)');
    tamper = (_request, answer) => answer;
  });
});
