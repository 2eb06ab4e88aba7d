// Proposals put to the demo DAO through the real SPL Governance program, on a chain that runs it:
// a member creates the proposal with their community or council token owner record, inserts its
// transactions (one per InsertTransaction, with the governance's hold-up time) and signs it off;
// `voters` then cast yes with their records of the same mint.
import {
  createInstructionData,
  Vote,
  VoteChoice,
  VoteKind,
  VoteType,
  withCastVote,
  withCreateProposal,
  withInsertTransaction,
  withSignOffProposal,
} from '@solana/spl-governance';
import {
  sendAndConfirmTransaction,
  Transaction,
  type Connection,
  type Keypair,
  type PublicKey,
  type TransactionInstruction,
} from '@solana/web3.js';
import { DEMO, DEMO_GOVERNANCE_RULES, GOVERNANCE_PROGRAM_ID, demoKeypair, type DemoMember } from '../../src/demo/index.js';

export interface ProgramProposal {
  name: string;
  description: string;
  author: DemoMember;
  /** Whose vote it is: the realm's community (the demo's proposals) or its council. */
  governingToken: 'community' | 'council';
  /** The proposal's transactions, each inserted in its own InsertTransaction. */
  transactions?: readonly TransactionInstruction[][];
  /** Pays for the accounts; the author when absent. */
  payer?: Keypair;
  /** Members who vote yes once it is signed off. */
  voters?: readonly DemoMember[];
}

const YES = new Vote({
  voteType: VoteKind.Approve,
  approveChoices: [new VoteChoice({ rank: 0, weightPercentage: 100 })],
  deny: undefined,
  veto: undefined,
});

/** CreateProposal, InsertTransaction for each transaction, SignOffProposal, then each voter's CastVote. */
export async function createProposalByProgram(connection: Connection, spec: ProgramProposal): Promise<PublicKey> {
  const program = GOVERNANCE_PROGRAM_ID;
  const author = demoKeypair(`member/${spec.author}`);
  const payer = spec.payer ?? author;
  const council = spec.governingToken === 'council';
  const mint = council ? DEMO.councilMint : DEMO.communityMint;
  const records = council ? DEMO.councilTokenOwnerRecords : DEMO.tokenOwnerRecords;
  const record = records[spec.author];
  const send = (instructions: TransactionInstruction[], signers: Keypair[]) =>
    sendAndConfirmTransaction(connection, new Transaction().add(...instructions), signers, { commitment: 'confirmed' });
  const signers = payer === author ? [author] : [payer, author];

  const create: TransactionInstruction[] = [];
  const proposal = await withCreateProposal(
    create,
    program,
    3,
    DEMO.realm,
    DEMO.governance,
    record,
    spec.name,
    spec.description,
    mint,
    author.publicKey,
    undefined,
    VoteType.SINGLE_CHOICE,
    ['Approve'],
    true,
    payer.publicKey,
  );
  await send(create, signers);
  for (const [index, instructions] of (spec.transactions ?? []).entries()) {
    const insert: TransactionInstruction[] = [];
    await withInsertTransaction(
      insert,
      program,
      3,
      DEMO.governance,
      proposal,
      record,
      author.publicKey,
      index,
      0,
      DEMO_GOVERNANCE_RULES.holdUpTime,
      instructions.map(createInstructionData),
      payer.publicKey,
    );
    await send(insert, signers);
  }
  const signOff: TransactionInstruction[] = [];
  withSignOffProposal(signOff, program, 3, DEMO.realm, DEMO.governance, proposal, author.publicKey, undefined, record);
  await send(signOff, signers);

  for (const member of spec.voters ?? []) {
    const voter = demoKeypair(`member/${member}`);
    const cast: TransactionInstruction[] = [];
    await withCastVote(
      cast,
      program,
      3,
      DEMO.realm,
      DEMO.governance,
      proposal,
      record,
      records[member],
      voter.publicKey,
      mint,
      YES,
      voter.publicKey,
    );
    await send(cast, [voter]);
  }
  return proposal;
}

/** A proposal put to the council: alice (one council seat) creates and signs it off; `voters` cast yes with their seats. */
export function createCouncilProposal(
  connection: Connection,
  text: { name: string; description: string },
  voters: readonly DemoMember[] = [],
): Promise<PublicKey> {
  return createProposalByProgram(connection, { ...text, author: 'alice', governingToken: 'council', voters });
}
