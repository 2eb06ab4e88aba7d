// jsonParsed sysvar accounts (`program: "sysvar"`) as a validator's account decoder renders them,
// for the sysvars the embedded chain holds: clock, rent, epochSchedule, slotHashes, stakeHistory,
// slotHistory, lastRestartSlot, recentBlockhashes and fees. A sysvar is recognised by its address
// (the owner alone cannot tell them apart). Others (epochRewards) fall back to base64.
import { encodeBase58 } from '../../shared/base58.js';
import type { ParsedAccountData } from './parsed-account.js';

export const SYSVAR_OWNER = 'Sysvar1111111111111111111111111111111111111';

type Reader = (data: Uint8Array, view: DataView) => { type: string; info: unknown } | null;

const u64 = (view: DataView, at: number): number => Number(view.getBigUint64(at, true));

/** A bincode Vec<T>: u64 length, then `size`-byte entries; null when the data is too short. */
function entries<T>(data: Uint8Array, view: DataView, size: number, read: (at: number) => T): T[] | null {
  if (data.length < 8) return null;
  const count = view.getBigUint64(0, true);
  if (count > BigInt((data.length - 8) / size)) return null;
  const out: T[] = [];
  for (let i = 0; i < Number(count); i++) out.push(read(8 + i * size));
  return out;
}

const READERS: Record<string, Reader> = {
  SysvarC1ock11111111111111111111111111111111: (data, view) =>
    data.length < 40
      ? null
      : {
          type: 'clock',
          info: {
            slot: u64(view, 0),
            epoch: u64(view, 16),
            epochStartTimestamp: Number(view.getBigInt64(8, true)),
            leaderScheduleEpoch: u64(view, 24),
            unixTimestamp: Number(view.getBigInt64(32, true)),
          },
        },
  SysvarRent111111111111111111111111111111111: (data, view) =>
    data.length < 17
      ? null
      : {
          type: 'rent',
          info: {
            lamportsPerByteYear: view.getBigUint64(0, true).toString(),
            exemptionThreshold: view.getFloat64(8, true),
            burnPercent: data[16],
          },
        },
  SysvarEpochSchedu1e111111111111111111111111: (data, view) =>
    data.length < 33
      ? null
      : {
          type: 'epochSchedule',
          info: {
            slotsPerEpoch: u64(view, 0),
            leaderScheduleSlotOffset: u64(view, 8),
            warmup: data[16] === 1,
            firstNormalEpoch: u64(view, 17),
            firstNormalSlot: u64(view, 25),
          },
        },
  SysvarS1otHashes111111111111111111111111111: (data, view) => {
    const list = entries(data, view, 40, (at) => ({ slot: u64(view, at), hash: encodeBase58(data.subarray(at + 8, at + 40)) }));
    return list && { type: 'slotHashes', info: list };
  },
  SysvarStakeHistory1111111111111111111111111: (data, view) => {
    const list = entries(data, view, 32, (at) => ({
      epoch: u64(view, at),
      stakeHistory: { effective: u64(view, at + 8), activating: u64(view, at + 16), deactivating: u64(view, at + 24) },
    }));
    return list && { type: 'stakeHistory', info: list };
  },
  SysvarRecentB1ockHashes11111111111111111111: (data, view) => {
    const list = entries(data, view, 40, (at) => ({
      blockhash: encodeBase58(data.subarray(at, at + 32)),
      feeCalculator: { lamportsPerSignature: view.getBigUint64(at + 32, true).toString() },
    }));
    return list && { type: 'recentBlockhashes', info: list };
  },
  SysvarFees111111111111111111111111111111111: (data, view) =>
    data.length < 8 ? null : { type: 'fees', info: { feeCalculator: { lamportsPerSignature: view.getBigUint64(0, true).toString() } } },
  SysvarLastRestartS1ot1111111111111111111111: (data, view) =>
    data.length < 8 ? null : { type: 'lastRestartSlot', info: { lastRestartSlot: u64(view, 0) } },
  SysvarS1otHistory11111111111111111111111111: (data, view) => {
    // bincode of BitVec<u64>: Option tag u8, u64 block count, the blocks, u64 bit length; then next_slot u64.
    if (data.length < 9 || data[0] !== 1) return null;
    const blocks = Number(view.getBigUint64(1, true));
    const bitsAt = 9 + blocks * 8;
    if (data.length < bitsAt + 16) return null;
    const length = Number(view.getBigUint64(bitsAt, true));
    if (length > blocks * 64) return null;
    const bits = new Uint8Array(length);
    for (let i = 0; i < length; i++) bits[i] = (data[9 + (i >> 3)]! >> (i & 7)) & 1 ? 0x31 : 0x30;
    return { type: 'slotHistory', info: { nextSlot: u64(view, bitsAt + 8), bits: Buffer.from(bits).toString('latin1') } };
  },
};

/** The jsonParsed form of the sysvar at `address`, or null for another account or bad data. */
export function parseSysvar(address: string, data: Uint8Array): ParsedAccountData | null {
  const read = READERS[address];
  if (!read) return null;
  const parsed = read(data, new DataView(data.buffer, data.byteOffset, data.byteLength));
  return parsed && { program: 'sysvar', parsed: parsed as ParsedAccountData['parsed'], space: data.length };
}
