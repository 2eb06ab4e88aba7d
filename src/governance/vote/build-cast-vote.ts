// Builds the CastVote instruction for a proposal with @solana/spl-governance's withCastVote.
// Sending it belongs to the execution layer (after policy and approval). `prepareVote` also
// checks that the governance program is deployed where the vote would go: on a chain without
// it (the embedded chain) the vote is prepared and shown, never reported as cast.
import { Vote, VoteChoice, VoteKind, withCastVote } from '@solana/spl-governance';
import type { Connection, PublicKey, TransactionInstruction } from '@solana/web3.js';
import { StewardError } from '../../errors/index.js';
import { redactUrl } from '../../shared/index.js';
import { rpcCall } from '../../chain/rpc.js';

export const voteChoices = ['for', 'against', 'abstain', 'veto'] as const;
export type VoteChoiceName = (typeof voteChoices)[number];

export interface CastVoteParams {
  programId: PublicKey;
  /** SPL Governance program version of the deployment (default 3). */
  programVersion?: number;
  realm: PublicKey;
  governance: PublicKey;
  proposal: PublicKey;
  /** The proposal author's token owner record (Proposal.tokenOwnerRecord). */
  proposalOwnerRecord: PublicKey;
  /** The voter's token owner record. */
  voterTokenOwnerRecord: PublicKey;
  /** The voter's wallet or its governance delegate: signs the vote. */
  voterAuthority: PublicKey;
  governingTokenMint: PublicKey;
  payer: PublicKey;
  choice: VoteChoiceName;
  voterWeightRecord?: PublicKey;
  maxVoterWeightRecord?: PublicKey;
}

export interface CastVoteInstruction {
  instructions: TransactionInstruction[];
  /** The vote record the program will create (PDA of proposal and voter record). */
  voteRecord: PublicKey;
  choice: VoteChoiceName;
}

function toVote(choice: VoteChoiceName): Vote {
  switch (choice) {
    case 'for':
      return new Vote({
        voteType: VoteKind.Approve,
        approveChoices: [new VoteChoice({ rank: 0, weightPercentage: 100 })],
        deny: undefined,
        veto: undefined,
      });
    case 'against':
      return new Vote({ voteType: VoteKind.Deny, approveChoices: undefined, deny: true, veto: undefined });
    case 'abstain':
      return new Vote({ voteType: VoteKind.Abstain, approveChoices: undefined, deny: undefined, veto: undefined });
    case 'veto':
      return new Vote({ voteType: VoteKind.Veto, approveChoices: undefined, deny: undefined, veto: true });
    default:
      throw new StewardError('ARGUMENT_INVALID', `unknown vote choice ${String(choice satisfies never)}`, {
        hint: `use one of ${voteChoices.join(', ')}`,
      });
  }
}

export async function buildCastVoteInstruction(params: CastVoteParams): Promise<CastVoteInstruction> {
  const instructions: TransactionInstruction[] = [];
  const voteRecord = await withCastVote(
    instructions,
    params.programId,
    params.programVersion ?? 3,
    params.realm,
    params.governance,
    params.proposal,
    params.proposalOwnerRecord,
    params.voterTokenOwnerRecord,
    params.voterAuthority,
    params.governingTokenMint,
    toVote(params.choice),
    params.payer,
    params.voterWeightRecord,
    params.maxVoterWeightRecord,
  );
  return { instructions, voteRecord, choice: params.choice };
}

export type PreparedVote = CastVoteInstruction & ({ status: 'ready' } | { status: 'prepared-only'; reason: string });

/** Builds the vote and says whether it could be cast on this cluster at all. */
export async function prepareVote(connection: Connection, params: CastVoteParams): Promise<PreparedVote> {
  const built = await buildCastVoteInstruction(params);
  let program;
  try {
    program = await rpcCall('getAccountInfo', connection.rpcEndpoint, () =>
      connection.getAccountInfo(params.programId, { commitment: 'confirmed' }),
    );
  } catch (error) {
    throw new StewardError(
      error instanceof StewardError ? error.code : 'RPC_FAILED',
      `checking the governance program on ${redactUrl(connection.rpcEndpoint)} failed: ${(error as Error).message}`,
      {
        hint: 'check the cluster URL (--url)',
        cause: error,
      },
    );
  }
  if (!program?.executable) {
    return {
      ...built,
      status: 'prepared-only',
      reason: `governance program ${params.programId.toBase58()} is not deployed on this cluster: the vote is prepared and shown, not cast`,
    };
  }
  return { ...built, status: 'ready' };
}
