// Two installs (two databases) with the same agent key and the same decision: the memo carries
// each install's id, so they build different bytes — two distinct signatures, each journal
// counting only its own transfer — and `steward status` on one of them names the other's memo on
// the agent key. Also: a signature already journalled is never claimed by a second action, and
// the fence's reserve counts the observed balance minus unsettled outflows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/demo/addresses.js';
import { attemptsOf, decideAndRecord, journalContext, recordDecision } from '../../src/execute/index.js';
import { recordSignedAttempt } from '../../src/execute/attempts.js';
import { evaluatePolicy } from '../../src/policy/index.js';
import { readSpendWindows } from '../../src/execute/index.js';
import { installId, openStore, type Store } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { agentKeypair, demoContext, execute, startFixture, tokenBalance, usdc, type ExecFixture } from './execute-fixture.js';

let f: ExecFixture;
let other: Store;
const fast = { retry: { sleep: async () => {} }, confirm: { pollMs: 20, rebroadcastMs: 500, maxWaitMs: 20_000, expiryRecheckMs: 1 } };

beforeAll(async () => {
  f = await startFixture();
  other = openStore(join(tempDir('steward-install-b-'), 'steward.db'));
});
afterAll(async () => {
  other?.close();
  await f?.close();
});

describe('two installs, one agent key', () => {
  it('the same decision in two databases: two distinct signatures, each journal counts only its own, status names the other install', async () => {
    expect(installId(f.store.db)).toMatch(/^[0-9a-f]{16}$/);
    expect(installId(other.db)).not.toBe(installId(f.store.db));
    const payload = { kind: 'transfer', token: 'USDC', amount: '250', to: DEMO.grantee.toBase58() };
    const now = Date.now();
    const before = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const ids: number[] = [];
    for (const db of [f.store.db, other.db]) {
      const verdict = evaluatePolicy(f.policy, payload, demoContext(f.policy, now));
      ids.push(recordDecision({ db, policy: f.policy, agent: 'treasury-guardian', payload, verdict, now: new Date(now) }));
    }
    // Same action id and payload in both journals: only the install id tells the memos apart.
    expect(ids[0]).toBe(ids[1]);
    const outcomes = [];
    for (const db of [f.store.db, other.db]) {
      outcomes.push(await execute(f, ids[0] as number, { db, now, options: fast }));
    }
    expect(outcomes.map((o) => o.status)).toEqual(['confirmed', 'confirmed']);
    const [a, b] = outcomes.map((o) => ('signature' in o ? o.signature : ''));
    expect(a).not.toBe(b);
    expect((await tokenBalance(f.connection, DEMO.granteeUsdcAccount)) - before).toBe(usdc(500));
    for (const db of [f.store.db, other.db]) {
      expect(readSpendWindows(db, f.policy.name, f.policy, Date.now())['24h']?.tokens['USDC']).toBe(usdc(250));
      expect(attemptsOf(db, ids[0] as number)).toHaveLength(1);
    }

    // `steward status` on install A, against the chain: B's memo on the agent key needs a human.
    const keyFile = join(tempDir('steward-key-'), 'agent.json');
    writeFileSync(keyFile, JSON.stringify([...agentKeypair.secretKey]));
    const previous = process.env['STEWARD_KEYPAIR'];
    process.env['STEWARD_KEYPAIR'] = keyFile;
    try {
      const status = await runCli(['--url', f.running.url, '--db', f.dbPath, 'status']);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^NEEDS A HUMAN \(\d+\):/m);
      expect(status.stdout).toContain(`signed ${b} for ANOTHER install (${installId(other.db)}, action ${ids[0]})`);
      expect(status.stdout).not.toContain(`signed ${a} for ANOTHER`);
    } finally {
      if (previous === undefined) delete process.env['STEWARD_KEYPAIR'];
      else process.env['STEWARD_KEYPAIR'] = previous;
    }
  });

  it('a signature already journalled is never claimed by a second action', () => {
    const [row] = f.store.db.prepare("SELECT * FROM transactions WHERE state = 'confirmed' ORDER BY id LIMIT 1").all() as {
      signature: string;
      tx: string;
    }[];
    const payload = { kind: 'transfer', token: 'USDC', amount: '1', to: DEMO.grantee.toBase58() };
    const id = recordDecision({
      db: f.store.db,
      policy: f.policy,
      agent: 'treasury-guardian',
      payload,
      verdict: evaluatePolicy(f.policy, payload, demoContext(f.policy, Date.now())),
      now: new Date(),
    });
    f.store.db.prepare("UPDATE actions SET state = 'effects-checked' WHERE id = ?").run(id);
    expect(() =>
      recordSignedAttempt(
        f.store.db,
        {
          actionId: id,
          signature: row!.signature,
          tx: Buffer.from(row!.tx, 'base64'),
          blockhash: '11111111111111111111111111111111',
          lastValidBlockHeight: 1n,
          memo: 'x',
        },
        new Date(),
      ),
    ).toThrow(/already journalled for action \d+; action \d+ cannot claim it/);
    expect(attemptsOf(f.store.db, id)).toEqual([]);
    expect(f.store.db.prepare('SELECT state FROM actions WHERE id = ?').pluck().get(id)).toBe('effects-checked');
  });

  it('reserves count the observed balance minus outflows in flight: two decisions cannot both pass the reserve', () => {
    using store = openStore(':memory:');
    const now = Date.now();
    // Observed: 250,010 USDC; reserve 250,000: room for 10 USDC, whichever process asks first.
    const observed = {
      ...demoContext(f.policy, now),
      balances: { ...demoContext(f.policy, now).balances, USDC: usdc(250_010) },
      observedAt: now,
    };
    const payload = { kind: 'transfer', token: 'USDC', amount: '8', to: DEMO.grantee.toBase58() };
    const first = decideAndRecord({ db: store.db, policy: f.policy, agent: 'a', payload, observed, now: new Date(now) });
    const second = decideAndRecord({ db: store.db, policy: f.policy, agent: 'b', payload, observed, now: new Date(now) });
    expect(first.verdict.kind).toBe('allow');
    expect(second.verdict.kind).toBe('deny');
    expect(second.verdict.rules.map((rule) => rule.id)).toContain('reserve');
    expect(journalContext(store.db, f.policy, observed).balances['USDC']).toBe(usdc(250_002));
  });
});
