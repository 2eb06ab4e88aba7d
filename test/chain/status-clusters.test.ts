// One truth per cluster, in real processes: after observing two clusters with one database,
// `status` on each shows that cluster's own allowance (live where it answers, else its own
// latest observation with its age), names the cluster, and exits 1 rather than 0 when the
// cluster URL does not answer.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startDemoChain, type DemoChain } from '../../src/demo/index.js';
import { injectAllowance } from '../helpers/inject-allowance.js';
import { runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');

describe('status per cluster', () => {
  let other: DemoChain | undefined;

  beforeAll(async () => {
    other = await startDemoChain({ oracleIntervalMs: 60_000 });
    // The second cluster's agent was granted less: 1,234 USDC instead of the demo's 50,000.
    injectAllowance(other.running.chain, DEMO.treasuryTokenAccounts.USDC, DEMO.agent, 1_234_000_000n);
  }, 120_000);

  afterAll(async () => {
    await other?.close();
  });

  it("shows each cluster's own figures, names it, and exits 1 when its URL does not answer", async () => {
    const work = tempDir('steward-status-clusters-');
    const keyFile = join(work, 'demo-agent.json');
    const env = { STEWARD_DB: join(work, 'steward.db'), STEWARD_RPC_URL: 'embedded', STEWARD_KEYPAIR: '' };
    const steward = (...args: string[]) => runCliProcess(['--config', root, ...args], { cwd: work, env, timeoutMs: 240_000 });
    // The demo agent's key, as an operator gets it for a `localnet --demo`.
    const written = await steward('demo', 'key', '--out', keyFile);
    expect(written.code, written.stderr).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(written.stdout).toContain(DEMO.agent.toBase58());
    expect((await steward('demo', 'key', '--out', keyFile)).code).toBe(2);
    env.STEWARD_KEYPAIR = keyFile;
    const url = other!.running.url;
    const port = new URL(url).port;

    const embeddedObserve = await steward('observe', '--agent', 'treasury-guardian');
    expect(embeddedObserve.code, embeddedObserve.stderr).toBe(0);
    const localObserve = await steward('--url', url, 'observe', '--agent', 'treasury-guardian');
    expect(localObserve.code, localObserve.stderr).toBe(0);
    expect(localObserve.stdout).toContain(`local validator at http://127.0.0.1:${port}`);

    // The embedded chain is not running: its own observation, with its age, never the other's.
    const embedded = await steward('status');
    expect(embedded.code, embedded.stderr).toBe(0);
    expect(embedded.stdout).toMatch(/^cluster embedded chain [0-9a-f]{16} \(embedded:[0-9a-f]{16}\): the embedded chain is not running/m);
    expect(embedded.stdout).toMatch(/allowance: 50,000 USDC( \(\$[\d,.]+\))? on .* \(slot \d+, observed .* \(\d+ (s|min) ago\)\)/);
    expect(embedded.stdout).not.toMatch(/1,?234 USDC/);

    // The other cluster answers: read live.
    const live = await steward('--url', url, 'status');
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toContain(
      `cluster local validator at http://127.0.0.1:${port} (local:CmpNeggWJ4JaWJeJ8YKN1Zypmk7uvQq3PECGUCAEMbky@127.0.0.1:${port}), read live`,
    );
    expect(live.stdout).toMatch(/allowance: 1,234 USDC( \(\$[\d,.]+\))? on .* \(live, slot \d+\)/);
    expect(live.stdout).not.toMatch(/50,?000 USDC/);

    // It stops answering: its last observation, said to be old, and exit 1.
    await other!.close();
    other = undefined;
    const down = await steward('--url', url, 'status', '--json');
    expect(down.code).toBe(1);
    const parsed = JSON.parse(down.stdout) as {
      cluster: { live: boolean; note: string };
      agents: { agent: string; allowances: { token: string; remaining: string }[]; allowancesSource: string; allowancesCluster: string }[];
    };
    expect(parsed.cluster.live).toBe(false);
    expect(parsed.cluster.note).toMatch(/cannot reach the cluster/);
    const guardian = parsed.agents.find((row) => row.agent === 'treasury-guardian')!;
    expect(guardian.allowancesSource).toBe('stored');
    expect(guardian.allowancesCluster).toBe(`local validator at http://127.0.0.1:${port}`);
    expect(guardian.allowances.find((row) => row.token === 'USDC')?.remaining).toMatch(/^1,?234/);
  }, 900_000);
});
