import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { GRANTEE, POLICY_YAML, STRANGER } from './policy-fixtures.js';

const AT = '2025-06-04T12:00:00Z';
const dir = tempTree({
  'policies/test.yaml': POLICY_YAML,
  'policies/broken.yaml': 'name: broken\ntokens: {}\nlimits: { perTx: { usd: -5 } }\n',
  'prices.json': JSON.stringify({
    USDC: { price: '1', confidence: '0.0001', publishTime: AT },
    SOL: { price: '150', confidence: '0.1', publishTime: AT },
  }),
  'balances.json': JSON.stringify({ USDC: '50000', SOL: '1000' }),
  'allow.json': JSON.stringify({ kind: 'transfer', token: 'USDC', amount: '100', to: GRANTEE }),
  'deny.json': JSON.stringify({ kind: 'transfer', token: 'USDC', amount: '100', to: STRANGER }),
  'vote.json': JSON.stringify({ kind: 'vote', proposal: STRANGER, choice: 'yes' }),
  'bad-field.json': JSON.stringify({ kind: 'swap', from: 'SOL', to: 'USDC', amount: '1', maxSlippageBps: 'lots' }),
  'not-json.json': '{ kind: transfer',
});
const db = join(dir, 'steward.db');
const check = (action: string, ...extra: string[]) =>
  runCli([
    'policy',
    'check',
    '--policy',
    join(dir, 'policies/test.yaml'),
    '--action',
    join(dir, action),
    '--at',
    AT,
    '--prices',
    join(dir, 'prices.json'),
    '--balances',
    join(dir, 'balances.json'),
    ...extra,
  ]);

describe('steward policy check', () => {
  it('exits 0 on allow, 3 on deny, 4 on needs-approval, printing the fired rules', async () => {
    const allow = await check('allow.json');
    expect(allow.code).toBe(0);
    expect(allow.stdout).toMatch(/^ALLOW {2}transfer under policy "test" at 2025-06-04T12:00:00.000Z/);
    const denied = await check('deny.json');
    expect(denied.code).toBe(3);
    expect(denied.stdout).toContain(`destination.not-allowed: destination ${STRANGER} is not on the allow-list`);
    const vote = await check('vote.json');
    expect(vote.code).toBe(4);
    expect(vote.stdout).toContain('approval.kind: every vote needs a human approval');
  });

  it('without prices or balances, the deny names the flag that gives them (--prices, --balances, --url)', async () => {
    const bare = await runCli([
      'policy',
      'check',
      '--policy',
      join(dir, 'policies/test.yaml'),
      '--action',
      join(dir, 'allow.json'),
      '--at',
      AT,
    ]);
    expect(bare.code).toBe(3);
    expect(bare.stdout).toContain(
      'hint: no prices were given: pass --prices FILE, or --url CLUSTER to read the oracle accounts from the chain',
    );
    expect(bare.stdout).toContain(
      'hint: no balances were given: pass --balances FILE, or --url CLUSTER to read the treasury from the chain',
    );
    const withPrices = await runCli([
      'policy',
      'check',
      '--policy',
      join(dir, 'policies/test.yaml'),
      '--action',
      join(dir, 'allow.json'),
      '--at',
      AT,
      '--prices',
      join(dir, 'prices.json'),
    ]);
    expect(withPrices.stdout).not.toContain('no prices were given');
  });

  it('prints JSON with the rules and the ledger columns', async () => {
    const result = await check('allow.json', '--json');
    expect(JSON.parse(result.stdout)).toEqual({
      verdict: 'allow',
      rules: [],
      ledger: {
        token: 'USDC',
        mint: '7TYWECBRcTAMSKNxcV9iYvvXhaab669rrxrjGsX11Cyc',
        amount: '100000000',
        usd: '100',
        destination: GRANTEE,
      },
      ledgerSource: null,
    });
  });

  it('exits 2 on bad input: policy errors with file:line, action errors naming the field', async () => {
    const policy = await runCli(['policy', 'check', '--policy', join(dir, 'policies/broken.yaml'), '--action', join(dir, 'allow.json')]);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toMatch(/broken\.yaml:3:25 limits\.perTx\.usd: expected a decimal string like "2500\.00", got -5/);
    const field = await check('bad-field.json');
    expect(field.code).toBe(2);
    expect(field.stderr).toMatch(/swap action: maxSlippageBps: /);
    expect((await check('not-json.json')).code).toBe(2);
    expect((await check('missing.json')).code).toBe(2);
    expect((await check('allow.json', '--at', 'yesterday')).code).toBe(2);
  });

  it('pause and resume store the kill switch in the database, which check reads', async () => {
    expect((await check('allow.json', '--db', db)).code).toBe(0);
    const paused = await runCli(['--db', db, 'pause', '--reason', 'incident 7']);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toContain('reason: incident 7');
    const denied = await check('allow.json', '--db', db);
    expect(denied.code).toBe(3);
    expect(denied.stdout).toContain('kill-switch.db');
    expect((await runCli(['--db', db, 'resume'])).stdout).toContain('resumed');
    expect((await check('allow.json', '--db', db)).code).toBe(0);
    expect((await runCli(['--db', db, 'resume'])).stdout).toContain('was not paused');
  });
});
