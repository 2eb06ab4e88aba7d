// `steward observe` end to end: the embedded chain with the demo DAO, a real database file.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../src/treasury/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');

describe('steward observe', () => {
  const db = join(tempDir(), 'steward.db');
  const args = ['--config', root, '--db', db, '--url', 'embedded'];

  it('prints the table for the embedded demo DAO, then the stored JSON with changes since the first run', async () => {
    const first = await runCli([...args, 'observe']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // Treasury, MarginFi, Whirlpools and the stake pool read together: 4 rounds of one request (8 calls).
    expect(first.stdout).toMatch(
      /^Chain: embedded chain .* slot \d+; treasury and DeFi positions read in 4 round\(s\), 4 RPC request\(s\) \(8 calls\); \d+ request\(s\) in all$/m,
    );
    expect(first.stdout).toMatch(/^USDT\s+400,000\s+\$0\.9915\s+\d+s\s+\$396,600\.00\s/m);
    expect(first.stdout).toMatch(/^JUP\s+1,500,000\s+\$0\.82\s+36\d\ds\s+\$1,230,000\.00\s+-\s+5%\s+-\s+untrusted-price$/m);
    expect(first.stdout).toContain('CRITICAL USDT trades at $0.9915, 85 bps from $1');
    expect(first.stdout).toContain('Agent allowances: 50,000 USDC ($50,000), 20,000 USDT ($19,830)');
    expect(first.stdout).toContain('DeFi positions (net $160,054.72: assets $201,554.72, debt $41,500.00)');
    expect(first.stdout).toMatch(
      /^  marginfi lending \w+: supplied \$15,000\.00, borrowed \$11,500\.00, health 1\.043478, 4\.1666% from liquidation$/m,
    );
    expect(first.stdout).toMatch(/^  orca-whirlpools LP \w+: \$7,294\.15 \(fees \$0\.00\), OUT OF RANGE$/m);
    expect(first.stdout).toContain(
      'jitoSOL stake pool 6GL68bXQtE6RdqKvbz6VUheUB3EwUDtqT6dScMmyrFyY: 1.25 SOL per token; 2,000 jitoSOL = 2,500 SOL = $375,000.00 at the rate, $364,800.00 at market; market -272 bps vs rate DEPEGGED',
    );
    expect(first.stdout).toMatch(/^    \w+: \$3,500\.00 -> -\$1,000\.00, health 1\.043478 -> 0\.730434 \(liquidatable\)$/m);
    expect(first.stdout).toContain('    jitoSOL at the rate: $375,000.00 -> $262,500.00');
    expect(first.stdout).toContain(
      'WARNING  jitoSOL (stake pool 6GL68bXQtE6RdqKvbz6VUheUB3EwUDtqT6dScMmyrFyY) trades at $182.40, 272 bps below its stake-pool value $187.50',
    );
    expect(first.stdout).toContain('Saved as observation #1.');

    const second = await runCli([...args, 'observe', '--json']);
    expect(second.code).toBe(0);
    const json = JSON.parse(second.stdout) as {
      id: number;
      cluster: string;
      snapshot: unknown;
      analysis: { changes: { newAccounts: string[]; vanishedAccounts: string[] } | null };
      positions: {
        positions: Array<{ kind: string }>;
        liquidStaking: Array<{ symbol: string; depegBps: string; depegged: boolean; solLamports: string }>;
        stress: { netAfterMicroUsd: string };
      };
    };
    expect(json.id).toBe(2);
    // Observations are kept per chain: the embedded chain's key carries its identity (genesis hash).
    expect(json.cluster).toMatch(/^embedded:[0-9a-f]{16}$/);
    // five treasury token accounts and the two Orca position NFTs it holds
    expect(parseSnapshot(json.snapshot).tokenAccounts).toHaveLength(7);
    expect(json.analysis.changes).toMatchObject({ newAccounts: [], vanishedAccounts: [] });
    expect(json.positions.positions.map((p) => p.kind)).toEqual(['lending', 'lending', 'liquidity', 'liquidity']);
    expect(json.positions.liquidStaking).toMatchObject([
      { symbol: 'jitoSOL', depegBps: '-272', depegged: true, solLamports: '2500000000000' },
    ]);
    expect(json.positions.stress.netAfterMicroUsd).toBe('100772425778');
  });

  it('exits 2 naming the agents when --agent is unknown', async () => {
    const result = await runCli([...args, 'observe', '--agent', 'nobody']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no agent named "nobody"');
    expect(result.stderr).toContain('treasury-guardian');
  });
});
