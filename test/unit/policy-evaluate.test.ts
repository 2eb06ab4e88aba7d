import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy, ledgerColumns, verdictKind, type FiredRule } from '../../src/policy/index.js';
import { priceFromDecimal } from '../../src/shared/index.js';
import { isStewardError } from '../../src/errors/index.js';
import type { Address } from '../../src/shared/address.js';
import {
  GRANTEE,
  JUP_MINT,
  LOOKALIKE_MINT,
  NOW,
  STRANGER,
  TREASURY,
  USDC_MINT,
  VALIDATOR,
  context,
  policy,
  policyConfig,
  prices,
  transfer,
  usdc,
} from './policy-fixtures.js';

const base = policy();
const ids = (verdict: { rules: readonly FiredRule[] }) => verdict.rules.map((rule) => rule.id);
const evaluate = (action: unknown, overrides: Parameters<typeof context>[1] = {}, compiled = base) =>
  evaluatePolicy(compiled, action, context(compiled, overrides));

describe('evaluatePolicy: allow', () => {
  it('allows a transfer within every limit and resolves it to base units and USD', () => {
    const verdict = evaluate(transfer('1500.25'));
    expect(verdict).toMatchObject({ kind: 'allow', rules: [] });
    expect(verdict.action).toMatchObject({ kind: 'transfer', amount: 1_500_250_000n, internal: false, outflow: { usd: 1_500_250_000n } });
    expect(ledgerColumns(verdict.action!)).toEqual({
      token: 'USDC',
      mint: USDC_MINT,
      amount: '1500250000',
      usd: '1500.25',
      destination: GRANTEE,
    });
  });

  it('allows none, a token named by its mint, and a transfer to the treasury', () => {
    expect(evaluate({ kind: 'none', reason: 'balanced' }).kind).toBe('allow');
    expect(evaluate(transfer('10', GRANTEE, JUP_MINT)).action).toMatchObject({ token: { symbol: 'JUP' } });
    expect(evaluate(transfer('10', TREASURY)).action).toMatchObject({ internal: true });
  });
});

describe('evaluatePolicy: kill switch, kinds, shape', () => {
  it('denies everything, even none, when paused in the file or in the database', () => {
    const paused = policy((config) => {
      config.paused = true;
    });
    expect(ids(evaluate({ kind: 'none', reason: 'x' }, {}, paused))).toEqual(['kill-switch.file']);
    expect(ids(evaluate(transfer('1'), { paused: true }))).toEqual(['kill-switch.db']);
  });

  it('denies unknown kinds, malformed actions and kinds the policy does not allow', () => {
    expect(ids(evaluate({ kind: 'teleport', amount: '1' }))).toEqual(['action.kind-unknown']);
    expect(ids(evaluate(null))).toEqual(['action.invalid']);
    expect(ids(evaluate({ kind: 'transfer', token: 'USDC', amount: 5, to: GRANTEE }))).toEqual(['action.invalid']);
    expect(evaluate({ kind: 'transfer', token: 'USDC', amount: '1', to: GRANTEE, extra: 1 }).rules[0]?.reason).toMatch(
      /unknown field\(s\) extra/,
    );
    const onlyNone = policy((config) => {
      config.allow.actions = ['none'];
    });
    expect(ids(evaluate(transfer('1'), {}, onlyNone))).toEqual(['action.kind-not-allowed']);
  });

  it('denies invalid addresses that pass the model-facing pattern', () => {
    expect(ids(evaluate(transfer('1', '1111111111111111111111111111111111111111111')))).toEqual(['address.invalid']);
  });
});

