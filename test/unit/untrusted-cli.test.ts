// Hostile text through the commands that print it: what reaches stdout and stderr carries no
// control character, and the attack of issue #15 (a model reason that moves the cursor up and
// rewrites the `what:` line) shows up escaped. The headline cases run in their own process, as an
// operator runs them (through the output streams' last line of defence); the rest run in-process,
// where only each command's own escaping stands between the text and the output.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishRun, startRun } from '../../src/agent/run-store.js';
import { renderRunReport } from '../../src/agent/report.js';
import type { RunResult } from '../../src/agent/run-agent.js';
import { loadConfig } from '../../src/config/index.js';
import { recordDecision } from '../../src/execute/index.js';
import { compilePolicy, evaluatePolicy, createSpendLedger } from '../../src/policy/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli, runCliProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '../..');
// Everything a terminal acts on, or that hides or reorders text; line feeds are our own layout.
const CONTROL = /(?![\n])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const FORGED_LINE = 'monthly\x1b[1A\x1b[2K\r  what:       15 USDC -> trusted grantee';
const HOSTILE = `evil\x1b]0;pwned\x07\x1b[2J\u202edesrever\u200b\u009b31m|pipe|\n# heading [link](https://x.example)`;
const GRANTEE = '2dMsEow5mVnpDH8nL4MctcsQ8WQrPVcrxLd5d6NGbp7t';

describe('untrusted text in CLI output (real processes)', () => {
  const dir = tempDir('steward-untrusted-');
  const db = join(dir, 'steward.db');
  const env = { STEWARD_DB: db, STEWARD_CONFIG_DIR: root, STEWARD_REPORTS_DIR: join(dir, 'reports') };
  let actionId = 0;

  beforeAll(() => {
    const config = loadConfig(root);
    const policy = compilePolicy(config.policies[0]!.config);
    const now = Date.now();
    const payload = { kind: 'transfer', token: 'USDC', amount: '15000', to: GRANTEE, reason: FORGED_LINE };
    const verdict = evaluatePolicy(policy, payload, {
      now,
      prices: {},
      spent: createSpendLedger().windows(policy, now),
      balances: {},
      treasuryAddresses: new Set<string>(),
      paused: false,
    });
    const store = openStore(db);
    try {
      actionId = recordDecision({
        db: store.db,
        policy,
        agent: 'treasury-guardian',
        payload,
        verdict: { ...verdict, kind: 'needs-approval' } as typeof verdict,
        now: new Date(now),
      });
      const runId = startRun(store.db, 'treasury-guardian', 'cli', new Date(now));
      const report = join(dir, 'report.md');
      const result = {
        runId,
        agent: 'treasury-guardian',
        status: 'failed',
        error: HOSTILE,
        mode: 'autonomous',
        cluster: 'embedded',
        startedAt: new Date(now).toISOString(),
        model: null,
        phases: [{ name: 'decide', ms: 1, ok: false, detail: HOSTILE }],
        analysis: null,
        positions: null,
        assessment: HOSTILE,
        actions: [
          {
            actionId,
            proposed: payload,
            verdict: 'needs-approval',
            state: 'pending-approval',
            rules: [{ id: 'approval.above', effect: 'needs-approval', reason: HOSTILE }],
          },
        ],
        reviews: [],
      } as unknown as RunResult;
      writeFileSync(report, renderRunReport(result));
      finishRun(store.db, runId, { status: 'failed', phases: result.phases, error: HOSTILE, reportPath: report }, new Date(now));
    } finally {
      store.close();
    }
  });

  const inProcess = (args: string[]) => runCli(['--db', db, '--config', root, ...args]);
  const clean = (output: { stdout: string; stderr: string }) => {
    expect(output.stdout).not.toMatch(CONTROL);
    expect(output.stderr).not.toMatch(CONTROL);
  };

  it('approvals show: the forged `what:` line stays on the reason line, escaped', async () => {
    const out = await runCliProcess(['approvals', 'show', String(actionId)], { env });
    expect(out.code, out.stderr).toBe(0);
    clean(out);
    expect(out.stdout).toContain('  reason:     monthly\\x1b[1A\\x1b[2K\\r  what:       15 USDC -> trusted grantee');
    expect(out.stdout.split('\n').filter((line) => line.trimStart().startsWith('what:'))).toEqual([expect.stringContaining('15,000 USDC')]);
    const list = await inProcess(['approvals', 'list']);
    expect(list.code).toBe(0);
    clean(list);
  }, 240_000);

  it('approvals reject: the operator-given reason is echoed escaped', async () => {
    const out = await inProcess(['approvals', 'reject', String(actionId), '--reason', HOSTILE, '--by', 'ops\x1b[2J']);
    expect(out.code, out.stderr).toBe(0);
    clean(out);
    expect(out.stdout).toContain('ops\\x1b[2J');
    const shown = await inProcess(['approvals', 'show', String(actionId)]);
    clean(shown);
    expect(shown.stdout).toContain('evil\\x1b]0;pwned\\x07');
  });

  it('runs list and runs show: errors, phase details and the report', async () => {
    const list = await inProcess(['runs', 'list']);
    expect(list.code, list.stderr).toBe(0);
    clean(list);
    expect(list.stdout).toContain('\\u202edesrever\\u200b');
    const show = await runCliProcess(['runs', 'show', '1'], { env });
    expect(show.code, show.stderr).toBe(0);
    clean(show);
    // The report escaped the table cell: exactly the columns of the header, however many pipes the model wrote.
    const row = show.stdout.split('\n').find((line) => line.startsWith(`| ${actionId} |`));
    expect(row?.replaceAll('\\|', '').split('|').length).toBe(7);
    expect(show.stdout).not.toMatch(/^# heading/m);
    expect(show.stdout).toContain('\\\\x1b');
  }, 240_000);

  it('policy check: deny reasons and errors that quote a hostile action file', async () => {
    const action = join(dir, 'action.json');
    writeFileSync(action, JSON.stringify({ kind: 'transfer', token: `USDC\x1b[2J\u202e`, amount: '10', to: GRANTEE }));
    const out = await runCli(['policy', 'check', '--policy', join(root, 'policies/treasury.yaml'), '--action', action]);
    expect([2, 3]).toContain(out.code);
    clean(out);
    expect(`${out.stdout}${out.stderr}`).toContain('USDC\\x1b[2J\\u202e');
  });

  it('errors naming hostile input: an agent name with escapes', async () => {
    const out = await inProcess(['run', `ghost\x1b]0;title\x07`]);
    expect(out.code).toBe(2);
    clean(out);
    expect(out.stderr).toContain('ghost\\x1b]0;title\\x07');
  });
});
