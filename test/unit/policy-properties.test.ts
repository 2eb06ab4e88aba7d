// Invariants of the policy engine over generated inputs: caps hold over any sequence, deny wins,
// verdicts are deterministic, reserves are never breached.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount } from '../../src/shared/amount.js';
import { createSpendLedger, evaluatePolicy, type LedgerEntry } from '../../src/policy/index.js';
import { priceFromDecimal } from '../../src/shared/index.js';
import { GRANTEE, NOW, STRANGER, TREASURY, VALIDATOR, context, policy } from './policy-fixtures.js';

const compiled = policy();
// Without the approval threshold more actions are allowed outright, so sequences reach the caps.
const uncapped = policy((config) => {
  delete config.approval.aboveUsd;
});
const DECIMALS: Record<string, number> = { USDC: 6, SOL: 9, JUP: 6 };
const PRICE: Record<string, [string, string]> = { USDC: ['1', '0.0001'], SOL: ['150', '0.1'], JUP: ['0.8', '0.001'] };

const step = fc.record({
  gapMs: fc.oneof(fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: 0, max: 30 * 3_600_000 })),
  token: fc.constantFrom('USDC', 'SOL', 'JUP'),
  units: fc.oneof(fc.bigInt({ min: 1n, max: 4_000_000_000n }), fc.integer({ min: 100_000_000, max: 4_000_000_000 }).map(BigInt)),
  kind: fc.constantFrom('transfer', 'swap', 'stake'),
});

function actionFor(s: { token: string; units: bigint; kind: string }): Record<string, unknown> {
  // SOL amounts are scaled so that every token reaches the caps within a few steps.
  const units = s.token === 'SOL' || s.kind === 'stake' ? s.units * 10n : s.units;
  const amount = formatAmount(units, s.kind === 'stake' ? 9 : (DECIMALS[s.token] ?? 6));
  if (s.kind === 'stake') return { kind: 'stake', amount, validator: VALIDATOR };
  if (s.kind === 'swap') return { kind: 'swap', from: s.token, to: s.token === 'USDC' ? 'SOL' : 'USDC', amount, maxSlippageBps: 30 };
  return { kind: 'transfer', token: s.token, amount, to: GRANTEE };
}

