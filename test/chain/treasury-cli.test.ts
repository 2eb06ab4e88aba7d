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
    expect(first.stdout).toMatch(/^Chain: embedded chain .* slot \d+, 4 RPC request\(s\)$/m);
    expect(first.stdout).toMatch(/^USDT\s+400000\s+\$0\.9915\s+\d+s\s+\$396,600\.00\s/m);
    expect(first.stdout).toMatch(/^JUP\s+1500000\s+\$0\.82\s+36\d\ds\s+\$1,230,000\.00\s+-\s+5%\s+-\s+untrusted-price$/m);
    expect(first.stdout).toContain('CRITICAL USDT trades at $0.9915, 85 bps from $1');
    expect(first.stdout).toContain('Agent allowances: 50000 USDC, 20000 USDT');
    expect(first.stdout).toContain('Saved as observation #1.');

    const second = await runCli([...args, 'observe', '--json']);
    expect(second.code).toBe(0);
    const json = JSON.parse(second.stdout) as { id: number; cluster: string; snapshot: unknown; analysis: { changes: { newAccounts: string[]; vanishedAccounts: string[] } | null } };
    expect(json.id).toBe(2);
    expect(json.cluster).toBe('embedded');
    // five treasury token accounts and the two Orca position NFTs it holds
    expect(parseSnapshot(json.snapshot).tokenAccounts).toHaveLength(7);
    expect(json.analysis.changes).toMatchObject({ newAccounts: [], vanishedAccounts: [] });
  });

  it('exits 2 naming the agents when --agent is unknown', async () => {
    const result = await runCli([...args, 'observe', '--agent', 'nobody']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no agent named "nobody"');
    expect(result.stderr).toContain('treasury-guardian');
  });
});
