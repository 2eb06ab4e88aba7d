// The demo's price feeds: which prices the demo oracle publishes and how. Most are fresh at
// the chain clock; USDT trades slightly off its peg and JUP's feed stopped an hour ago, so the
// treasury analysis has a depeg and a stale oracle to flag.
import type { ChainClock, ChainWriter } from '../../chain/embedded/types.js';
import { parseAmount } from '../../shared/index.js';
import { StewardError } from '../../errors/index.js';
import { DEMO, PYTH_PROGRAM_ID, demoKeypair, type DemoSymbol } from '../addresses.js';
import { PYTH_PRICE_ACCOUNT_SIZE, PythStatus, encodePythPriceAccount } from './pyth-price-account.js';
import { rentExemptLamports } from './rent.js';

export type DemoFeedSymbol = DemoSymbol | 'SOL';

export interface DemoPriceFeed {
  /** USD price as a decimal string. */
  price: string;
  /** Confidence interval (±) in USD. */
  confidence: string;
  /** Seconds between the feed's last publication and the chain clock; 0 = published now. */
  staleSeconds: number;
}

/** Pyth's USD feeds use exponent -8. */
export const DEMO_PRICE_EXPONENT = -8;
const PRICE_DECIMALS = -DEMO_PRICE_EXPONENT;
/** Slot time the chain aims for; used to place a stale publication at a plausible past slot. */
const SLOT_SECONDS = 0.4;
const PUBLISHERS = [0, 1, 2].map((index) => demoKeypair(`pyth/publisher/${index}`).publicKey);

export const DEMO_PRICE_FEEDS: Record<DemoFeedSymbol, DemoPriceFeed> = {
  SOL: { price: '150.00', confidence: '0.075', staleSeconds: 0 },
  USDC: { price: '1.00', confidence: '0.0001', staleSeconds: 0 },
  // Off its peg by 0.85 %: more than any sane depeg threshold, with a tight confidence.
  USDT: { price: '0.9915', confidence: '0.0004', staleSeconds: 0 },
  // Publishers stopped an hour ago: the price is old and Pyth's own parser reports Unknown.
  JUP: { price: '0.82', confidence: '0.0012', staleSeconds: 3_600 },
  jitoSOL: { price: '182.40', confidence: '0.11', staleSeconds: 0 },
  PYUSD: { price: '1.00', confidence: '0.0002', staleSeconds: 0 },
};

export const DEMO_FEED_SYMBOLS = Object.keys(DEMO_PRICE_FEEDS) as DemoFeedSymbol[];

function toUnits(text: string, symbol: string): bigint {
  const parsed = parseAmount(text, PRICE_DECIMALS);
  if (!parsed.ok) {
    throw new StewardError('INTERNAL', `demo price feed ${symbol} has an invalid amount: ${parsed.reason}`, {
      context: { symbol, text },
      hint: 'fix DEMO_PRICE_FEEDS in src/demo/seed/pyth.ts',
    });
  }
  return parsed.value;
}

/** The price account of `symbol` as its publishers would have left it, relative to `clock`. */
export function demoPriceAccountData(symbol: DemoFeedSymbol, clock: ChainClock): Uint8Array {
  const feed = DEMO_PRICE_FEEDS[symbol];
  const staleSlots = BigInt(Math.round(feed.staleSeconds / SLOT_SECONDS));
  return encodePythPriceAccount({
    exponent: DEMO_PRICE_EXPONENT,
    price: toUnits(feed.price, symbol),
    confidence: toUnits(feed.confidence, symbol),
    status: PythStatus.Trading,
    publishSlot: clock.slot > staleSlots ? clock.slot - staleSlots : 0n,
    timestamp: clock.unixTimestamp - BigInt(feed.staleSeconds),
    productAccount: demoKeypair(`pyth/product/${symbol}`).publicKey,
    publishers: PUBLISHERS,
  });
}

function writeFeed(chain: ChainWriter, symbol: DemoFeedSymbol, clock: ChainClock): void {
  chain.setAccount(DEMO.priceAccounts[symbol], {
    lamports: rentExemptLamports(PYTH_PRICE_ACCOUNT_SIZE),
    data: demoPriceAccountData(symbol, clock),
    owner: PYTH_PROGRAM_ID,
  });
}

/** Writes every demo price account (the stale one too) at the chain's clock. */
export function seedPythPrices(chain: ChainWriter, clock: ChainClock = chain.clock()): void {
  for (const symbol of DEMO_FEED_SYMBOLS) writeFeed(chain, symbol, clock);
}

/**
 * Re-publishes the live feeds at the chain's current slot and time, as publishers do every
 * slot; stale feeds stay as they were. Returns the symbols published.
 */
export function publishLivePrices(chain: ChainWriter, clock: ChainClock = chain.clock()): DemoFeedSymbol[] {
  const live = DEMO_FEED_SYMBOLS.filter((symbol) => DEMO_PRICE_FEEDS[symbol].staleSeconds === 0);
  for (const symbol of live) writeFeed(chain, symbol, clock);
  return live;
}