describe('evaluatePolicy: tokens and amounts', () => {
  it('denies unknown tokens, a look-alike mint, and a wrong-case symbol', () => {
    expect(ids(evaluate(transfer('1', GRANTEE, 'BONK')))).toEqual(['token.unknown']);
    expect(ids(evaluate(transfer('1', GRANTEE, LOOKALIKE_MINT)))).toEqual(['token.unknown']);
    expect(evaluate(transfer('1', GRANTEE, 'usdc')).rules[0]?.reason).toMatch(/did you mean "USDC"/);
    expect(ids(evaluate(transfer('1', GRANTEE, 'native')))).toEqual(['token.unknown']);
  });

  it.each([
    ['1.0000001', /7 decimal places but the token has only 6; it will not be rounded/],
    ['-5', /must not be negative/],
    ['0', /greater than zero/],
    ['0.000000', /greater than zero/],
    ['1e3', /exponent notation/],
    ['NaN', /expected a decimal string/],
    ['Infinity', /expected a decimal string/],
    ['1,000', /expected a decimal string/],
    ['0x10', /expected a decimal string/],
    ['18446744073709.551616', /exceeds the largest token amount/],
  ])('denies the amount %s with a reason, never rounding', (amount, reason) => {
    const verdict = evaluate(transfer(amount));
    expect(ids(verdict)).toEqual(['amount.invalid']);
    expect(verdict.rules[0]?.reason).toMatch(reason);
  });

  it('accepts the largest u64 amount as a number and then denies it by limits', () => {
    expect(ids(evaluate(transfer('18446744073709.551615')))).toContain('limit.per-tx.token');
  });
});

describe('evaluatePolicy: limits', () => {
  it('denies above the per-transaction token and USD caps', () => {
    expect(ids(evaluate(transfer('4000.000001')))).toContain('limit.per-tx.token');
    const verdict = evaluate(transfer('34', GRANTEE, 'SOL')); // 5,100 USD
    expect(ids(verdict)).toContain('limit.per-tx.usd');
    expect(verdict.rules.find((r) => r.id === 'limit.per-tx.usd')?.reason).toBe('per-transaction USD cap: 5,100 requested > 5,000');
  });

  it('denies when a rolling window would overflow, with the figures in the reason', () => {
    const ledger = [{ at: NOW - 3_600_000, token: 'SOL', amount: 63_333_333_333n, usd: 9_500_000_000n }];
    expect(evaluate(transfer('625', GRANTEE, 'JUP'), { ledger }).kind).toBe('allow'); // 500 USD: fits exactly
    expect(ids(evaluate(transfer('625.000002', GRANTEE, 'JUP'), { ledger }))).toEqual(['limit.window.usd']);
    const over = evaluate(transfer('1000'), { ledger });
    expect(over.rules).toContainEqual({
      id: 'limit.window.usd',
      effect: 'deny',
      reason: '24h USD window: 9,500 spent + 1,000 requested > 10,000',
    });
  });

  it('forgets spend older than the window but keeps it in longer windows', () => {
    const ledger = [{ at: NOW - 25 * 3_600_000, token: 'USDC', amount: usdc(9_999), usd: usdc(9_999) }];
    expect(evaluate(transfer('1000'), { ledger }).kind).toBe('allow');
    const week = [{ at: NOW - 2 * 86_400_000, token: 'USDC', amount: usdc(29_500), usd: usdc(29_500) }];
    expect(ids(evaluate(transfer('1000'), { ledger: week }))).toEqual(['limit.window.usd']);
  });

  it('denies the per-token window', () => {
    const ledger = [{ at: NOW - 1000, token: 'USDC', amount: usdc(7_500), usd: usdc(0) }];
    expect(ids(evaluate(transfer('600'), { ledger }))).toEqual(['limit.window.token']);
  });

  it("values earlier unpriced spend at today's price, and denies when that price is untrusted", () => {
    const ledger = [{ at: NOW - 1000, token: 'SOL', amount: 60_000_000_000n, usd: undefined }]; // 9,000 USD today
    expect(ids(evaluate(transfer('1500'), { ledger }))).toEqual(['limit.window.usd']);
    const stale = { ...prices, SOL: priceFromDecimal('150', '0.1', NOW - 120_000) };
    expect(ids(evaluate(transfer('10'), { ledger, prices: stale }))).toContain('oracle.untrusted');
  });

  it('denies when the ledger figures for a window are missing', () => {
    expect(ids(evaluate(transfer('1'), { spent: {} }))).toEqual(['ledger.window-missing', 'ledger.window-missing']);
  });

  it('keeps reserves, refuses overdrafts, and denies when a reserved balance is unknown', () => {
    expect(ids(evaluate(transfer('10'), { balances: { USDC: usdc(1_005) } }))).toEqual(['reserve']);
    expect(evaluate(transfer('10'), { balances: { USDC: usdc(1_005) } }).rules[0]?.reason).toBe(
      'USDC reserve: 1005 held - 10 requested < 1000 reserve',
    );
    expect(evaluate(transfer('5'), { balances: { USDC: usdc(1_005) } }).kind).toBe('allow');
    expect(ids(evaluate(transfer('10'), { balances: {} }))).toEqual(['reserve.balance-unknown']);
    expect(ids(evaluate(transfer('10', GRANTEE, 'JUP'), { balances: { JUP: usdc(5) } }))).toEqual(['reserve']);
    expect(evaluate(transfer('10', GRANTEE, 'JUP'), { balances: {} }).kind).toBe('allow');
  });
});

