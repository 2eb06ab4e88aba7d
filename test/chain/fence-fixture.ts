// Shared setup of the cross-process fence tests: the demo chain in its own process (`steward
// localnet --demo`, as `steward run --url` would meet a validator), a fake OpenAI-compatible model
// that proposes exactly the actions to race, the demo agent key in a keypair file, and a config
// folder per round whose policy sets the window cap and the USDC reserve being tested.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from '@solana/web3.js';
import { createConnection, spawnEmbeddedChain, type EmbeddedChainChild } from '../../src/chain/index.js';
import { DEMO, demoKeypair } from '../../src/demo/index.js';
import { startFakeModel, type FakeModel } from '../helpers/fake-model.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

export const AGENT = 'racer';

export interface FenceFixture {
  chain: EmbeddedChainChild;
  connection: Connection;
  model: FakeModel;
  keypairPath: string;
  /** Writes agents/ and policies/ for one round; returns the folder. */
  config(limits: { windowUsdc: string; reserveUsdc: string; mode?: 'autonomous' | 'approve-all'; maxActions?: number }): string;
  env(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** A decision of `count` transfers of `amount` USDC to the allow-listed grantee. */
export function transfers(count: number, amount: string): unknown {
  return {
    assessment: 'Pay the grantee.',
    actions: Array.from({ length: count }, (_, i) => ({
      kind: 'transfer',
      token: 'USDC',
      amount,
      to: DEMO.grantee.toBase58(),
      reason: `invoice part ${i + 1}`,
    })),
  };
}

export async function startFenceFixture(): Promise<FenceFixture> {
  const chain = await spawnEmbeddedChain({ demo: true, readyTimeoutMs: 240_000 });
  const connection = createConnection(chain.url, { commitment: 'confirmed' });
  const model = await startFakeModel(transfers(1, '1'));
  const dir = tempDir('steward-fence-');
  const keypairPath = join(dir, 'agent.json');
  writeFileSync(keypairPath, JSON.stringify([...demoKeypair('agent').secretKey]));
  let rounds = 0;
  const fixture: FenceFixture = {
    chain,
    connection,
    model,
    keypairPath,
    config(limits) {
      const folder = join(dir, `config-${++rounds}`);
      mkdirSync(join(folder, 'agents'), { recursive: true });
      mkdirSync(join(folder, 'policies'), { recursive: true });
      writeFileSync(
        join(folder, 'agents', `${AGENT}.yaml`),
        [
          `name: ${AGENT}`,
          'tasks: [treasury]',
          'policy: fence',
          'signer: { env: STEWARD_KEYPAIR }',
          'treasury:',
          `  owners: [${DEMO.nativeTreasury.toBase58()}]`,
          `mode: ${limits.mode ?? 'autonomous'}`,
          `maxActionsPerRun: ${limits.maxActions ?? 2}`,
          'instructions: Pay the grantee within policy.',
          'model:',
          `  endpoint: { baseUrl: "${model.url}", model: fake, maxRetries: 0, timeoutMs: 30000 }`,
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(folder, 'policies', 'fence.yaml'),
        [
          'name: fence',
          'tokens:',
          `  SOL:  { mint: native, decimals: 9, pyth: ${DEMO.priceAccounts.SOL.toBase58()} }`,
          `  USDC: { mint: ${DEMO.mints.USDC.toBase58()}, decimals: 6, pyth: ${DEMO.priceAccounts.USDC.toBase58()}, stable: true }`,
          'limits:',
          '  perTx: { usd: "10000", tokens: { USDC: "10000" } }',
          '  windows:',
          `    - { window: 24h, usd: "${limits.windowUsdc}", tokens: { USDC: "${limits.windowUsdc}" } }`,
          `  reserves: { USDC: "${limits.reserveUsdc}" }`,
          'allow:',
          '  actions: [transfer, none]',
          `  destinations: [${DEMO.grantee.toBase58()}]`,
          'approval: { aboveUsd: "1000000", actions: [], expiresAfter: 24h }',
          'oracle: { maxStaleness: 120s, maxConfidenceBps: 100 }',
          '',
        ].join('\n'),
      );
      return folder;
    },
    env: () => ({ STEWARD_KEYPAIR: keypairPath, STEWARD_RPC_URL: chain.url, STEWARD_REPORTS_DIR: join(dir, 'reports') }),
    async close() {
      await model.close();
      await chain.close();
    },
  };
  // The demo grants 50,000 USDC; raise it so the off-chain fence, not the token program, binds.
  const grant = await runCli([
    '--config',
    fixture.config({ windowUsdc: '20000', reserveUsdc: '0' }),
    '--url',
    chain.url,
    'grant',
    '--token',
    'USDC',
    '--amount',
    '100000000',
    '--agent-key',
    DEMO.agent.toBase58(),
    '--execute',
  ]);
  if (grant.code !== 0) throw new Error(`grant failed: ${grant.stderr}`);
  return fixture;
}

export async function usdcBalance(connection: Connection, account: { toBase58(): string }): Promise<bigint> {
  const info = await connection.getTokenAccountBalance(account as never, 'confirmed');
  return BigInt(info.value.amount);
}
