// jsonParsed for the sysvar and stake layouts the kit conformance suite cannot reach through the
// chain (slotHistory's bit string, lastRestartSlot, fees, recentBlockhashes, stake's other states),
// and truncated data: null (the RPC then answers base64), never a throw or a wrong value.
import { describe, expect, it } from 'vitest';
import { parseAccountData } from '../../src/chain/embedded/account-parse.js';
import { encodeBase58 } from '../../src/shared/base58.js';

const SYSVAR = 'Sysvar1111111111111111111111111111111111111';
const STAKE = 'Stake11111111111111111111111111111111111111';
const noMints = (): null => null;

function sysvar(address: string, data: Buffer): unknown {
  return parseAccountData(SYSVAR, data, noMints, address)?.parsed ?? null;
}

describe('jsonParsed sysvars', () => {
  it('renders slotHistory bits in slot order (bit i of the little-endian u64 blocks) with nextSlot', () => {
    const data = Buffer.alloc(1 + 8 + 2 * 8 + 8 + 8);
    data[0] = 1;
    data.writeBigUInt64LE(2n, 1);
    data.writeBigUInt64LE((1n << 0n) | (1n << 3n) | (1n << 63n), 9);
    data.writeBigUInt64LE(1n << 1n, 17);
    data.writeBigUInt64LE(128n, 25);
    data.writeBigUInt64LE(66n, 33);
    const parsed = sysvar('SysvarS1otHistory11111111111111111111111111', data) as {
      type: string;
      info: { bits: string; nextSlot: number };
    };
    expect(parsed.type).toBe('slotHistory');
    expect(parsed.info.nextSlot).toBe(66);
    expect(parsed.info.bits).toHaveLength(128);
    expect([...parsed.info.bits].flatMap((bit, i) => (bit === '1' ? [i] : []))).toEqual([0, 3, 63, 65]);
  });

  it('renders lastRestartSlot, fees and recentBlockhashes', () => {
    const slot = Buffer.alloc(8);
    slot.writeBigUInt64LE(77n);
    expect(sysvar('SysvarLastRestartS1ot1111111111111111111111', slot)).toEqual({ type: 'lastRestartSlot', info: { lastRestartSlot: 77 } });
    const fee = Buffer.alloc(8);
    fee.writeBigUInt64LE(5000n);
    expect(sysvar('SysvarFees111111111111111111111111111111111', fee)).toEqual({
      type: 'fees',
      info: { feeCalculator: { lamportsPerSignature: '5000' } },
    });
    const recent = Buffer.alloc(8 + 40);
    recent.writeBigUInt64LE(1n);
    recent.fill(7, 8, 40);
    recent.writeBigUInt64LE(5000n, 40);
    expect(sysvar('SysvarRecentB1ockHashes11111111111111111111', recent)).toEqual({
      type: 'recentBlockhashes',
      info: [{ blockhash: encodeBase58(Buffer.alloc(32, 7)), feeCalculator: { lamportsPerSignature: '5000' } }],
    });
  });

  it('answers null (base64 over the wire) for truncated data, a list longer than its data, or no address', () => {
    expect(sysvar('SysvarC1ock11111111111111111111111111111111', Buffer.alloc(39))).toBeNull();
    const lying = Buffer.alloc(8 + 40);
    lying.writeBigUInt64LE(2n);
    expect(sysvar('SysvarS1otHashes111111111111111111111111111', lying)).toBeNull();
    expect(sysvar('SysvarS1otHistory11111111111111111111111111', Buffer.from([1, 9, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(parseAccountData(SYSVAR, Buffer.alloc(40), noMints)).toBeNull();
    expect(sysvar('SysvarEpochRewards1111111111111111111111111', Buffer.alloc(81))).toBeNull();
  });
});

describe('jsonParsed stake accounts', () => {
  it('renders uninitialized and rewardsPool with empty info, and null for a truncated delegation', () => {
    const data = Buffer.alloc(200);
    expect(parseAccountData(STAKE, data, noMints)?.parsed).toEqual({ type: 'uninitialized', info: {} });
    data.writeUInt32LE(3);
    expect(parseAccountData(STAKE, data, noMints)?.parsed).toEqual({ type: 'rewardsPool', info: {} });
    data.writeUInt32LE(2);
    expect(parseAccountData(STAKE, data.subarray(0, 150), noMints)).toBeNull();
    data.writeUInt32LE(9);
    expect(parseAccountData(STAKE, data, noMints)).toBeNull();
  });
});
