import { describe, expect, it } from 'vitest';
import { Keypair } from '@solana/web3.js';
import { PriceStatus, parsePriceData } from '@pythnetwork/client';
import { DEMO_MINTS, SOL_PRICE } from '../../src/demo/addresses.js';
import { encodePythPriceAccount, PythStatus, PYTH_PRICE_ACCOUNT_SIZE } from '../../src/demo/seed/pyth-price-account.js';
import { DEMO_FEED_SYMBOLS, DEMO_PRICE_FEEDS, demoPriceAccountData } from '../../src/demo/seed/pyth.js';

const clock = { slot: 50_000n, unixTimestamp: 1_760_000_000n };

describe('Pyth price accounts', () => {
  it('round-trips through @pythnetwork/client parsePriceData', () => {
    const product = Keypair.generate().publicKey;
    const publishers = [Keypair.generate().publicKey, Keypair.generate().publicKey];
    const data = encodePythPriceAccount({
      exponent: -8,
      price: 15_012_345_678n,
      confidence: 7_500_000n,
      status: PythStatus.Trading,
      publishSlot: 1_000n,
      timestamp: 1_760_000_000n,
      productAccount: product,
      publishers,
    });
    expect(data.length).toBe(PYTH_PRICE_ACCOUNT_SIZE);
    const parsed = parsePriceData(Buffer.from(data), 1_010);
    expect(parsed.status).toBe(PriceStatus.Trading);
    expect(parsed.aggregate.priceComponent).toBe(15_012_345_678n);
    expect(parsed.aggregate.confidenceComponent).toBe(7_500_000n);
    expect(parsed.price).toBeCloseTo(150.12345678, 8);
    expect(parsed.confidence).toBeCloseTo(0.075, 8);
    expect(parsed.exponent).toBe(-8);
    expect(parsed.timestamp).toBe(1_760_000_000n);
    expect(parsed.aggregate.publishSlot).toBe(1_000);
    expect(parsed.productAccountKey.equals(product)).toBe(true);
    expect(parsed.nextPriceAccountKey).toBeNull();
    expect(parsed.priceComponents.map((c) => c.publisher.toBase58())).toEqual(publishers.map((p) => p.toBase58()));
    expect(parsed.priceComponents[1]?.latest.priceComponent).toBe(15_012_345_678n);
    expect(parsed.emaPrice.valueComponent).toBe(15_012_345_678n);
    // The parser's own staleness rule: more than 25 slots behind the current slot.
    expect(parsePriceData(Buffer.from(data), 1_026).status).toBe(PriceStatus.Unknown);
  });

  it('publishes the demo feeds: fresh at the clock, JUP an hour stale, USDT off its peg', () => {
    for (const symbol of DEMO_FEED_SYMBOLS) {
      const parsed = parsePriceData(Buffer.from(demoPriceAccountData(symbol, clock)), Number(clock.slot));
      const stale = symbol === 'JUP';
      expect(parsed.aggregate.status, symbol).toBe(PriceStatus.Trading);
      expect(parsed.status, symbol).toBe(stale ? PriceStatus.Unknown : PriceStatus.Trading);
      expect(parsed.timestamp, symbol).toBe(stale ? clock.unixTimestamp - 3_600n : clock.unixTimestamp);
      expect(parsed.aggregate.publishSlot, symbol).toBe(stale ? 50_000 - 9_000 : 50_000);
      // Confidence stays within 1 % of the price (the policy's maxConfidenceBps is 100).
      expect(parsed.aggregate.confidence / parsed.aggregate.price, symbol).toBeLessThan(0.01);
    }
    expect(parsePriceData(Buffer.from(demoPriceAccountData('USDT', clock))).aggregate.price).toBeCloseTo(0.9915, 8);
  });

  it('agrees with the prices addresses.ts advertises', () => {
    expect(Number(DEMO_PRICE_FEEDS.SOL.price)).toBe(SOL_PRICE);
    for (const [symbol, mint] of Object.entries(DEMO_MINTS)) {
      expect(Number(DEMO_PRICE_FEEDS[symbol as keyof typeof DEMO_MINTS].price), symbol).toBeCloseTo(mint.price, 8);
    }
  });
});