describe('evaluatePolicy: oracle', () => {
  it.each([
    ['missing', {}, /no price for USDC/],
    ['stale', { USDC: priceFromDecimal('1', '0', NOW - 61_000) }, /61s old \(limit 60s\)/],
    ['from the future', { USDC: priceFromDecimal('1', '0', NOW + 120_000) }, /in the future/],
    ['too uncertain', { USDC: priceFromDecimal('1', '0.02', NOW) }, /±200 bps \(limit 100 bps\)/],
    ['zero', { USDC: priceFromDecimal('0', '0', NOW) }, /not positive/],
  ])('denies a USD-limited outflow when the price is %s', (_name, table, reason) => {
    const verdict = evaluate(transfer('10'), { prices: table });
    expect(ids(verdict)).toEqual(['oracle.untrusted']);
    expect(verdict.rules[0]?.reason).toMatch(reason);
  });

  it('does not need a price when no USD rule exists', () => {
    const noUsd = policy((config) => {
      delete config.limits.perTx.usd;
      config.limits.windows = [];
      delete config.approval.aboveUsd;
    });
    expect(evaluate(transfer('10'), { prices: {} }, noUsd).kind).toBe('allow');
  });
});

describe('evaluatePolicy: destinations, swaps, stakes, approvals, hours', () => {
  it('denies destinations outside the allow-list', () => {
    expect(ids(evaluate(transfer('10', STRANGER)))).toEqual(['destination.not-allowed']);
    const noTreasury = policy((config) => {
      config.allow.destinations = [GRANTEE as Address];
    });
    expect(ids(evaluate(transfer('10', TREASURY), {}, noTreasury))).toEqual(['destination.not-allowed']);
  });

  it('bounds swap slippage and a quoted price impact, and refuses a swap to the same token', () => {
    const swap = (bps: number) => ({ kind: 'swap', from: 'SOL', to: 'USDC', amount: '2', maxSlippageBps: bps });
    expect(evaluate(swap(50)).kind).toBe('allow');
    expect(ids(evaluate(swap(51)))).toEqual(['swap.slippage']);
    expect(ids(evaluate(swap(10), { swapRoute: { priceImpactBps: 101 } }))).toEqual(['swap.price-impact']);
    expect(ids(evaluate({ kind: 'swap', from: 'USDC', to: USDC_MINT, amount: '2', maxSlippageBps: 1 }))).toEqual(['swap.same-token']);
    expect(ids(evaluate({ kind: 'swap', from: 'USDC', to: 'BONK', amount: '2', maxSlippageBps: 1 }))).toEqual(['token.unknown']);
  });

  it('stakes SOL against the SOL limits and an optional validator list', () => {
    expect(evaluate({ kind: 'stake', amount: '10', validator: VALIDATOR }).kind).toBe('allow');
    expect(ids(evaluate({ kind: 'stake', amount: '990.5', validator: VALIDATOR }))).toContain('reserve');
    const listed = policy((config) => {
      config.allow.validators = [GRANTEE as Address];
    });
    expect(ids(evaluate({ kind: 'stake', amount: '1', validator: VALIDATOR }, {}, listed))).toEqual(['validator.not-allowed']);
    expect(ids(evaluate({ kind: 'stake', amount: '0.0000000001', validator: VALIDATOR }))).toEqual(['amount.invalid']);
  });

  it('asks for approval above the USD threshold and for the listed kinds', () => {
    expect(ids(evaluate(transfer('2000.01')))).toEqual(['approval.above-usd']);
    expect(ids(evaluate({ kind: 'vote', proposal: STRANGER, choice: 'no' }))).toEqual(['approval.kind']);
    expect(ids(evaluate({ kind: 'unstake', stakeAccount: STRANGER }))).toEqual(['approval.kind']);
    expect(evaluate({ kind: 'unstake', stakeAccount: STRANGER, amount: '1.5' }).action).toMatchObject({ amount: 1_500_000_000n });
  });

  it('denies outside active hours, including ranges past midnight', () => {
    const hours = policy((config) => {
      config.activeHours = [
        { days: ['wed'], from: '09:00', to: '17:00' },
        { days: ['fri'], from: '22:00', to: '02:00' },
      ];
    });
    const at = (iso: string) =>
      evaluate(
        transfer('1'),
        {
          now: Date.parse(iso),
          prices: {
            USDC: priceFromDecimal('1', '0', Date.parse(iso)),
            SOL: priceFromDecimal('150', '0', Date.parse(iso)),
          },
        },
        hours,
      );
    expect(at('2025-06-04T12:00:00Z').kind).toBe('allow');
    expect(ids(at('2025-06-04T17:00:00Z'))).toEqual(['active-hours']);
    expect(at('2025-06-04T17:00:00Z').rules[0]?.reason).toBe("wed 17:00 UTC is outside the policy's active hours");
    expect(at('2025-06-06T23:30:00Z').kind).toBe('allow');
    expect(at('2025-06-07T01:59:00Z').kind).toBe('allow');
    expect(ids(at('2025-06-07T02:00:00Z'))).toEqual(['active-hours']);
  });
});

