// vote: SPL Governance CastVote (src/governance's buildCastVoteInstruction) for the agent's token
// owner record. It is built only where the
// governance program really runs on this chain (its account exists and is executable); where it
// does not (the embedded demo keeps Realms accounts as data only), the action ends "prepared":
// the instruction is reported, never sent, and never described as cast.
import { PublicKey } from '@solana/web3.js';
import { getProposal, getRealm, getTokenOwnerRecordAddress } from '@solana/spl-governance';
// Imported from its file, not the governance index: the index pulls in the review pipeline.
import { buildCastVoteInstruction } from '../../governance/vote/build-cast-vote.js';
import type { Builder, BuildResult } from './types.js';
import { rpcCall } from '../rpc-errors.js';

export const buildVote: Builder<'vote'> = async (action, ctx): Promise<BuildResult> => {
  const proposalKey = new PublicKey(action.proposal);
  const info = await rpcCall('getAccountInfo', ctx.endpoint, () => ctx.connection.getAccountInfo(proposalKey, 'confirmed'), ctx.retry);
  if (!info) return { kind: 'refused', reason: `proposal ${action.proposal} does not exist on this cluster`, hint: 'check the proposal address' };
  const programId = info.owner;
  const proposal = await rpcCall('getProposal', ctx.endpoint, () => getProposal(ctx.connection, proposalKey), ctx.retry);
  const governanceInfo = await rpcCall('getAccountInfo', ctx.endpoint, () => ctx.connection.getAccountInfo(proposal.account.governance, 'confirmed'), ctx.retry);
  if (!governanceInfo) return { kind: 'refused', reason: `the proposal's governance ${proposal.account.governance.toBase58()} is missing`, hint: 'the proposal account is inconsistent; do not vote on it' };
  // Governance account v2 layout: account type (1 byte), then the realm.
  const realm = new PublicKey(governanceInfo.data.subarray(1, 33));
  const realmAccount = await rpcCall('getRealm', ctx.endpoint, () => getRealm(ctx.connection, realm), ctx.retry);
  const mint = proposal.account.governingTokenMint;
  const tokenOwnerRecord = await getTokenOwnerRecordAddress(programId, realmAccount.pubkey, mint, ctx.agent);
  const { instructions } = await buildCastVoteInstruction({
    programId,
    realm: realmAccount.pubkey,
    governance: proposal.account.governance,
    proposal: proposalKey,
    proposalOwnerRecord: proposal.account.tokenOwnerRecord,
    voterTokenOwnerRecord: tokenOwnerRecord,
    voterAuthority: ctx.agent,
    governingTokenMint: mint,
    payer: ctx.agent,
    choice: action.choice === 'yes' ? 'for' : action.choice === 'no' ? 'against' : 'abstain',
  });
  const program = await rpcCall('getAccountInfo', ctx.endpoint, () => ctx.connection.getAccountInfo(programId, 'confirmed'), ctx.retry);
  if (!program?.executable) {
    return {
      kind: 'prepared',
      instructions,
      reason: `the governance program ${programId.toBase58()} is not deployed on this cluster (its accounts are data only), so the vote "${action.choice}" on ${action.proposal} was prepared and NOT cast`,
      notes: [],
    };
  }
  return { kind: 'instructions', instructions, lookupTables: [], allowance: undefined, notes: [`casts "${action.choice}" with token owner record ${tokenOwnerRecord.toBase58()}`] };
};
