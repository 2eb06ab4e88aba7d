// The embedded chain keeps its state: a restarted chain is the same chain (identity, accounts,
// transaction history, signature statuses, blockhash window, clock), and two commands in a row
// on the embedded default see each other's effects.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { EmbeddedChain } from '../../src/chain/index.js';
import { parseChainState } from '../../src/chain/embedded/chain-state.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

describe('embedded chain state', () => {
  it('a restored chain keeps its identity, accounts, landed transactions and recent blockhashes', () => {
    let now = 1_700_000_000_000;
    const chain = new EmbeddedChain({ now: () => now });
    const payee = Keypair.generate().publicKey;
    chain.airdrop(payee, 1_234_567n);
    const [record] = [...chain.history.all()];
    const blockhash = chain.latestBlockhash();
    now += 4_000; // 10 slots
    const saved = JSON.stringify(chain.exportState());
    chain.close();

    const restored = new EmbeddedChain({ now: () => now, restore: parseChainState(saved, 'test') });
    try {
      expect(restored.chainId).toBe(chain.chainId);
      expect(restored.chainId).toMatch(/^[0-9a-f]{16}$/);
      expect(restored.getAccount(payee)?.lamports).toBe(1_234_567n);
      expect(restored.transactionCount).toBe(1n);
      const again = restored.history.get(record!.signature);
      expect(again?.slot).toBe(record!.slot);
      expect(again?.err).toBeNull();
      expect(restored.clock().slot).toBe(chain.clock().slot);
      expect(restored.isBlockhashValid(blockhash)).toBe(true);
      // The faucet is the same account: airdrops keep working after a restore.
      restored.airdrop(payee, 1n);
      expect(restored.getAccount(payee)?.lamports).toBe(1_234_568n);
      // Time goes on: the blockhash expires, the landed transaction stays landed.
      now += 120_000;
      expect(restored.isBlockhashValid(blockhash)).toBe(false);
      expect(restored.history.has(record!.signature)).toBe(true);
    } finally {
      restored.close();
    }
    // A fresh chain is another chain.
    const other = new EmbeddedChain({ now: () => now });
    expect(other.chainId).not.toBe(chain.chainId);
    expect(other.genesisHash).toBe(chain.genesisHash);
    other.close();
  });

  it('rejects a cut-short state file naming it', () => {
    expect(() => parseChainState('{"version":1', '/x/steward.chain.json')).toThrow(/steward\.chain\.json is not JSON/);
    expect(() => parseChainState('{"version":9}', '/x/steward.chain.json')).toThrow(/not a state this version reads: version/);
  });

  it("two commands in a row on the embedded default see each other's effects, and leave nothing running", async () => {
    const work = tempDir('steward-chain-state-');
    const env = {
      ...process.env,
      STEWARD_DB: join(work, 'steward.db'),
      STEWARD_RPC_URL: 'embedded',
      STEWARD_LOG_LEVEL: 'error',
      STEWARD_KEYPAIR: '',
    };
    const steward = (...args: string[]) =>
      run(process.execPath, [join(root, 'bin/steward.js'), '--config', root, ...args], { cwd: work, env, timeout: 120_000 });
    const granted = await steward('grant', '--token', 'USDC', '--amount', '777', '--execute');
    expect(granted.stdout).toContain('Now: 777 USDC left to the agent.');
    expect(existsSync(join(work, 'steward.chain.json'))).toBe(true);
    expect(existsSync(join(work, 'steward.chain.json.lock'))).toBe(false);
    const allowance = await steward('allowance');
    expect(allowance.stdout).toMatch(/The agent may move: 777 USDC \(\$777\), 20,000 USDT \(\$19,830\)/);
    expect(existsSync(join(work, 'steward.chain.json.lock'))).toBe(false);
  }, 240_000);
});
