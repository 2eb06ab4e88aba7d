// Pyth legacy (v2) price account data, the layout the on-chain oracle program writes and
// @pythnetwork/client's `parsePriceData` reads. The demo publishes its own prices with it,
// including a stale feed and a depegged stablecoin, so that oracle checks have real work.
import type { PublicKey } from '@solana/web3.js';

export const PYTH_MAGIC = 0xa1b2c3d4;
export const PYTH_VERSION_2 = 2;
const ACCOUNT_TYPE_PRICE = 3;
const PRICE_TYPE_PRICE = 1;
/** A price account is allocated for 32 publishers: 240 header bytes + 32 × 96. */
export const PYTH_PRICE_ACCOUNT_SIZE = 3312;
const HEADER_SIZE = 240;
const COMPONENT_SIZE = 96;
const MAX_COMPONENTS = 32;

export const PythStatus = { Unknown: 0, Trading: 1, Halted: 2, Auction: 3, Ignored: 4 } as const;
export type PythStatus = (typeof PythStatus)[keyof typeof PythStatus];

export interface PythPriceFields {
  exponent: number;
  /** Aggregate price in units of 10^exponent. */
  price: bigint;
  /** Aggregate confidence interval in units of 10^exponent. */
  confidence: bigint;
  status: PythStatus;
  publishSlot: bigint;
  /** Unix seconds of the aggregate. */
  timestamp: bigint;
  productAccount: PublicKey;
  /** Publishers whose quotes make the aggregate; each is written as quoting the aggregate. */
  publishers: readonly PublicKey[];
  minPublishers?: number;
}

function writePriceInfo(data: Buffer, offset: number, f: PythPriceFields): void {
  data.writeBigInt64LE(f.price, offset);
  data.writeBigUInt64LE(f.confidence, offset + 8);
  data.writeUInt32LE(f.status, offset + 16);
  data.writeUInt32LE(0, offset + 20); // corporate action: none
  data.writeBigUInt64LE(f.publishSlot, offset + 24);
}

function writeEma(data: Buffer, offset: number, value: bigint): void {
  // The program keeps the EMA as numerator / denominator next to its rounded value.
  data.writeBigInt64LE(value, offset);
  data.writeBigInt64LE(value, offset + 8);
  data.writeBigInt64LE(1n, offset + 16);
}

export function encodePythPriceAccount(f: PythPriceFields): Uint8Array {
  if (f.publishers.length > MAX_COMPONENTS) throw new RangeError(`a Pyth price account holds at most ${MAX_COMPONENTS} publishers`);
  const data = Buffer.alloc(PYTH_PRICE_ACCOUNT_SIZE);
  data.writeUInt32LE(PYTH_MAGIC, 0);
  data.writeUInt32LE(PYTH_VERSION_2, 4);
  data.writeUInt32LE(ACCOUNT_TYPE_PRICE, 8);
  data.writeUInt32LE(HEADER_SIZE + f.publishers.length * COMPONENT_SIZE, 12);
  data.writeUInt32LE(PRICE_TYPE_PRICE, 16);
  data.writeInt32LE(f.exponent, 20);
  data.writeUInt32LE(f.publishers.length, 24);
  data.writeUInt32LE(f.publishers.length, 28);
  data.writeBigUInt64LE(f.publishSlot, 32); // last slot with a valid aggregate
  data.writeBigUInt64LE(f.publishSlot, 40); // slot the aggregate is valid for
  writeEma(data, 48, f.price);
  writeEma(data, 72, f.confidence);
  data.writeBigInt64LE(f.timestamp, 96);
  data.writeUInt8(f.minPublishers ?? 1, 104);
  f.productAccount.toBuffer().copy(data, 112);
  // 144..176: next price account (none). Previous update: one slot and one second earlier.
  data.writeBigUInt64LE(f.publishSlot > 0n ? f.publishSlot - 1n : 0n, 176);
  data.writeBigInt64LE(f.price, 184);
  data.writeBigUInt64LE(f.confidence, 192);
  data.writeBigInt64LE(f.timestamp - 1n, 200);
  writePriceInfo(data, 208, f);
  f.publishers.forEach((publisher, index) => {
    const offset = HEADER_SIZE + index * COMPONENT_SIZE;
    publisher.toBuffer().copy(data, offset);
    writePriceInfo(data, offset + 32, f);
    writePriceInfo(data, offset + 64, f);
  });
  return data;
}
