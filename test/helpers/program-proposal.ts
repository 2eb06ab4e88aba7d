// A proposal put to the demo DAO's council, through the real SPL Governance program on a chain
// that runs it: alice (one council seat) creates and signs it off with her council token owner
// record; `voters` then cast yes with their council seats.
import { Vote, VoteChoice, VoteKind, VoteType, withCastVote, withCreateProposal, withSignOffProposal } from '@solana/spl-governance';
import {
  sendAndConfirmTransaction,
  Transaction,
  type Connection,
  type Keypair,
  type PublicKey,
  type TransactionInstruction,
} from '@solana/web3.js';
import { DEMO, GOVERNANCE_PROGRAM_ID, demoKeypair, type DemoMember } from '../../src/demo/index.js';

const send = (connection: Connection, signer: Keypair, instructions: TransactionInstruction[]) =>
  sendAndConfirmTransaction(connection, new Transaction().add(...instructions), [signer], { commitment: 'confirmed' });

export async function createCouncilProposal(
  connection: Connection,
  text: { name: string; description: string },
  voters: readonly DemoMember[] = [],
): Promise<PublicKey> {
  const alice = demoKeypair('member/alice');
  const ixs: TransactionInstruction[] = [];
  const proposal = await withCreateProposal(
    ixs,
    GOVERNANCE_PROGRAM_ID,
    3,
    DEMO.realm,
    DEMO.governance,
    DEMO.councilTokenOwnerRecords.alice,
    text.name,
    text.description,
    DEMO.councilMint,
    alice.publicKey,
    undefined,
    VoteType.SINGLE_CHOICE,
    ['Approve'],
    true,
    alice.publicKey,
  );
  withSignOffProposal(
    ixs,
    GOVERNANCE_PROGRAM_ID,
    3,
    DEMO.realm,
    DEMO.governance,
    proposal,
    alice.publicKey,
    undefined,
    DEMO.councilTokenOwnerRecords.alice,
  );
  await send(connection, alice, ixs);
  const yes = new Vote({
    voteType: VoteKind.Approve,
    approveChoices: [new VoteChoice({ rank: 0, weightPercentage: 100 })],
    deny: undefined,
    veto: undefined,
  });
  for (const member of voters) {
    const voter = demoKeypair(`member/${member}`);
    const cast: TransactionInstruction[] = [];
    await withCastVote(
      cast,
      GOVERNANCE_PROGRAM_ID,
      3,
      DEMO.realm,
      DEMO.governance,
      proposal,
      DEMO.councilTokenOwnerRecords.alice,
      DEMO.councilTokenOwnerRecords[member],
      voter.publicKey,
      DEMO.councilMint,
      yes,
      voter.publicKey,
    );
    await send(connection, voter, cast);
  }
  return proposal;
}
