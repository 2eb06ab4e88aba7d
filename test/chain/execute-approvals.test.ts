// Human approvals against the embedded chain: approve → re-check → execute; reject; expire
// (never executes); approve after prices moved → re-evaluated and denied, nothing sent; approve
// while paused → refused before anything is consumed (exit 3 through the CLI), still pending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/demo/addresses.js';
import { approveAction, attemptsOf, getApproval, listApprovals, readAction, rejectApproval } from '../../src/execute/index.js';
import { setPaused } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { demoContext, execute, propose, startFixture, tokenBalance, usdc, type ExecFixture } from './execute-fixture.js';

let f: ExecFixture;
const large = () => ({ kind: 'transfer', token: 'USDC', amount: '12000', to: DEMO.grantee.toBase58(), reason: 'quarterly audit' });

beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('approvals', () => {
  it('a needs-approval verdict waits; approving re-checks, records who and when, then it executes', async () => {
    const now = Date.now();
    const { id, verdict } = propose(f, large(), now);
    expect(verdict).toBe('needs-approval');
    expect(readAction(f.store.db, id).state).toBe('pending-approval');
    const pending = listApprovals(f.store.db, new Date(now));
    expect(pending.map((p) => p.action_id)).toContain(id);
    expect(Date.parse(pending.find((p) => p.action_id === id)?.expires_at ?? '') - now).toBe(24 * 3600_000);

    // Not executable while pending.
    const early = await execute(f, id, { now });
    expect(early).toMatchObject({ status: 'refused', stage: 'state' });

    const before = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const decision = approveAction(f.store.db, f.policy, id, 'alice', demoContext(f.policy, now + 60_000), new Date(now + 60_000));
    expect(decision.kind).toBe('approved');
    const approval = getApproval(f.store.db, id, new Date(now + 60_000));
    expect(approval).toMatchObject({ status: 'approved', decided_by: 'alice', decided_at: new Date(now + 60_000).toISOString() });
    const outcome = await execute(f, id, { now });
    expect(outcome.status).toBe('confirmed');
    expect((await tokenBalance(f.connection, DEMO.granteeUsdcAccount)) - before).toBe(usdc(12_000));
  });

  it('a rejected approval is recorded with its reason and never executes', async () => {
    const now = Date.now();
    const { id } = propose(f, large(), now);
    rejectApproval(f.store.db, id, 'bob', 'not budgeted', new Date(now));
    expect(getApproval(f.store.db, id, new Date(now))).toMatchObject({ status: 'rejected', decided_by: 'bob', reason: 'not budgeted' });
    expect(readAction(f.store.db, id).state).toBe('rejected');
    expect(() => approveAction(f.store.db, f.policy, id, 'alice', demoContext(f.policy, now), new Date(now))).toThrow(/rejected/);
  });

  it('an expired approval cannot be approved and never executes', async () => {
    const now = Date.now();
    const { id } = propose(f, large(), now);
    const later = new Date(now + 24 * 3600_000 + 1);
    expect(() => approveAction(f.store.db, f.policy, id, 'alice', demoContext(f.policy, later.getTime()), later)).toThrow(/expired/);
    expect(readAction(f.store.db, id).state).toBe('approval-expired');
    const outcome = await execute(f, id, { now: later.getTime() });
    expect(outcome).toMatchObject({ status: 'refused', stage: 'state' });
    expect(attemptsOf(f.store.db, id)).toEqual([]);
  });

  it('approving after prices moved re-evaluates and denies: nothing is sent', async () => {
    const now = Date.now();
    const { id } = propose(f, large(), now);
    // USDC now priced at 2.5: 12,000 USDC is 30,000 USD, above the 25,000 USD per-transaction cap.
    const decision = approveAction(f.store.db, f.policy, id, 'alice', demoContext(f.policy, now, { USDC: '2.5' }), new Date(now));
    expect(decision.kind).toBe('denied-on-recheck');
    expect(decision.kind === 'denied-on-recheck' && decision.rules.map((r) => r.id)).toContain('limit.per-tx.usd');
    expect(readAction(f.store.db, id)).toMatchObject({ state: 'denied' });
    expect(getApproval(f.store.db, id, new Date(now))).toMatchObject({ status: 'approved', decided_by: 'alice' });
    const outcome = await execute(f, id, { now });
    expect(outcome).toMatchObject({ status: 'refused', stage: 'state' });
  });

  it('approving while paused is refused before anything is consumed: the request stays pending (exit 3 through the CLI)', async () => {
    const now = Date.now();
    const { id } = propose(f, large(), now);
    setPaused(f.store.db, true, 'incident 42', new Date(now));
    try {
      const decision = approveAction(f.store.db, f.policy, id, 'alice', demoContext(f.policy, now), new Date(now));
      expect(decision).toMatchObject({ kind: 'paused', reason: 'incident 42', since: new Date(now).toISOString() });
      expect(getApproval(f.store.db, id, new Date(now))).toMatchObject({ status: 'pending', decided_by: null });
      expect(readAction(f.store.db, id).state).toBe('pending-approval');
      const cli = await runCli(['--db', f.dbPath, '--url', f.running.url, 'approvals', 'approve', String(id), '--by', 'alice']);
      expect(cli.code).toBe(3);
      expect(cli.stderr).toContain(`Steward is paused (incident 42, since ${new Date(now).toISOString()}); resume first`);
      expect(getApproval(f.store.db, id, new Date())).toMatchObject({ status: 'pending', decided_by: null });
      expect(attemptsOf(f.store.db, id)).toEqual([]);
    } finally {
      setPaused(f.store.db, false, undefined, new Date());
    }
  });
});
