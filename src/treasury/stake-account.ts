// Stake accounts read from their raw bytes (StakeStateV2, bincode): who may stake and withdraw,
// which validator the stake is delegated to, and whether it is active in the current epoch.
// The layout offsets are also the getProgramAccounts memcmp offsets used to find them.
import { PublicKey } from '@solana/web3.js';
import { toAddress, type Address } from '../shared/index.js';
import type { SnapshotStakeAccount } from './snapshot.js';

/** Byte offsets of Meta.authorized.staker and .withdrawer in a stake account. */
export const STAKE_STAKER_OFFSET = 12;
export const STAKE_WITHDRAWER_OFFSET = 44;
export const STAKE_ACCOUNT_SIZE = 200;
const U64_MAX = (1n << 64n) - 1n;

export type ParsedStake = Omit<SnapshotStakeAccount, 'address' | 'lamports' | 'owner' | 'role'>;

/**
 * Parses a stake account; returns a reason string when the bytes are not an initialized or
 * delegated stake account. `epoch` (from the Clock sysvar) decides the activation state; without
 * it the state is "unknown".
 */
export function parseStakeAccount(data: Buffer, epoch: bigint | null): ParsedStake | string {
  if (data.length < STAKE_ACCOUNT_SIZE) return `stake account data is ${data.length} bytes, expected ${STAKE_ACCOUNT_SIZE}`;
  const kind = data.readUInt32LE(0);
  if (kind !== 1 && kind !== 2) return `stake account is in state ${kind} (neither Initialized nor Stake)`;
  const staker = toAddress(new PublicKey(data.subarray(12, 44)));
  const withdrawer = toAddress(new PublicKey(data.subarray(44, 76)));
  const lockupUnixTimestamp = data.readBigInt64LE(76);
  const lockupEpoch = data.readBigUInt64LE(84);
  if (kind === 1) {
    return {
      staker,
      withdrawer,
      state: 'initialized',
      voter: null,
      delegatedStake: 0n,
      activationEpoch: null,
      deactivationEpoch: null,
      activation: 'inactive',
      lockupUnixTimestamp,
      lockupEpoch,
    };
  }
  const voter: Address = toAddress(new PublicKey(data.subarray(124, 156)));
  const delegatedStake = data.readBigUInt64LE(156);
  const activationEpoch = data.readBigUInt64LE(164);
  const deactivationEpoch = data.readBigUInt64LE(172);
  return {
    staker,
    withdrawer,
    state: 'delegated',
    voter,
    delegatedStake,
    activationEpoch,
    deactivationEpoch: deactivationEpoch === U64_MAX ? null : deactivationEpoch,
    activation: activationOf(activationEpoch, deactivationEpoch, epoch),
    lockupUnixTimestamp,
    lockupEpoch,
  };
}

// Warmup and cooldown take at least the epoch after the instruction; the cluster-wide rate can
// stretch them further, which only the StakeHistory sysvar would tell. This is the usual
// approximation (what wallets show) and is labelled as such in docs/TREASURY.md.
function activationOf(activation: bigint, deactivation: bigint, epoch: bigint | null): SnapshotStakeAccount['activation'] {
  if (epoch === null) return 'unknown';
  if (deactivation !== U64_MAX) {
    if (activation === deactivation) return 'inactive';
    return epoch > deactivation ? 'inactive' : 'deactivating';
  }
  if (activation === U64_MAX) return 'active'; // bootstrap stake
  return epoch > activation ? 'active' : 'activating';
}
