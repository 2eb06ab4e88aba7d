// End to end: `steward demo` as an operator runs it (a separate process, the generated model),
// then the journal and the reports it leaves behind. Where the Squads v4 program file is found,
// the demo's step 4 pays from the Squads vault: one payment lands through the spending limit, the
// next is refused before signing (more than the limit has left).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { squadsProgram } from '../helpers/programs.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

describe('steward demo', () => {
  it('completes, records its runs, lands the routine payment, refuses the hostile ones, and reports every severe flag', async () => {
    const work = tempDir('steward-demo-');
    const env = {
      ...process.env,
      STEWARD_DB: join(work, 'steward.db'),
      STEWARD_REPORTS_DIR: join(work, 'reports'),
      STEWARD_MODELS_DIR: join(work, 'models'),
      STEWARD_MODEL: '',
      STEWARD_OPENAI_BASE_URL: '',
      STEWARD_LOG_LEVEL: 'error',
    };
    const started = Date.now();
    const { stdout } = await run(process.execPath, [join(root, 'bin/steward.js'), 'demo'], {
      cwd: root,
      env,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 170_000,
    });
    const seconds = (Date.now() - started) / 1000;

    expect(stdout).toContain('RANDOM weights');
    expect(stdout).toMatch(/transactions landed: [1-9]/);
    expect(stdout).toMatch(/destination\.not-allowed/);
    expect(stdout).toMatch(/limit\.per-tx\.token/);
    expect(stdout).toMatch(/the embedded chain is stopped/);
    // Says whether the DAO's Squads vault is there (made by the program) or not.
    expect(stdout).toMatch(/^squads: Squads v4 (SQDS4\S+ runs on this chain; the DAO also holds|is not on this chain)/m);

    const db = new Database(join(work, 'demo.db'), { readonly: true });
    try {
      const runs = db.prepare('SELECT agent, status, report_path FROM runs ORDER BY id').all() as {
        agent: string;
        status: string;
        report_path: string;
      }[];
      expect(runs.map((row) => row.agent)).toEqual([
        'proposal-reviewer',
        'treasury-guardian',
        'treasury-guardian',
        ...(squadsProgram ? ['treasury-guardian'] : []),
      ]);
      if (squadsProgram) {
        const vault = db
          .prepare('SELECT state FROM actions WHERE run_id = (SELECT MAX(id) FROM runs) ORDER BY id')
          .pluck()
          .all() as string[];
        expect(vault).toEqual(['confirmed', 'effects-refused']);
        expect(stdout).toMatch(/^4\. scripted payments from the Squads vault/m);
        expect(stdout).toMatch(/refused at allowance: the action moves 1000 USDC but the on-chain allowance on \S+ has 500 left/);
      }
      expect(runs.every((row) => row.report_path && existsSync(resolve(root, row.report_path)))).toBe(true);
      const confirmed = db.prepare("SELECT COUNT(*) FROM actions WHERE state = 'confirmed'").pluck().get() as number;
      expect(confirmed).toBeGreaterThanOrEqual(1);

      // Every severe flag of every review appears in the reviewer's run report.
      const reviewerReport = readFileSync(resolve(root, runs[0]!.report_path), 'utf8');
      const reviews = readdirSync(join(work, 'reports/demo/reviews')).filter((file) => file.endsWith('.json'));
      expect(reviews).toHaveLength(5);
      let severe = 0;
      for (const file of reviews) {
        const review = JSON.parse(readFileSync(join(work, 'reports/demo/reviews', file), 'utf8')) as {
          flags: { id: string; severity: string }[];
        };
        for (const flag of review.flags.filter((f) => f.severity === 'severe')) {
          severe += 1;
          expect(reviewerReport).toContain(`severe: ${flag.id}`);
        }
      }
      expect(severe).toBeGreaterThanOrEqual(4);
    } finally {
      db.close();
    }
    console.log(`steward demo finished in ${seconds.toFixed(1)} s`);
  }, 180_000);
});
