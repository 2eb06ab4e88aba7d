// Reading a stake account's authorities and delegation from its raw bytes (StakeStateV2:
// u32 state, Meta { rent_exempt_reserve u64, staker, withdrawer, lockup }, then Stake).
import { PublicKey, type AccountInfo } from '@solana/web3.js';

export interface StakeView {
  address: PublicKey;
  state: 'initialized' | 'delegated' | 'other';
  lamports: bigint;
  rentExemptReserve: bigint;
  staker: PublicKey;
  withdrawer: PublicKey;
  voter: PublicKey | null;
  /** u64::MAX while active. */
  deactivationEpoch: bigint | null;
}

export function decodeStake(address: PublicKey, info: AccountInfo<Buffer>): StakeView | undefined {
  const data = info.data;
  if (data.length < 200) return undefined;
  const state = data.readUInt32LE(0);
  if (state !== 1 && state !== 2) return undefined;
  return {
    address,
    state: state === 1 ? 'initialized' : 'delegated',
    lamports: BigInt(info.lamports),
    rentExemptReserve: data.readBigUInt64LE(4),
    staker: new PublicKey(data.subarray(12, 44)),
    withdrawer: new PublicKey(data.subarray(44, 76)),
    voter: state === 2 ? new PublicKey(data.subarray(124, 156)) : null,
    deactivationEpoch: state === 2 ? data.readBigUInt64LE(172) : null,
  };
}
