import { describe, expect, it } from 'vitest';
import type { Address } from '../../src/shared/address.js';
import { checkEffects, evaluatePolicy, type ResolvedAction, type TransactionEffects } from '../../src/policy/index.js';
import {
  GRANTEE,
  JUP_MINT,
  LOOKALIKE_MINT,
  STRANGER,
  TREASURY,
  TREASURY_JUP,
  TREASURY_USDC,
  USDC_MINT,
  context,
  policy,
  transfer,
} from './policy-fixtures.js';

const compiled = policy((config) => {
  config.allow.programs = [JUP_MINT as Address];
});
const ctx = context(compiled);
const TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const GRANTEE_USDC = 'Ho1yus2GaWLuCj1muyXfE8LZAZEzN9AsvQ8BCgF293et';
const ROUTER = JUP_MINT; // any address the test policy lists in allow.programs

function resolved(action: unknown): ResolvedAction {
  const verdict = evaluatePolicy(compiled, action, ctx);
  if (!verdict.action) throw new Error(`fixture action did not resolve: ${JSON.stringify(verdict.rules)}`);
  return verdict.action;
}

function effects(partial: Partial<TransactionEffects>): TransactionEffects {
  return { tokenAccounts: [], lamports: [], programs: [TOKEN], authorityChanges: [], ...partial };
}

const usdcMove = (amount: bigint, to = GRANTEE_USDC, owner = GRANTEE) => [
  { address: TREASURY_USDC, owner: TREASURY, mint: USDC_MINT, pre: 10_000_000_000n, post: 10_000_000_000n - amount },
  { address: to, owner, mint: USDC_MINT, pre: 0n, post: amount },
];

const ids = (verdict: { rules: readonly { id: string }[] }) => verdict.rules.map((rule) => rule.id);
const pay100 = resolved(transfer('100'));

