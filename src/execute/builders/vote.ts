// vote: SPL Governance CastVote (src/governance's buildCastVoteInstruction) with the agent's
// voting power: its own token owner record in the realm, or a member's record naming the agent
// governance delegate. Checked before anything is signed, each refusal naming the proposal: the
// proposal must be in Voting and within its voting time, the agent must hold power, and that
// record must not have voted already (the program would refuse a second vote; a retry never
// gets that far). Where the governance program does not run on this chain (the written demo
// seed) the action ends "prepared": the instruction is reported, never sent, never called cast.
import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { getGovernance, getProposal, getRealm, getVoteRecordAddress, ProposalState, withRelinquishVote } from '@solana/spl-governance';
// Imported from their files, not the governance index: the index pulls in the review pipeline.
import { buildCastVoteInstruction } from '../../governance/vote/build-cast-vote.js';
import { findVotingPower } from '../../governance/vote/voting-power.js';
import type { Builder, BuildResult } from './types.js';
import { rpcCall } from '../../chain/rpc.js';

function toBigInt(text: string): bigint | null {
  return /^\d+$/.test(text) ? BigInt(text) : null;
}

export const buildVote: Builder<'vote'> = async (action, ctx): Promise<BuildResult> => {
  const proposalKey = new PublicKey(action.proposal);
  const call = <T>(what: string, run: () => Promise<T>) => rpcCall(what, ctx.endpoint, run, ctx.retry);
  const info = await call('getAccountInfo', () => ctx.connection.getAccountInfo(proposalKey, 'confirmed'));
  if (!info)
    return { kind: 'refused', reason: `proposal ${action.proposal} does not exist on this cluster`, hint: 'check the proposal address' };
  const programId = info.owner;
  const proposal = await call('getProposal', () => getProposal(ctx.connection, proposalKey));
  const governanceInfo = await call('getAccountInfo', () => ctx.connection.getAccountInfo(proposal.account.governance, 'confirmed'));
  if (!governanceInfo)
    return {
      kind: 'refused',
      reason: `the governance ${proposal.account.governance.toBase58()} of proposal ${action.proposal} is missing`,
      hint: 'the proposal account is inconsistent; do not vote on it',
    };
  const governance = await call('getGovernance', () => getGovernance(ctx.connection, proposal.account.governance));
  const realm = governance.account.realm;
  const mint = proposal.account.governingTokenMint;
  if (action.choice === 'relinquish')
    return buildRelinquish(
      action.proposal,
      { programId, realm, governance: proposal.account.governance, proposal: proposalKey, mint },
      ctx,
    );
  const state = proposal.account.state;
  if (state !== ProposalState.Voting) {
    return {
      kind: 'refused',
      reason: `proposal ${action.proposal} is ${ProposalState[state] ?? `in state ${state}`}, not open for votes`,
      hint: 'only a proposal in Voting takes votes; nothing was sent',
    };
  }
  // bn.js to bigint; unreadable (null) leaves the time check to the program.
  const votingAt = proposal.account.votingAt ? toBigInt(proposal.account.votingAt.toString()) : null;
  const endsAt = votingAt === null ? null : votingAt + BigInt(governance.account.config.baseVotingTime);
  const now = BigInt(Math.floor(ctx.context.now / 1000));
  if (endsAt !== null && now >= endsAt) {
    return {
      kind: 'refused',
      reason: `voting on proposal ${action.proposal} ended at ${new Date(Number(endsAt) * 1000).toISOString()}`,
      hint: 'the proposal waits to be finalized; votes are no longer accepted',
    };
  }
  const power = await call('getProgramAccounts', () => findVotingPower(ctx.connection, { programId, realm, mint, agent: ctx.agent }));
  const voter = power.find((p) => p.weight > 0n);
  if (!voter) {
    // Whose vote it is (community or council) decides whose records could give the agent power.
    const realmAccount = await call('getRealm', () => getRealm(ctx.connection, realm)).catch(() => null);
    const council = realmAccount?.account.config.councilMint?.equals(mint) === true;
    const community = realmAccount?.account.communityMint.equals(mint) === true;
    const which = council ? "the realm's council mint" : community ? "the realm's community mint" : 'mint';
    return {
      kind: 'refused',
      reason: `the agent ${ctx.agent.toBase58()} has no voting power on proposal ${action.proposal}${council ? ' (a council vote)' : ''}: no token owner record of realm ${realm.toBase58()} for ${which} ${mint.toBase58()} is its own with tokens deposited or names it governance delegate`,
      hint: council
        ? 'a council proposal is voted with council seats: a council member delegates their council token owner record to the agent with SetGovernanceDelegate; the agent needs no tokens'
        : 'a member delegates votes to the agent with SetGovernanceDelegate on their token owner record (Realms: "delegate"); the agent needs no tokens',
    };
  }
  const voteRecord = await getVoteRecordAddress(programId, proposalKey, voter.tokenOwnerRecord);
  const existing = await call('getAccountInfo', () => ctx.connection.getAccountInfo(voteRecord, 'confirmed'));
  if (existing) {
    return {
      kind: 'refused',
      reason: `token owner record ${voter.tokenOwnerRecord.toBase58()} already voted on proposal ${action.proposal} (vote record ${voteRecord.toBase58()})`,
      hint: 'a record votes once per proposal; to change the vote, relinquish it first (a vote action with choice "relinquish")',
    };
  }
  const { instructions } = await buildCastVoteInstruction({
    programId,
    realm,
    governance: proposal.account.governance,
    proposal: proposalKey,
    proposalOwnerRecord: proposal.account.tokenOwnerRecord,
    voterTokenOwnerRecord: voter.tokenOwnerRecord,
    voterAuthority: ctx.agent,
    governingTokenMint: mint,
    payer: ctx.agent,
    choice: action.choice === 'yes' ? 'for' : action.choice === 'no' ? 'against' : 'abstain',
  });
  const program = await call('getAccountInfo', () => ctx.connection.getAccountInfo(programId, 'confirmed'));
  if (!program?.executable) {
    return {
      kind: 'prepared',
      instructions,
      reason: `the governance program ${programId.toBase58()} is not deployed on this cluster (its accounts are data only), so the vote "${action.choice}" on ${action.proposal} was prepared and NOT cast`,
      notes: [],
    };
  }
  const whose =
    voter.via === 'own'
      ? 'its own token owner record'
      : `token owner record ${voter.tokenOwnerRecord.toBase58()} of ${voter.owner.toBase58()}, delegated to the agent`;
  return {
    kind: 'instructions',
    instructions,
    lookupTables: [],
    allowance: undefined,
    notes: [
      `casts "${action.choice}" on proposal ${action.proposal} with ${whose}: weight ${voter.weight}, vote record ${voteRecord.toBase58()}`,
    ],
  };
};

