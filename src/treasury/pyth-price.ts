// Reads a Pyth price account into a snapshot price and decides whether it may be trusted.
// A price is trusted only when the account belongs to the Pyth oracle program, parses, is
// Trading, is positive, is fresher than the policy's maxStaleness and its confidence interval
// is within maxConfidenceBps of the price. Otherwise it is kept with the reasons, never used silently.
import { AccountType, Magic, parseBaseData, parsePriceData, PriceStatus } from '@pythnetwork/client';
import type { AccountInfo } from '@solana/web3.js';
import type { Address } from '../shared/index.js';
import type { SnapshotPrice } from './snapshot.js';

/** Pyth's legacy oracle program on mainnet-beta (and the demo) and on devnet. */
export const PYTH_ORACLE_PROGRAMS = new Set([
  'FsJ3A3u2vn5cTVofAjvy6y5kwABJAqYWpe4975bi2epH',
  'gSbePebfvPy7tRqimPoVecS2UsBvYv46ynrzWocc92s',
]);

/**
 * Sane bounds for a price: Pyth publishes exponents from -18 to 0, and no token this treasury
 * holds is worth more than 10^12 USD a unit. Outside them the bytes are hostile or corrupt:
 * the exponent alone could make exact arithmetic build a number of gigabytes.
 */
export const PRICE_EXPONENT_RANGE = { min: -18, max: 0 } as const;
export const MAX_SANE_PRICE_USD = 10n ** 12n;

export interface PriceLimits {
  maxStalenessSeconds: number;
  maxConfidenceBps: number;
}

function untrusted(symbol: string, account: Address, reason: string): SnapshotPrice {
  return {
    symbol,
    account,
    component: null,
    confidenceComponent: null,
    exponent: null,
    status: 'Unreadable',
    publishSlot: null,
    publishTime: null,
    ageSeconds: null,
    trusted: false,
    reasons: [reason],
  };
}

export function readPythPrice(
  symbol: string,
  account: Address,
  info: AccountInfo<Buffer> | null,
  nowSeconds: bigint,
  limits: PriceLimits,
): SnapshotPrice {
  if (!info) return untrusted(symbol, account, `price account ${account} does not exist`);
  const base = parseBaseData(info.data);
  if (!base || base.magic !== Magic || base.type !== AccountType.Price || info.data.length < 240) {
    return untrusted(symbol, account, `account ${account} is not a Pyth price account`);
  }
  let parsed: ReturnType<typeof parsePriceData>;
  try {
    // No current slot: staleness is judged by publish time below, not by Pyth's 25-slot rule.
    parsed = parsePriceData(info.data);
  } catch (error) {
    return untrusted(symbol, account, `price account ${account} does not parse: ${(error as Error).message}`);
  }
  const { aggregate, exponent } = parsed;
  if (!Number.isInteger(exponent) || exponent < PRICE_EXPONENT_RANGE.min || exponent > PRICE_EXPONENT_RANGE.max) {
    return untrusted(
      symbol,
      account,
      `price account ${account} has exponent ${exponent}, outside ${PRICE_EXPONENT_RANGE.min}..${PRICE_EXPONENT_RANGE.max}; the price is not used`,
    );
  }
  const reasons: string[] = [];
  const owner = info.owner.toBase58();
  if (!PYTH_ORACLE_PROGRAMS.has(owner)) reasons.push(`owned by ${owner}, not the Pyth oracle program`);
  const status = PriceStatus[aggregate.status] ?? `Status(${aggregate.status})`;
  if (aggregate.status !== PriceStatus.Trading) reasons.push(`status is ${status}, not Trading`);
  if (aggregate.priceComponent <= 0n) reasons.push(`price is not positive (${aggregate.priceComponent})`);
  // price = component × 10^exponent > MAX_SANE_PRICE_USD, compared exactly.
  if (aggregate.priceComponent > MAX_SANE_PRICE_USD * 10n ** BigInt(-exponent)) {
    reasons.push(
      `price ${aggregate.priceComponent}e${exponent} of account ${account} is above the sane bound of ${MAX_SANE_PRICE_USD} USD`,
    );
  }
  const age = nowSeconds - parsed.timestamp;
  if (age > BigInt(limits.maxStalenessSeconds)) reasons.push(`stale: published ${age}s ago, limit ${limits.maxStalenessSeconds}s`);
  // A publish time ahead of our clock by more than a minute is a clock or data fault, not freshness.
  if (age < -60n) reasons.push(`published ${-age}s in the future`);
  // confidence / price > maxConfidenceBps / 10000, compared exactly.
  if (
    aggregate.priceComponent > 0n &&
    aggregate.confidenceComponent * 10_000n > BigInt(limits.maxConfidenceBps) * aggregate.priceComponent
  ) {
    reasons.push(`confidence ±${aggregate.confidenceComponent}e${exponent} is wider than ${limits.maxConfidenceBps} bps of the price`);
  }
  return {
    symbol,
    account,
    component: aggregate.priceComponent,
    confidenceComponent: aggregate.confidenceComponent,
    exponent,
    status,
    publishSlot: BigInt(aggregate.publishSlot),
    publishTime: parsed.timestamp,
    ageSeconds: Number(age),
    trusted: reasons.length === 0,
    reasons,
  };
}
