// Run reports belong to one database: two databases (both counting runs from 1) sharing one
// reports folder never share a report file, and `steward runs show ID` prints that run's
// report from the journal even when the file was overwritten since.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finishRun, startRun } from '../../src/agent/run-store.js';
import { reportFolderOf, saveRunReport } from '../../src/agent/report.js';
import type { RunResult } from '../../src/agent/run-agent.js';
import { openStore } from '../../src/store/index.js';
import { runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');

function recordRun(db: string, reportsDir: string, error: string): string {
  const store = openStore(db);
  try {
    const now = new Date();
    const runId = startRun(store.db, 'treasury-guardian', 'cli', now);
    const result = {
      runId,
      agent: 'treasury-guardian',
      status: 'failed',
      error,
      mode: 'dry-run',
      cluster: 'embedded',
      startedAt: now.toISOString(),
      model: null,
      phases: [{ name: 'observe', ms: 1, ok: false, detail: error }],
      analysis: null,
      positions: null,
      assessment: null,
      actions: [],
      reviews: [],
    } as unknown as RunResult;
    finishRun(store.db, runId, { status: 'failed', phases: result.phases, error }, now);
    return saveRunReport(result, { db: store.db, dbPath: db, reportsDir });
  } finally {
    store.close();
  }
}

describe('run reports', () => {
  it("two databases never share a report; runs show prints the run's own report from the journal", async () => {
    const dir = tempDir('steward-reports-');
    const reportsDir = join(dir, 'reports');
    const first = join(dir, 'first.db');
    const second = join(dir, 'second.db');
    const firstPath = recordRun(first, reportsDir, 'first database failure');
    const secondPath = recordRun(second, reportsDir, 'second database failure');
    expect(firstPath).not.toBe(secondPath);
    expect(firstPath).toContain(join('runs', reportFolderOf(first), 'treasury-guardian-1.md'));
    expect(readFileSync(firstPath, 'utf8')).toContain('first database failure');
    expect(readFileSync(secondPath, 'utf8')).toContain('second database failure');
    // Same file name in another folder of the same name elsewhere: the hash of the path tells them apart.
    expect(reportFolderOf(join(dir, 'a', 'steward.db'))).not.toBe(reportFolderOf(join(dir, 'b', 'steward.db')));

    writeFileSync(firstPath, 'overwritten by hand');
    for (const [db, own, other] of [
      [first, 'first', 'second'],
      [second, 'second', 'first'],
    ] as const) {
      const shown = await runCliProcess(['--db', db, '--config', root, 'runs', 'show', '1'], { env: { STEWARD_REPORTS_DIR: reportsDir } });
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain(`${own} database failure`);
      expect(shown.stdout).not.toContain(`${other} database failure`);
      expect(shown.stdout).not.toContain('overwritten by hand');
    }
  }, 120_000);
});