/** RelinquishVote: withdraws the vote a record the agent votes with cast on the proposal (its weight leaves the tally while voting runs). */
async function buildRelinquish(
  proposalText: string,
  at: { programId: PublicKey; realm: PublicKey; governance: PublicKey; proposal: PublicKey; mint: PublicKey },
  ctx: Parameters<Builder<'vote'>>[1],
): Promise<BuildResult> {
  const power = await rpcCall(
    'getProgramAccounts',
    ctx.endpoint,
    () => findVotingPower(ctx.connection, { programId: at.programId, realm: at.realm, mint: at.mint, agent: ctx.agent }),
    ctx.retry,
  );
  for (const voter of power) {
    const voteRecord = await getVoteRecordAddress(at.programId, at.proposal, voter.tokenOwnerRecord);
    const existing = await rpcCall('getAccountInfo', ctx.endpoint, () => ctx.connection.getAccountInfo(voteRecord, 'confirmed'), ctx.retry);
    if (!existing) continue;
    const instructions: TransactionInstruction[] = [];
    await withRelinquishVote(
      instructions,
      at.programId,
      3,
      at.realm,
      at.governance,
      at.proposal,
      voter.tokenOwnerRecord,
      at.mint,
      voteRecord,
      ctx.agent,
      ctx.agent,
    );
    const program = await rpcCall(
      'getAccountInfo',
      ctx.endpoint,
      () => ctx.connection.getAccountInfo(at.programId, 'confirmed'),
      ctx.retry,
    );
    if (!program?.executable) {
      return {
        kind: 'prepared',
        instructions,
        reason: `the governance program ${at.programId.toBase58()} is not deployed on this cluster, so relinquishing the vote on ${proposalText} was prepared and NOT sent`,
        notes: [],
      };
    }
    return {
      kind: 'instructions',
      instructions,
      lookupTables: [],
      allowance: undefined,
      notes: [
        `relinquishes the vote of token owner record ${voter.tokenOwnerRecord.toBase58()} on proposal ${proposalText} (vote record ${voteRecord.toBase58()})`,
      ],
    };
  }
  return {
    kind: 'refused',
    reason: `no vote to relinquish on proposal ${proposalText}: no token owner record the agent ${ctx.agent.toBase58()} votes with has a vote record there`,
    hint: "nothing was cast with the agent's power on this proposal; nothing was sent",
  };
}
