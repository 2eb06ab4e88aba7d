// unstake: Deactivate a treasury stake account whose stake authority the treasury delegated to
// the agent. The withdraw authority stays with the treasury, so the SOL can only ever return
// there. A partial unstake would need a split into a new account; it is refused, not guessed.
import { PublicKey, StakeProgram } from '@solana/web3.js';
import type { Builder, BuildResult } from './types.js';
import { getMultipleAccounts } from './token-accounts.js';
import { decodeStake } from './stake-accounts.js';

export const buildUnstake: Builder<'unstake'> = async (action, ctx): Promise<BuildResult> => {
  const address = new PublicKey(action.stakeAccount);
  const [info] = await getMultipleAccounts(ctx.connection, ctx.endpoint, [address], ctx.retry);
  const stake = info && info.owner.equals(StakeProgram.programId) ? decodeStake(address, info) : undefined;
  if (!stake) return { kind: 'refused', reason: `${action.stakeAccount} is not a stake account`, hint: 'name a treasury stake account' };
  if (!ctx.context.treasuryAddresses.has(stake.withdrawer.toBase58())) {
    return {
      kind: 'refused',
      reason: `stake account ${action.stakeAccount} is withdrawable by ${stake.withdrawer.toBase58()}, not by the treasury`,
      hint: 'only treasury stake can be unstaked',
    };
  }
  if (!stake.staker.equals(ctx.agent)) {
    return {
      kind: 'refused',
      reason: `the treasury did not delegate the stake authority of ${action.stakeAccount} to the agent (stake authority: ${stake.staker.toBase58()})`,
      hint: 'the DAO must pass a proposal that sets the stake authority to the agent key (StakeAuthorize Staker)',
    };
  }
  if (stake.state !== 'delegated')
    return {
      kind: 'refused',
      reason: `stake account ${action.stakeAccount} is not delegated; nothing to deactivate`,
      hint: 'nothing to do',
    };
  if (stake.deactivationEpoch !== null && stake.deactivationEpoch !== 0xffff_ffff_ffff_ffffn) {
    return {
      kind: 'refused',
      reason: `stake account ${action.stakeAccount} is already deactivating (epoch ${stake.deactivationEpoch})`,
      hint: 'nothing to do',
    };
  }
  if (action.amount !== undefined && action.amount !== stake.lamports - stake.rentExemptReserve) {
    return {
      kind: 'refused',
      reason: 'a partial unstake needs a split into a new stake account, which this executor does not build',
      hint: 'propose unstaking the whole account (omit amount)',
    };
  }
  const ix = StakeProgram.deactivate({ stakePubkey: address, authorizedPubkey: ctx.agent }).instructions;
  return {
    kind: 'instructions',
    instructions: ix,
    lookupTables: [],
    allowance: undefined,
    notes: [`deactivates ${action.stakeAccount} (validator ${stake.voter?.toBase58() ?? '?'})`],
  };
};
