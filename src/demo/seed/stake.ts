// The treasury's native stake: a validator vote account and a stake account delegated to it,
// with the native treasury as staker and withdrawer. The vote account is written in the V3
// layout because the embedded chain's Stake program rejects the V4 accounts its Vote program
// creates; the stake account is written because its staker, a PDA, cannot sign here.
import { LAMPORTS_PER_SOL, PublicKey, StakeProgram, VoteProgram } from '@solana/web3.js';
import type { ChainWriter } from '../../chain/embedded/types.js';
import { DEMO } from '../addresses.js';
import { rentExemptLamports } from './rent.js';

export const VOTE_ACCOUNT_V3_SIZE = 3762;
export const STAKE_ACCOUNT_SIZE = 200;
const VOTE_STATE_V3_TAG = 2; // VoteStateVersions::Current
const STAKE_STATE_STAKE_TAG = 2; // StakeStateV2::Stake
const U64_MAX = (1n << 64n) - 1n;
const PRIOR_VOTERS_SLOTS = 32;

/** The treasury's delegated stake, excluding the rent-exempt reserve. */
export const DEMO_STAKE_LAMPORTS = 3_000n * BigInt(LAMPORTS_PER_SOL);
export const DEMO_VALIDATOR_COMMISSION = 5;

export interface VoteAccountFields {
  nodePubkey: PublicKey;
  authorizedWithdrawer: PublicKey;
  authorizedVoter: PublicKey;
  commission: number;
  epoch: bigint;
}

/** A fresh VoteState (V3): no votes, no root, one authorized voter, empty credits. */
export function encodeVoteAccountV3(f: VoteAccountFields): Uint8Array {
  const data = Buffer.alloc(VOTE_ACCOUNT_V3_SIZE);
  let o = 0;
  data.writeUInt32LE(VOTE_STATE_V3_TAG, o);
  o += 4;
  f.nodePubkey.toBuffer().copy(data, o);
  o += 32;
  f.authorizedWithdrawer.toBuffer().copy(data, o);
  o += 32;
  data.writeUInt8(f.commission, o);
  o += 1;
  data.writeBigUInt64LE(0n, o);
  o += 8; // votes: empty
  data.writeUInt8(0, o);
  o += 1; // root_slot: None
  data.writeBigUInt64LE(1n, o);
  o += 8; // authorized_voters: one entry
  data.writeBigUInt64LE(f.epoch, o);
  o += 8;
  f.authorizedVoter.toBuffer().copy(data, o);
  o += 32;
  o += PRIOR_VOTERS_SLOTS * 48; // prior_voters buffer: empty
  data.writeBigUInt64LE(BigInt(PRIOR_VOTERS_SLOTS - 1), o);
  o += 8; // prior_voters.idx
  data.writeUInt8(1, o);
  o += 1; // prior_voters.is_empty
  data.writeBigUInt64LE(0n, o);
  o += 8; // epoch_credits: empty
  // last_timestamp (slot, timestamp): zeros
  return data;
}

export interface StakeAccountFields {
  staker: PublicKey;
  withdrawer: PublicKey;
  voteAccount: PublicKey;
  stake: bigint;
  activationEpoch: bigint;
  creditsObserved?: bigint;
}

/** A delegated stake account (StakeStateV2::Stake), no lockup, as DelegateStake leaves it. */
export function encodeStakeAccount(f: StakeAccountFields): Uint8Array {
  const data = Buffer.alloc(STAKE_ACCOUNT_SIZE);
  data.writeUInt32LE(STAKE_STATE_STAKE_TAG, 0);
  data.writeBigUInt64LE(rentExemptLamports(STAKE_ACCOUNT_SIZE), 4);
  f.staker.toBuffer().copy(data, 12);
  f.withdrawer.toBuffer().copy(data, 44);
  // lockup: unix_timestamp 0, epoch 0, custodian default (76..124)
  f.voteAccount.toBuffer().copy(data, 124);
  data.writeBigUInt64LE(f.stake, 156);
  data.writeBigUInt64LE(f.activationEpoch, 164);
  data.writeBigUInt64LE(U64_MAX, 172); // not deactivating
  data.writeDoubleLE(0.25, 180); // deprecated warmup/cooldown rate, still written
  data.writeBigUInt64LE(f.creditsObserved ?? 0n, 188);
  // stake_flags: empty (196), 3 bytes padding
  return data;
}

export interface SeededStake {
  voteAccount: PublicKey;
  stakeAccount: PublicKey;
  /** Lamports of the stake account: delegated stake plus the rent-exempt reserve. */
  lamports: bigint;
  delegated: bigint;
}

export function seedStake(chain: ChainWriter): SeededStake {
  const voteData = encodeVoteAccountV3({
    nodePubkey: DEMO.validatorIdentity,
    authorizedWithdrawer: DEMO.validatorIdentity,
    authorizedVoter: DEMO.validatorIdentity,
    commission: DEMO_VALIDATOR_COMMISSION,
    epoch: 0n,
  });
  chain.setAccount(DEMO.voteAccount, { lamports: rentExemptLamports(VOTE_ACCOUNT_V3_SIZE), data: voteData, owner: VoteProgram.programId });
  const stakeData = encodeStakeAccount({
    staker: DEMO.nativeTreasury,
    withdrawer: DEMO.nativeTreasury,
    voteAccount: DEMO.voteAccount,
    stake: DEMO_STAKE_LAMPORTS,
    activationEpoch: 0n,
  });
  const lamports = DEMO_STAKE_LAMPORTS + rentExemptLamports(STAKE_ACCOUNT_SIZE);
  chain.setAccount(DEMO.stakeAccount, { lamports, data: stakeData, owner: StakeProgram.programId });
  return { voteAccount: DEMO.voteAccount, stakeAccount: DEMO.stakeAccount, lamports, delegated: DEMO_STAKE_LAMPORTS };
}
