// Reviews and `observe` value the same treasury the same way (issue #16/#17): both read the one
// TreasuryView total (trusted prices only, owned stake included). Before, a review left the stake
// out and said $2,811,400 where `observe` said $3,261,400. The untrusted part is named by
// `observe` and left out of both.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');

describe('treasury value', () => {
  it('is the same figure in `steward observe` and in a review of the demo DAO', async () => {
    const db = join(tempDir(), 'steward.db');
    const args = ['--config', root, '--db', db, '--url', 'embedded'];
    const observed = await runCli([...args, 'observe']);
    expect(observed.code).toBe(0);
    const total = /^Total \(trusted prices\): (\$[\d,]+\.\d\d)$/m.exec(observed.stdout)?.[1];
    expect(total).toBe('$3,261,400.34');
    expect(observed.stdout).toMatch(/^Untrusted prices, not counted: \$1,230,000\.00$/m);

    const reviewed = await runCli([...args, 'review', '--all', '--no-model', '--no-simulate', '--json']);
    expect(reviewed.code).toBe(0);
    const worth = [...reviewed.stdout.matchAll(/of a treasury worth (\$[\d,]+\.\d\d)/g)].map((match) => match[1]);
    expect(worth.length).toBeGreaterThan(0);
    expect(new Set(worth)).toEqual(new Set([total]));
  }, 300_000);
});