describe('checkEffects', () => {
  it('allows effects that match the action exactly, or move less', () => {
    expect(checkEffects(compiled, pay100, effects({ tokenAccounts: usdcMove(100_000_000n) }), ctx)).toMatchObject({
      kind: 'allow',
      rules: [],
    });
    expect(checkEffects(compiled, pay100, effects({ tokenAccounts: usdcMove(99_000_000n) }), ctx).kind).toBe('allow');
  });

  it('denies an outflow larger than the action claimed', () => {
    const verdict = checkEffects(compiled, pay100, effects({ tokenAccounts: usdcMove(100_000_001n) }), ctx);
    expect(ids(verdict)).toEqual(['effects.outflow-exceeds']);
    expect(verdict.rules[0]?.reason).toBe(
      'the transaction moves 100.000001 USDC out of the treasury, more than the 100 the action claimed',
    );
  });

  it('denies an outflow of a token the action did not name, and of a mint outside the table', () => {
    const jup = { address: TREASURY_JUP, owner: TREASURY, mint: JUP_MINT, pre: 5n, post: 4n };
    expect(ids(checkEffects(compiled, pay100, effects({ tokenAccounts: [...usdcMove(1n), jup] }), ctx))).toEqual([
      'effects.unclaimed-outflow',
    ]);
    const lookalike = { address: STRANGER, owner: TREASURY, mint: LOOKALIKE_MINT, pre: 5n, post: 0n };
    expect(ids(checkEffects(compiled, pay100, effects({ tokenAccounts: [...usdcMove(1n), lookalike] }), ctx))).toEqual([
      'effects.unknown-token',
    ]);
    const sol = { address: TREASURY, pre: 10_000_000_000n, post: 9_000_000_000n };
    expect(ids(checkEffects(compiled, pay100, effects({ tokenAccounts: usdcMove(1n), lamports: [sol] }), ctx))).toEqual([
      'effects.unclaimed-outflow',
    ]);
  });

  it('denies tokens that land with someone other than the recipient', () => {
    expect(ids(checkEffects(compiled, pay100, effects({ tokenAccounts: usdcMove(100_000_000n, STRANGER, STRANGER) }), ctx))).toEqual([
      'effects.destination-mismatch',
    ]);
  });

  it('nets treasury-internal moves to zero', () => {
    const internal = resolved(transfer('100', TREASURY));
    const move = [
      { address: TREASURY_USDC, owner: TREASURY, mint: USDC_MINT, pre: 500_000_000n, post: 400_000_000n },
      { address: GRANTEE_USDC, owner: TREASURY, mint: USDC_MINT, pre: 0n, post: 100_000_000n },
    ];
    expect(checkEffects(compiled, internal, effects({ tokenAccounts: move }), ctx).kind).toBe('allow');
  });

  it('denies programs outside the base set and allow.programs', () => {
    expect(
      checkEffects(
        compiled,
        pay100,
        effects({ tokenAccounts: usdcMove(1n), programs: [TOKEN, ROUTER, 'ComputeBudget111111111111111111111111111111'] }),
        ctx,
      ).kind,
    ).toBe('allow');
    const verdict = checkEffects(compiled, pay100, effects({ tokenAccounts: usdcMove(1n), programs: [TOKEN, STRANGER] }), ctx);
    expect(ids(verdict)).toEqual(['effects.program-not-allowed']);
  });

  it('denies any authority, owner or delegate change on a treasury account', () => {
    for (const kind of ['owner', 'delegate', 'close-authority', 'close'] as const) {
      const change = { account: TREASURY_USDC, kind, from: TREASURY, to: STRANGER };
      expect(ids(checkEffects(compiled, pay100, effects({ tokenAccounts: usdcMove(1n), authorityChanges: [change] }), ctx))).toEqual([
        'effects.authority-change',
      ]);
    }
    const stolen = [{ address: TREASURY_USDC, owner: STRANGER, mint: USDC_MINT, pre: 5n, post: 5n }];
    expect(ids(checkEffects(compiled, pay100, effects({ tokenAccounts: stolen }), ctx))).toEqual(['effects.authority-change']);
    const elsewhere = { account: STRANGER, kind: 'delegate' as const, from: null, to: GRANTEE };
    expect(checkEffects(compiled, pay100, effects({ authorityChanges: [elsewhere] }), ctx).kind).toBe('allow');
  });

  it('denies when the database kill switch was set after the proposal', () => {
    expect(ids(checkEffects(compiled, pay100, effects({}), { ...ctx, paused: true }))).toEqual(['kill-switch.db']);
  });

  it('checks the realized value of a swap against slippage plus price impact', () => {
    const swap = resolved({ kind: 'swap', from: 'SOL', to: 'USDC', amount: '10', maxSlippageBps: 50 }); // 1,500 USD
    const swapEffects = (usdcOut: bigint) =>
      effects({
        lamports: [{ address: TREASURY, pre: 100_000_000_000n, post: 90_000_000_000n }],
        tokenAccounts: [{ address: TREASURY_USDC, owner: TREASURY, mint: USDC_MINT, pre: 0n, post: usdcOut }],
        programs: [TOKEN, ROUTER],
      });
    expect(checkEffects(compiled, swap, swapEffects(1_477_500_000n), ctx).kind).toBe('allow'); // 150 bps loss: at the bound
    const verdict = checkEffects(compiled, swap, swapEffects(1_477_499_999n), ctx);
    expect(ids(verdict)).toEqual(['swap.realized-loss']);
    expect(ids(checkEffects(compiled, swap, swapEffects(1_500_000_000n), { ...ctx, prices: {} }))).toEqual(['oracle.untrusted']);
    // Selling more than claimed is caught as an outflow, whatever came back.
    const more = effects({
      lamports: [{ address: TREASURY, pre: 100_000_000_000n, post: 80_000_000_000n }],
      tokenAccounts: [{ address: TREASURY_USDC, owner: TREASURY, mint: USDC_MINT, pre: 0n, post: 4_000_000_000n }],
    });
    expect(ids(checkEffects(compiled, swap, more, ctx))).toEqual(['effects.outflow-exceeds']);
  });

  it('denies any outflow for a vote', () => {
    const vote = resolved({ kind: 'vote', proposal: STRANGER, choice: 'yes' });
    expect(checkEffects(compiled, vote, effects({}), ctx).kind).toBe('allow');
    expect(ids(checkEffects(compiled, vote, effects({ tokenAccounts: usdcMove(1n) }), ctx))).toEqual(['effects.unclaimed-outflow']);
  });
});
