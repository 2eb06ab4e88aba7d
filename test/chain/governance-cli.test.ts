// `steward review` end to end on the embedded chain with the demo DAO: the CLI seeds it,
// reviews every proposal deterministically, stores the reviews and skips them the second time.
import '../../src/chain/embedded/v8-flags.js';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/demo/index.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
const saved = { db: process.env.STEWARD_DB, reports: process.env.STEWARD_REPORTS_DIR };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'steward-review-cli-'));
  process.env.STEWARD_DB = join(dir, 'steward.db');
  process.env.STEWARD_REPORTS_DIR = join(dir, 'reports');
});
afterEach(() => {
  for (const [key, value] of [
    ['STEWARD_DB', saved.db],
    ['STEWARD_REPORTS_DIR', saved.reports],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('steward review', () => {
  it('reviews all proposals with --no-model, then finds them unchanged', async () => {
    const first = await runCli(['review', '--all', '--no-model', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const parsed = JSON.parse(first.stdout) as {
      reviews: Array<{ proposal: { address: string }; recommendation: string; flags: Array<{ id: string; severity: string }> }>;
    };
    expect(parsed.reviews).toHaveLength(5);
    const injection = parsed.reviews.find((r) => r.proposal.address === DEMO.proposals.injection.toBase58())!;
    expect(injection.recommendation).toBe('against');
    expect(injection.flags.map((f) => f.id)).toEqual(
      expect.arrayContaining(['prompt-injection', 'description-mismatch', 'treasury-outflow']),
    );
    expect(readdirSync(join(dir, 'reports', 'reviews')).filter((f) => f.endsWith('.md'))).toHaveLength(5);
    const second = await runCli(['review', DEMO.proposals.routineGrant.toBase58(), '--no-model']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('unchanged since');
    // Two CLI runs, each spawning the chain and seeding the demo (through the SPL Governance
    // program when STEWARD_PROGRAMS_DIR has it, as in CI): ~25 s on an idle 2-core machine.
  }, 150_000);
  it('refuses a missing target and a malformed address with exit 2', async () => {
    expect(await runCli(['review', '--no-model'])).toMatchObject({ code: 2 });
    const bad = await runCli(['review', 'not-an-address', '--no-model']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a Solana address');
  });
});
