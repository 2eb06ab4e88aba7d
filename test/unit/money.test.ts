// The one model of money (src/shared/money): valuation rounds as asked and never through a
// float, and every USD style and token amount reads the way the CLI, reports and reviews show it.
import { describe, expect, it } from 'vitest';
import {
  deviationFromOneCentiBps,
  formatPrice,
  formatTokenAmount,
  formatUsd,
  priceFromDecimal,
  valueMicroUsd,
  type Price,
} from '../../src/shared/index.js';

const price = (mantissa: bigint, exponent: number): Pick<Price, 'mantissa' | 'exponent'> => ({ mantissa, exponent });

describe('valueMicroUsd', () => {
  it('is exact when it can be, and rounds down or up as named otherwise, for either sign', () => {
    // 250,000 USDC at $1.00000000.
    expect(valueMicroUsd(250_000_000_000n, 6, price(100_000_000n, -8), 'down')).toBe(250_000_000_000n);
    // 1 base unit of a 9-decimal token at $150: 0.15 micro-USD.
    expect(valueMicroUsd(1n, 9, price(15_000_000_000n, -8), 'down')).toBe(0n);
    expect(valueMicroUsd(1n, 9, price(15_000_000_000n, -8), 'up')).toBe(1n);
    expect(valueMicroUsd(-1n, 9, price(15_000_000_000n, -8), 'down')).toBe(0n);
    expect(valueMicroUsd(-1n, 9, price(15_000_000_000n, -8), 'up')).toBe(-1n);
    // Past 2^53 (where a float would round) the figure stays exact: (2^64 − 1) base units of a 6-decimal token at $1.
    expect(valueMicroUsd((1n << 64n) - 1n, 6, price(1n, 0), 'down')).toBe((1n << 64n) - 1n);
    // A positive exponent multiplies.
    expect(valueMicroUsd(2n, 0, price(3n, 2), 'down')).toBe(600_000_000n);
  });

  it('takes the same Price the CLI files give as decimals', () => {
    const sol = priceFromDecimal('150.25', '0.05', 1_000);
    expect(sol).toEqual({ mantissa: 15_025n, confidence: 5n, exponent: -2, publishTime: 1_000, trusted: true, reasons: [] });
    expect(valueMicroUsd(2_000_000_000n, 9, sol, 'down')).toBe(300_500_000n);
    expect(() => priceFromDecimal('1e3', '0', 0)).toThrow(TypeError);
  });
});

describe('formatUsd', () => {
  const micro = 1_234_567_891n; // $1,234.567891
  it.each([
    ['cents', '$1,234.56'],
    ['whole', '$1,234'],
    ['compact', '$1,234.56'],
    ['exact', '$1,234.567891'],
    ['figure', '1,234.567891'],
    ['decimal', '1234.567891'],
  ] as const)('%s style', (style, text) => {
    expect(formatUsd(micro, style)).toBe(text);
  });

  it('keeps the sign, pads cents, drops zero cents only where the style says, and never shows a missing price as $0', () => {
    expect(formatUsd(-250_000_000_000n, 'cents')).toBe('-$250,000.00');
    expect(formatUsd(250_000_000_000n, 'compact')).toBe('$250,000');
    expect(formatUsd(500_000n, 'compact')).toBe('$0.50');
    expect(formatUsd(9_500_500_000n, 'figure')).toBe('9,500.50');
    expect(formatUsd(0n, 'exact')).toBe('$0');
    expect(formatUsd(null, 'cents')).toBe('unpriced');
  });
});

describe('formatTokenAmount', () => {
  const usdc = { symbol: 'USDC', decimals: 6 };
  it('shows whole tokens with the symbol, separators and USD beside', () => {
    expect(formatTokenAmount(-250_000_000_000n, usdc, { usdMicro: -250_000_000_000n })).toBe('-250,000 USDC ($250,000)');
    expect(formatTokenAmount(1_234_567_500_000n, usdc)).toBe('1,234,567.5 USDC');
    expect(formatTokenAmount(20_000_000_000_000n, { symbol: 'DGOV', decimals: 6 }, { signed: true })).toBe('+20,000,000 DGOV');
    expect(formatTokenAmount(5n, usdc, { usdMicro: null })).toBe('0.000005 USDC');
  });

  it('names the mint when the symbol or even the decimals are unknown', () => {
    const mint = '7TYWxZ5nXyhpJJ2SvTHNGKDv7Vg8f1C8MpvwzpFhc5Qx';
    expect(formatTokenAmount(1_500_000n, { symbol: null, decimals: 6, mint })).toBe('1.5 of 7TYW…c5Qx');
    expect(formatTokenAmount(-250_000_000_000n, { symbol: null, decimals: null, mint })).toBe('-250000000000 base units of 7TYW…c5Qx');
  });
});

describe('prices', () => {
  it('prints exactly, and hostile exponents without expanding them', () => {
    expect(formatPrice(price(99_150_000n, -8))).toBe('0.9915');
    expect(formatPrice(price(5n, 2_147_483_647))).toBe('5e2147483647');
    expect(deviationFromOneCentiBps(price(99_150_000n, -8))).toBe(8_500n);
  });
});
