// The operator's first hour, the parts the other tests leave out: `validate --chain` reads the
// cluster (a policy whose decimals do not match the mint fails, exit 2, at the policy file; a
// cluster that is not the one its URL names fails), `grant`'s old flag spellings still work and
// warn, and a command that starts the embedded chain says so on a terminal, never in a pipe.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightChain } from '../../src/agent/preflight-chain.js';
import type { PreflightReport } from '../../src/agent/preflight.js';
import { openCluster } from '../../src/chain/index.js';
import { loadConfig } from '../../src/config/index.js';
import { DEMO, demoKeypair, startDemoChain, type DemoChain } from '../../src/demo/index.js';
import { ensureTestModel } from '../../src/llm/index.js';
import { runCli, runNodeProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('first hour', () => {
  let chain: DemoChain;
  beforeAll(async () => {
    chain = await startDemoChain({ oracleIntervalMs: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await chain?.close();
  });

  it('validate --chain fails, exit 2 at the policy file, when the policy says other decimals than the mint', async () => {
    const dir = tempDir('steward-first-hour-');
    mkdirSync(join(dir, 'agents'));
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'agents', 'treasury-guardian.yaml'), readFileSync(join(root, 'agents', 'treasury-guardian.yaml')));
    const policy = readFileSync(join(root, 'policies', 'treasury.yaml'), 'utf8');
    const wrong = policy.replace(/(USDC: +\{ mint: \w+, )decimals: 6/, '$1decimals: 9');
    expect(wrong).not.toBe(policy);
    writeFileSync(join(dir, 'policies', 'treasury.yaml'), wrong);
    const key = join(dir, 'agent.json');
    writeFileSync(key, JSON.stringify(Array.from(demoKeypair('agent').secretKey)), { mode: 0o600 });
    const env = { STEWARD_KEYPAIR: key, STEWARD_MODEL: await ensureTestModel(), STEWARD_DB: join(dir, 'steward.db') };

    const bad = await runNodeProcess([join(root, 'bin/steward.js'), '--config', dir, '--url', chain.running.url, 'validate', '--chain'], {
      env,
      timeoutMs: 170_000,
    });
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/policies\/treasury\.yaml:\d+:\d+ tokens: USDC: the token table says 9 decimals, the mint \w+ has 6/);
    // The agent's allowance on that cluster was read too.
    expect(bad.stdout).toMatch(/treasury-guardian: allowances: USDC on \w+/);

    const good = await runNodeProcess([join(root, 'bin/steward.js'), '--config', root, '--url', chain.running.url, 'validate', '--chain'], {
      env,
      timeoutMs: 170_000,
    });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/cluster: local validator at http:\/\/127\.0\.0\.1:\d+ \(local:/);
  }, 400_000);

  it('a cluster whose genesis hash is not the one its name says is a problem', async () => {
    const config = loadConfig(root);
    const cluster = await openCluster(chain.running.url);
    try {
      const report: PreflightReport = { problems: [], notes: [] };
      const identity = await preflightChain(
        cluster,
        config,
        { rpcUrl: 'https://api.devnet.solana.com', agentKey: () => DEMO.agent, signs: () => false },
        report,
      );
      expect(identity?.genesisHash).toBe('CmpNeggWJ4JaWJeJ8YKN1Zypmk7uvQq3PECGUCAEMbky');
      const problem = report.problems.find((entry) => entry.path === '--url');
      expect(problem?.message).toMatch(
        /the cluster is configured as devnet, but .* answers genesis hash CmpNegg\w+ \(not a public cluster\)/,
      );
      // The URL itself names no public cluster: nothing to compare.
      const local: PreflightReport = { problems: [], notes: [] };
      await preflightChain(cluster, config, { rpcUrl: chain.running.url, agentKey: () => DEMO.agent, signs: () => false }, local);
      expect(local.problems).toEqual([]);
    } finally {
      await cluster.close();
    }
  }, 120_000);

  it("grant's old spellings (--agent PUBKEY, --agent-name NAME) still work, with a warning naming the new flag", async () => {
    const base = [
      '--config',
      root,
      '--db',
      join(tempDir('steward-first-hour-'), 'steward.db'),
      '--url',
      chain.running.url,
      '--log-level',
      'silent',
      'grant',
      '--token',
      'USDC',
      '--amount',
      '5',
    ];
    const old = await runCli([...base, '--agent', DEMO.agent.toBase58(), '--agent-name', 'treasury-guardian']);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toContain('warning: --agent-name is deprecated; use --agent NAME');
    expect(old.stderr).toContain('warning: --agent PUBKEY is deprecated; use --agent-key PUBKEY');
    expect(old.stdout).toContain(`Grant: let ${DEMO.agent.toBase58()} spend up to 5 USDC`);
    const current = await runCli([...base, '--agent', 'treasury-guardian', '--agent-key', DEMO.agent.toBase58()]);
    expect(current.code, current.stderr).toBe(0);
    expect(current.stderr).not.toContain('deprecated');
    expect(current.stdout).toContain(`Grant: let ${DEMO.agent.toBase58()} spend up to 5 USDC`);
  }, 120_000);

  it('starting the embedded chain shows progress on a terminal, and nothing in a pipe', async () => {
    const work = tempDir('steward-first-hour-');
    const env = {
      ...process.env,
      STEWARD_DB: join(work, 'steward.db'),
      STEWARD_RPC_URL: 'embedded',
      STEWARD_LOG_LEVEL: 'error',
      STEWARD_KEYPAIR: '',
    };
    const command = `${process.execPath} ${join(root, 'bin/steward.js')} --config ${root} allowance`;
    // util-linux `script` gives the command a terminal for stdout and stderr.
    const onTerminal = await run('script', ['-qec', command, '/dev/null'], { cwd: work, env, timeout: 170_000 });
    expect(onTerminal.stdout).toMatch(/starting the embedded chain \(state .*steward\.chain\.json\)…/);
    expect(onTerminal.stdout).toMatch(/embedded chain [0-9a-f]{16} ready in \d+\.\d s/);
    const piped = await run(process.execPath, [join(root, 'bin/steward.js'), '--config', root, 'allowance'], {
      cwd: work,
      env,
      timeout: 170_000,
    });
    expect(piped.stdout).toMatch(/The agent may move: /);
    expect(piped.stdout + piped.stderr).not.toMatch(/starting the embedded chain|ready in/);
  }, 400_000);
});