describe('policy properties', () => {
  it('no sequence of allowed actions exceeds any window cap or breaches a reserve', () => {
    let allowedTotal = 0;
    let deniedByWindow = 0;
    let deniedByReserve = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 15, maxLength: 60 }), (steps) => {
        const compiled = uncapped;
        const ledger = createSpendLedger();
        const allowed: LedgerEntry[] = [];
        const balances: Record<string, bigint> = { USDC: 30_000_000_000n, SOL: 200_000_000_000n, JUP: 40_000_000_000n };
        let now = NOW;
        for (const s of steps) {
          now += s.gapMs;
          const prices = Object.fromEntries(Object.entries(PRICE).map(([symbol, [p, c]]) => [symbol, priceFromDecimal(p, c, now)]));
          const verdict = evaluatePolicy(compiled, actionFor(s), {
            ...context(compiled),
            now,
            prices,
            balances: { ...balances },
            spent: ledger.windows(compiled, now),
          });
          if (verdict.rules.some((rule) => rule.id.startsWith('limit.window'))) deniedByWindow += 1;
          if (verdict.rules.some((rule) => rule.id === 'reserve')) deniedByReserve += 1;
          if (verdict.kind !== 'allow') continue;
          allowedTotal += 1;
          const action = verdict.action;
          if (!('outflow' in action)) continue;
          const entry = { at: now, token: action.outflow.token.symbol, amount: action.outflow.amount, usd: action.outflow.usd };
          ledger.append(entry);
          allowed.push(entry);
          const left = (balances[entry.token] ?? 0n) - entry.amount;
          balances[entry.token] = left;
          expect(left).toBeGreaterThanOrEqual(compiled.reserves.get(entry.token) ?? 0n);
        }
        // Every window ending at any allowed entry (the points where sums peak) stays within its caps.
        for (const end of allowed) {
          for (const window of compiled.windows) {
            const inside = allowed.filter((e) => e.at > end.at - window.ms && e.at <= end.at);
            const usd = inside.reduce((sum, e) => sum + (e.usd ?? 0n), 0n);
            if (window.usd !== undefined) expect(usd).toBeLessThanOrEqual(window.usd);
            for (const [symbol, cap] of window.tokens) {
              expect(inside.filter((e) => e.token === symbol).reduce((sum, e) => sum + e.amount, 0n)).toBeLessThanOrEqual(cap);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
    // The property means something only if both sides of the caps were reached.
    expect(allowedTotal).toBeGreaterThan(100);
    expect(deniedByWindow).toBeGreaterThan(100);
    expect(deniedByReserve).toBeGreaterThan(5);
  });

  const anyAction = fc.oneof(
    step.map(actionFor),
    fc.record(
      {
        kind: fc.constantFrom('transfer', 'swap', 'vote', 'teleport', 'none'),
        token: fc.constantFrom('USDC', 'SOL', 'usdc', 'BONK'),
        amount: fc.oneof(fc.string(), fc.constantFrom('-1', '1e9', '0', '1.0000000001', '99999999999999999999')),
        to: fc.constantFrom(GRANTEE, STRANGER, TREASURY, 'x'),
        reason: fc.string(),
      },
      { requiredKeys: ['kind'] },
    ),
    fc.anything(),
  );
  const anyContext = fc.record({
    paused: fc.boolean(),
    nowOffset: fc.integer({ min: -10 * 86_400_000, max: 10 * 86_400_000 }),
    priceAge: fc.integer({ min: -120_000, max: 600_000 }),
    spentUsd: fc.bigInt({ min: 0n, max: 40_000_000_000n }),
    usdcBalance: fc.bigInt({ min: 0n, max: 10_000_000_000_000n }),
    impact: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
  });
  const buildContext = (c: {
    paused: boolean;
    nowOffset: number;
    priceAge: number;
    spentUsd: bigint;
    usdcBalance: bigint;
    impact: number | undefined;
  }) => {
    const now = NOW + c.nowOffset;
    const prices = Object.fromEntries(
      Object.entries(PRICE).map(([symbol, [p, conf]]) => [symbol, priceFromDecimal(p, conf, now - c.priceAge)]),
    );
    const ledger = createSpendLedger([{ at: now - 1000, token: 'USDC', amount: c.spentUsd, usd: c.spentUsd }]);
    return {
      ...context(compiled),
      now,
      prices,
      paused: c.paused,
      spent: ledger.windows(compiled, now),
      balances: { USDC: c.usdcBalance, SOL: 100_000_000_000n, JUP: 0n },
      ...(c.impact === undefined ? {} : { swapRoute: { priceImpactBps: c.impact } }),
    };
  };

  it('deny always beats allow and approval; allow means no rule fired; paused always denies', () => {
    fc.assert(
      fc.property(anyAction, anyContext, (action, c) => {
        const verdict = evaluatePolicy(compiled, action, buildContext(c));
        const effects = verdict.rules.map((rule) => rule.effect);
        if (effects.includes('deny')) expect(verdict.kind).toBe('deny');
        else if (effects.includes('needs-approval')) expect(verdict.kind).toBe('needs-approval');
        else expect(verdict.kind).toBe('allow');
        if (verdict.kind === 'deny') expect(verdict.rules.length).toBeGreaterThan(0);
        if (c.paused) expect(verdict.kind).toBe('deny');
      }),
      { numRuns: 500 },
    );
  });

  it('same input, same verdict (also with a freshly compiled policy)', () => {
    fc.assert(
      fc.property(anyAction, anyContext, (action, c) => {
        const ctx = buildContext(c);
        const first = evaluatePolicy(compiled, action, ctx);
        expect(evaluatePolicy(policy(), structuredClone(action), buildContext(c))).toEqual(first);
      }),
      { numRuns: 200 },
    );
  });
});
