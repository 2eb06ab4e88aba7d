import { describe, expect, it } from 'vitest';
import { formatAmount, parseAmount, U64_MAX } from '../../src/shared/index.js';

describe('decimal amounts', () => {
  it('parses exactly into base units', () => {
    expect(parseAmount('2500.25', 6)).toEqual({ ok: true, value: 2_500_250_000n });
    expect(parseAmount('1', 9)).toEqual({ ok: true, value: 1_000_000_000n });
    expect(parseAmount('18446744073709.551615', 6)).toEqual({ ok: true, value: U64_MAX });
    expect(parseAmount('0', 6, { allowZero: true })).toEqual({ ok: true, value: 0n });
    expect(parseAmount('0.5', 6)).toEqual({ ok: true, value: 500_000n });
    expect(parseAmount('25000.00', 6)).toEqual({ ok: true, value: 25_000_000_000n });
    expect(parseAmount('10', 6)).toEqual({ ok: true, value: 10_000_000n });
  });

  it.each([
    ['-5', 6, 'amount must not be negative, got "-5"'],
    ['0', 6, 'amount must be greater than zero, got "0"'],
    ['1e6', 6, 'exponent notation is not accepted, write the amount out in full ("1e6")'],
    ['NaN', 6, 'expected a decimal string like "2500.00", got "NaN"'],
    ['1.2345678', 6, '"1.2345678" has 7 decimal places but the token has only 6; it will not be rounded'],
    ['18446744073709.551616', 6, '"18446744073709.551616" exceeds the largest token amount (u64)'],
    ['', 6, 'expected a decimal string like "2500.00", got ""'],
    [' 5', 6, 'amount must not have spaces around it, got " 5"'],
    ['5 ', 6, 'amount must not have spaces around it, got "5 "'],
    ['5\n', 6, 'amount must not have spaces around it, got "5\\n"'],
    ['+5', 6, 'amount must not carry a sign, got "+5"'],
    ['00005', 6, 'amount must not have superfluous leading zeros, got "00005" (write "5")'],
    ['00.5', 6, 'amount must not have superfluous leading zeros, got "00.5" (write "0.5")'],
  ] as const)('refuses %j with a reason', (input, decimals, reason) => {
    expect(parseAmount(input, decimals)).toEqual({ ok: false, reason });
  });

  it('refuses numbers: amounts are strings at the edge', () => {
    expect(parseAmount(5, 6)).toEqual({ ok: false, reason: 'expected a decimal string like "2500.00", got 5' });
  });

  it('formats base units without losing digits past 2^53', () => {
    expect(formatAmount(2_500_250_000n, 6)).toBe('2500.25');
    expect(formatAmount(U64_MAX, 6)).toBe('18446744073709.551615');
    expect(formatAmount(-1_500_000n, 6)).toBe('-1.5');
    expect(formatAmount(7n, 0)).toBe('7');
  });
});