describe('verdict precedence', () => {
  it.each([
    [[], 'allow'],
    [['needs-approval'], 'needs-approval'],
    [['deny'], 'deny'],
    [['needs-approval', 'deny'], 'deny'],
    [['deny', 'needs-approval'], 'deny'],
    [['needs-approval', 'needs-approval'], 'needs-approval'],
  ] as const)('%j → %s', (effects, expected) => {
    expect(verdictKind(effects.map((effect) => ({ id: 'reserve', effect, reason: '' })))).toBe(expected);
  });

  it('a deny and an approval together deny, and list both', () => {
    const verdict = evaluate({ kind: 'transfer', token: 'USDC', amount: '3000', to: STRANGER });
    expect(verdict.kind).toBe('deny');
    expect(ids(verdict).sort()).toEqual(['approval.above-usd', 'destination.not-allowed']);
  });
});

describe('compilePolicy', () => {
  it('refuses limits on unknown tokens and limits more precise than their token', () => {
    const config = policyConfig();
    config.limits.perTx.tokens = { BONK: '1', USDC: '1.0000001' };
    let error: unknown;
    try {
      compilePolicy(config);
    } catch (thrown) {
      error = thrown;
    }
    expect(isStewardError(error) && error.code).toBe('CONFIG_INVALID');
    expect(isStewardError(error) && error.details).toEqual([
      'limits.perTx.tokens.BONK: no token "BONK" in the tokens table (known: SOL, USDC, JUP)',
      'limits.perTx.tokens.USDC: "1.0000001" has 7 decimal places but the token has only 6; it will not be rounded',
    ]);
  });

  it('compiles the shipped example', () => {
    const compiled = compilePolicy(policyConfig(readFileSync('policies/treasury.yaml', 'utf8')));
    expect(compiled.windows.map((w) => [w.label, w.usd])).toEqual([
      ['24h', 50_000_000_000n],
      ['7d', 150_000_000_000n],
    ]);
  });
});
