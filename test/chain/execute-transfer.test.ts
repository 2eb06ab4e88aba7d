// Delegate transfers end to end on the embedded chain: within the allowance it lands with the
// decision memo; over the allowance it is refused before anything is signed; with the
// off-chain checks bypassed (test-only) the token program itself refuses and 0 tokens move.
import { getAccount } from '@solana/spl-token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/demo/addresses.js';
import { attemptsOf, decisionMemo, readAction } from '../../src/execute/index.js';
import { installId } from '../../src/store/index.js';
import { injectAllowance } from '../helpers/inject-allowance.js';
import { execute, FAST, propose, startFixture, tokenBalance, usdc, type ExecFixture } from './execute-fixture.js';

let f: ExecFixture;

beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f?.close();
});

const run = (id: number, mode: 'dry-run' | 'execute' = 'execute', extra = {}) => execute(f, id, { mode, options: { ...FAST, ...extra } });

describe('delegate transfer', () => {
  it('lands within the allowance, once, with the decision memo, and the journal matches the chain', async () => {
    const treasuryBefore = await tokenBalance(f.connection, DEMO.treasuryTokenAccounts.USDC);
    const granteeBefore = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const { id, verdict } = propose(f, {
      kind: 'transfer',
      token: 'USDC',
      amount: '1500',
      to: DEMO.grantee.toBase58(),
      reason: 'monthly retainer',
    });
    expect(verdict).toBe('allow');
    const outcome = await run(id);
    expect(outcome.status).toBe('confirmed');
    if (outcome.status !== 'confirmed') return;
    expect(await tokenBalance(f.connection, DEMO.treasuryTokenAccounts.USDC)).toBe(treasuryBefore - usdc(1500));
    expect(await tokenBalance(f.connection, DEMO.granteeUsdcAccount)).toBe(granteeBefore + usdc(1500));
    const account = await getAccount(f.connection, DEMO.treasuryTokenAccounts.USDC, 'confirmed');
    expect(account.delegatedAmount).toBe(usdc(50_000 - 1500));
    expect(readAction(f.store.db, id).state).toBe('confirmed');
    const attempts = attemptsOf(f.store.db, id);
    expect(attempts.map((a) => [a.state, a.signature])).toEqual([['confirmed', outcome.signature]]);
    const tx = await f.connection.getTransaction(outcome.signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' });
    const row = readAction(f.store.db, id);
    expect(tx?.meta?.logMessages?.join('\n')).toContain(decisionMemo(installId(f.store.db), id, row.payload));
    // Executing again is a no-op that reports the same landed transaction.
    const again = await run(id);
    expect(again).toMatchObject({ status: 'confirmed', signature: outcome.signature });
    expect(await tokenBalance(f.connection, DEMO.treasuryTokenAccounts.USDC)).toBe(treasuryBefore - usdc(1500));
  });

  it('creates the recipient token account when missing and dry-run reports effects without signing', async () => {
    // The grantee has no USDT account yet: the transaction creates it (agent pays the rent).
    const { id, verdict } = propose(f, { kind: 'transfer', token: 'USDT', amount: '10', to: DEMO.grantee.toBase58() });
    expect(verdict).toBe('allow');
    const outcome = await run(id, 'dry-run');
    expect(outcome.status).toBe('dry-run');
    if (outcome.status !== 'dry-run') return;
    expect(outcome.notes.join('\n')).toContain("creates the recipient's associated token account");
    expect(outcome.effects.programs).toEqual(
      expect.arrayContaining(['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL']),
    );
    const treasuryDelta = outcome.effects.tokenAccounts.find((a) => a.address === DEMO.treasuryTokenAccounts.USDT.toBase58());
    expect(treasuryDelta && treasuryDelta.pre - treasuryDelta.post).toBe(usdc(10));
    expect(outcome.unitsConsumed).toBeGreaterThan(0);
    expect(attemptsOf(f.store.db, id)).toEqual([]);
    expect(readAction(f.store.db, id).state).toBe('dry-run');
  });

  it('refuses, before signing, an action larger than the remaining on-chain allowance', async () => {
    injectAllowance(f.running.chain, DEMO.treasuryTokenAccounts.USDC, DEMO.agent, usdc(100));
    const before = await tokenBalance(f.connection, DEMO.treasuryTokenAccounts.USDC);
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '250', to: DEMO.grantee.toBase58() });
    const outcome = await run(id);
    expect(outcome).toMatchObject({ status: 'refused', stage: 'allowance' });
    if (outcome.status === 'refused') {
      expect(outcome.reason).toContain('has 100 left');
      expect(outcome.hint).toContain('the DAO must grant more');
    }
    expect(attemptsOf(f.store.db, id)).toEqual([]);
    expect(readAction(f.store.db, id).state).toBe('effects-refused');
    expect(await tokenBalance(f.connection, DEMO.treasuryTokenAccounts.USDC)).toBe(before);
  });

  it('with every off-chain check bypassed, the token program itself refuses: 0 tokens beyond the allowance move', async () => {
    injectAllowance(f.running.chain, DEMO.treasuryTokenAccounts.USDC, DEMO.agent, usdc(100));
    const before = await tokenBalance(f.connection, DEMO.treasuryTokenAccounts.USDC);
    const granteeBefore = await tokenBalance(f.connection, DEMO.granteeUsdcAccount);
    const { id } = propose(f, { kind: 'transfer', token: 'USDC', amount: '250', to: DEMO.grantee.toBase58() });
    process.env['STEWARD_TEST_HOOKS'] = '1';
    try {
      const outcome = await run(id, 'execute', { testOnlyBypassOffChainChecks: true });
      expect(outcome.status).toBe('failed');
      if (outcome.status === 'failed') {
        expect(outcome.error).toContain('"Custom":1');
        expect(outcome.logs.join('\n')).toMatch(/insufficient funds/i);
      }
    } finally {
      delete process.env['STEWARD_TEST_HOOKS'];
    }
    expect(await tokenBalance(f.connection, DEMO.treasuryTokenAccounts.USDC)).toBe(before);
    expect(await tokenBalance(f.connection, DEMO.granteeUsdcAccount)).toBe(granteeBefore);
    expect(readAction(f.store.db, id).state).toBe('failed');
    injectAllowance(f.running.chain, DEMO.treasuryTokenAccounts.USDC, DEMO.agent, usdc(50_000));
  });
});
