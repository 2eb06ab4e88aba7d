// Hostile numbers from the chain: a real HTTP proxy in front of the embedded chain replaces the
// data of a Pyth price account and of a treasury token account with random bytes of the same
// owner and size. The observation path that runs and `steward observe` share (read, analyze,
// summarize for the model, report) must flag or refuse them, never end in an INTERNAL error.
// STEWARD_FUZZ_ROUNDS sets how many random accounts are tried (default 40).
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeTreasuryRead, readTreasury } from '../../src/agent/observe-treasury.js';
import { renderRunReport } from '../../src/agent/report.js';
import type { RunResult } from '../../src/agent/run-agent.js';
import { createConnection, startEmbeddedChain, type RunningEmbeddedChain } from '../../src/chain/index.js';
import { loadConfig, type AgentConfig, type PolicyConfig } from '../../src/config/index.js';
import { DEMO, seedDemoDao } from '../../src/demo/index.js';
import { isStewardError } from '../../src/errors/index.js';
import { summarizeForPrompt, toJsonText } from '../../src/treasury/index.js';
import { startRpcProxy, type RpcProxy, type RpcRequest } from '../helpers/rpc-proxy.js';

const ROUNDS = Number(process.env.STEWARD_FUZZ_ROUNDS ?? 40);

let running: RunningEmbeddedChain;
let proxy: RpcProxy;
let proxyUrl: string;
let agent: AgentConfig;
let policy: PolicyConfig;
/** Account address → the bytes the proxy answers with instead of the chain's. */
const forged = new Map<string, Buffer>();

type RpcAccount = { data: [string, string] } | null;

/** Puts the forged bytes into every answer that carries one of the forged accounts. */
function forge(request: RpcRequest, answer: Record<string, unknown>): Record<string, unknown> {
  const result = answer['result'] as { value?: unknown } | unknown[] | undefined;
  const value = Array.isArray(result) ? result : result?.value;
  const swap = (key: string, account: RpcAccount) => {
    const bytes = forged.get(key);
    if (bytes && account) account.data = [bytes.toString('base64'), 'base64'];
  };
  if (request.method === 'getMultipleAccounts' && Array.isArray(value)) {
    (request.params[0] as string[]).forEach((key, index) => swap(key, value[index] as RpcAccount));
  } else if (request.method === 'getAccountInfo' && value) {
    swap(request.params[0] as string, value as RpcAccount);
  } else if (request.method === 'getProgramAccounts' && Array.isArray(value)) {
    for (const entry of value as { pubkey: string; account: RpcAccount }[]) swap(entry.pubkey, entry.account);
  }
  return answer;
}

beforeAll(async () => {
  running = await startEmbeddedChain();
  await seedDemoDao(running.chain);
  const config = loadConfig(resolve(import.meta.dirname, '../..'));
  agent = config.agents.find((file) => file.config.name === 'treasury-guardian')!.config;
  policy = config.policies.find((file) => file.config.name === agent.policy)!.config;
  proxy = await startRpcProxy(
    () => running.url,
    () => forge,
  );
  proxyUrl = proxy.url;
});
afterAll(async () => {
  await proxy?.close();
  await running?.close();
});

/** Observes with `bytes` in place of `account`'s data: a StewardError is fine, INTERNAL is not. */
async function observeForged(account: string, bytes: Buffer, round: number): Promise<void> {
  forged.clear();
  forged.set(account, bytes);
  const { error } = await observeOnce();
  if (error) {
    expect(isStewardError(error), `round ${round}: ${String(error)}`).toBe(true);
    expect((error as { code: string }).code, `round ${round}`).not.toBe('INTERNAL');
  }
}

async function observeOnce(): Promise<{ error: unknown; flags: string[] }> {
  try {
    const read = await readTreasury(createConnection(proxyUrl), {
      agent,
      policy,
      agentKey: DEMO.agent.toBase58(),
      now: new Date(),
      previous: null,
      embedded: true,
    });
    const { analysis, positions } = analyzeTreasuryRead(agent, read, null);
    summarizeForPrompt(analysis);
    toJsonText({ snapshot: read.snapshot, analysis, positions });
    renderRunReport({
      runId: 1,
      agent: agent.name,
      status: 'ok',
      error: null,
      mode: 'dry-run',
      cluster: 'embedded',
      startedAt: new Date().toISOString(),
      model: null,
      phases: [],
      analysis,
      positions,
      assessment: null,
      actions: [],
      reviews: [],
    } as unknown as RunResult);
    return { error: null, flags: analysis.flags.map((flag) => `${flag.code}:${flag.subject}`) };
  } catch (error) {
    return { error, flags: [] };
  }
}

describe('observation over fuzzed account bytes', () => {
  it('a Pyth price account of random bytes (right owner and size) is flagged, never INTERNAL', async () => {
    const account = DEMO.priceAccounts.SOL.toBase58();
    const size = (await createConnection(running.url).getAccountInfo(DEMO.priceAccounts.SOL))!.data.length;
    for (let round = 0; round < ROUNDS; round += 1) {
      const bytes = randomBytes(size);
      // Half the rounds keep a valid Pyth header, so the price fields themselves are random.
      if (round % 2 === 0) {
        const honest = (await createConnection(running.url).getAccountInfo(DEMO.priceAccounts.SOL))!.data;
        honest.copy(bytes, 0, 0, 16);
      }
      await observeForged(account, bytes, round);
    }
    // The hostile exponent of the issue: a valid account with exponent 2^31 − 1.
    const honest = Buffer.from((await createConnection(running.url).getAccountInfo(DEMO.priceAccounts.SOL))!.data);
    honest.writeInt32LE(2_147_483_647, 20);
    forged.clear();
    forged.set(account, honest);
    const extreme = await observeOnce();
    expect(extreme.error).toBeNull();
    expect(extreme.flags).toContain('unpriced-asset:SOL');
  }, 240_000);

  it('a treasury token account of random bytes (right owner and size) is flagged or left out, never INTERNAL', async () => {
    const account = DEMO.treasuryTokenAccounts.USDC.toBase58();
    const honest = (await createConnection(running.url).getAccountInfo(DEMO.treasuryTokenAccounts.USDC))!.data;
    for (let round = 0; round < ROUNDS; round += 1) {
      const bytes = randomBytes(honest.length);
      // Half the rounds keep the mint and owner, so the amount and the rest are random.
      if (round % 2 === 0) honest.copy(bytes, 0, 0, 64);
      await observeForged(account, bytes, round);
    }
    // A balance far above USDC's supply is flagged, not valued.
    const inflated = Buffer.from(honest);
    inflated.writeBigUInt64LE((1n << 64n) - 1n, 64);
    inflated[108] = 1; // initialized
    forged.clear();
    forged.set(account, inflated);
    const result = await observeOnce();
    expect(result.error).toBeNull();
    expect(result.flags).toContain(`balance-above-supply:${account}`);
    forged.clear();
  }, 240_000);
});
