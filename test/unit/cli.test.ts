import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';

describe('cli', () => {
  // validate also checks each agent's key and model settings (it loads the model layer): allow for a loaded machine.
  it('validate exits 0 with one line per file on the shipped examples', async () => {
    const result = await runCli(['validate']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok  policies/treasury.yaml  policy "treasury"');
    expect(result.stdout).toContain('ok  agents/treasury-guardian.yaml  agent "treasury-guardian"');
  }, 120_000);

  it('validate exits 2 and prints every problem of a broken directory', async () => {
    const root = tempTree({
      'policies/bad.yaml': 'name: bad\ntokens: {}\nlimits: { perTx: { usd: -5 } }\nextra: 1\n',
    });
    const result = await runCli(['--config', root, 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/policies\/bad\.yaml:3:25 limits\.perTx\.usd: expected a decimal string like "2500\.00", got -5/);
    expect(result.stderr).toMatch(/policies\/bad\.yaml:4:1 extra: unknown key/);
    expect(result.stderr).toContain('2 problem(s) in 1 file(s)');
  });

  it('validate names a policy token mint that is not a valid key, at its file:line', async () => {
    const root = tempTree({ 'policies/mint.yaml': 'name: mint\ntokens:\n  USDC: { mint: not-a-mint, decimals: 6 }\n' });
    const result = await runCli(['--config', root, 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/policies\/mint\.yaml:3:\d+ tokens\.USDC\.mint: expected a mint address or "native" \(SOL\)/);
  });

  it('exits 2 on an unknown command or option, 0 on --help and --version', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['validate', '--bogus'])).code).toBe(2);
    expect((await runCli(['--help'])).code).toBe(0);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('prints a StewardError with its hint and no stack, exit 2 for bad input', async () => {
    const result = await runCli(['--url', 'https://user:secret@bad host', 'doctor']);
    expect(result.stdout).toMatch(/FAIL cluster +unknown cluster/);
    expect(result.stdout).not.toContain('secret');
  }, 120_000);
});
