// The demo governance created by the SPL Governance program itself, from the instructions a
// DAO's members send: the realm with its community and council mints (authority handed to its
// governance afterwards), deposits of community tokens and council seats, the treasury's governance and native treasury, the agent as governance
// delegate of one member, and each proposal created, filled with its transactions, signed
// off and voted on at the time the plan says (the chain clock is set back for each step), so
// every governance account Steward reads was written by the program.
import { Keypair, LAMPORTS_PER_SOL, PublicKey, Transaction, type TransactionInstruction } from '@solana/web3.js';
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from '@solana/spl-token';
import {
  MintMaxVoteWeightSource,
  SetRealmAuthorityAction,
  VoteType,
  createInstructionData,
  getProposalDepositAddress,
  withCastVote,
  withCreateGovernance,
  withCreateNativeTreasury,
  withCreateProposal,
  withCreateRealm,
  withDepositGoverningTokens,
  withInsertTransaction,
  withSetGovernanceDelegate,
  withSetRealmAuthority,
  withSignOffProposal,
  Vote,
  VoteChoice,
  VoteKind,
} from '@solana/spl-governance';
import type { ChainWriter } from '../../chain/embedded/types.js';
import { StewardError } from '../../errors/index.js';
import { DEMO, DEMO_REALM_NAME, GOVERNANCE_PROGRAM_ID, demoKeypair, type DemoMember } from '../addresses.js';
import { u64 } from './governance-accounts.js';
import { demoGovernanceConfig } from './governance-config.js';
import {
  COMMUNITY_DECIMALS,
  DEMO_MEMBERS,
  DEMO_MEMBER_TOKENS,
  DEMO_MIN_TOKENS_TO_CREATE_GOVERNANCE,
  type GovernancePlan,
  type SeededProposal,
} from './governance.js';
import { rentExemptLamports } from './rent.js';
import { encodeMint, encodeTokenAccount } from './token-layouts.js';

const PROGRAM_VERSION = 3;
/** Pays rent and fees for the DAO's setup, so the members keep their exact SOL balances. */
const SETUP_PAYER_LAMPORTS = 100n * BigInt(LAMPORTS_PER_SOL);
const DRAFT_SECONDS_BEFORE_VOTING = 3_600n;

const memberKey = (member: DemoMember): Keypair => demoKeypair(`member/${member}`);

function send(chain: ChainWriter, what: string, payer: Keypair, signers: Keypair[], instructions: TransactionInstruction[]): void {
  const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: chain.latestBlockhash() }).add(...instructions);
  const unique = new Map([payer, ...signers].map((k) => [k.publicKey.toBase58(), k]));
  tx.sign(...unique.values());
  try {
    chain.processTransaction(tx);
  } catch (error) {
    const logs = error instanceof StewardError ? ((error.context as { logs?: string[] }).logs ?? []) : [];
    throw new StewardError(
      'CHAIN_FAILED',
      `seeding the demo governance through the SPL Governance program: ${what} failed: ${(error as Error).message}`,
      {
        hint: 'the program file may not be SPL Governance v3; load the mainnet program (steward programs pull) or remove it to use the written-accounts seed',
        context: { step: what, logs: logs.slice(-12) },
        cause: error,
      },
    );
  }
}

/** CreateProposal with the plan's proposal seed (the SDK picks a random one): same data, seed and addresses swapped. */
async function createProposalIx(plan: GovernancePlan, proposal: SeededProposal, payer: PublicKey): Promise<TransactionInstruction[]> {
  const built: TransactionInstruction[] = [];
  const owner = DEMO.members[proposal.author];
  const randomAddress = await withCreateProposal(
    built,
    GOVERNANCE_PROGRAM_ID,
    PROGRAM_VERSION,
    plan.realm,
    plan.governance,
    proposal.tokenOwnerRecord,
    proposal.name,
    proposal.description,
    plan.communityMint.address,
    owner,
    undefined,
    VoteType.SINGLE_CHOICE,
    ['Approve'],
    true,
    payer,
  );
  const ix = built[0] as TransactionInstruction;
  const seed = DEMO.proposalSeeds[proposal.key].toBuffer();
  const data = Buffer.from(ix.data);
  seed.copy(data, data.length - 32);
  const randomDeposit = await getProposalDepositAddress(GOVERNANCE_PROGRAM_ID, randomAddress, payer);
  const deposit = await getProposalDepositAddress(GOVERNANCE_PROGRAM_ID, proposal.address, payer);
  const keys = ix.keys.map((meta) => {
    if (meta.pubkey.equals(randomAddress)) return { ...meta, pubkey: proposal.address };
    if (meta.pubkey.equals(randomDeposit)) return { ...meta, pubkey: deposit };
    return meta;
  });
  return [{ ...ix, keys, data } as TransactionInstruction];
}

const YES = new Vote({
  voteType: VoteKind.Approve,
  approveChoices: [new VoteChoice({ rank: 0, weightPercentage: 100 })],
  deny: undefined,
  veto: undefined,
});
const NO = new Vote({ voteType: VoteKind.Deny, approveChoices: undefined, deny: true, veto: undefined });

export async function createGovernanceByProgram(chain: ChainWriter, plan: GovernancePlan): Promise<void> {
  const payer = demoKeypair('governance-setup-payer');
  chain.airdrop(payer.publicKey, SETUP_PAYER_LAMPORTS);
  const program = GOVERNANCE_PROGRAM_ID;
  const mint = plan.communityMint.address;
  const councilMint = plan.councilMint.address;
  const alice = memberKey('alice');

  // The community and council mints are the DAO's (its governance is their mint authority);
  // each member holds what they will deposit plus what they keep.
  const put = (address: PublicKey, data: Uint8Array) =>
    chain.setAccount(address, { lamports: rentExemptLamports(data.length), data, owner: TOKEN_PROGRAM_ID });
  const tokens = [
    {
      kind: 'community',
      mint,
      decimals: COMMUNITY_DECIMALS,
      supply: plan.communityMint.supply,
      holds: (m: DemoMember) => DEMO_MEMBER_TOKENS[m],
    },
    {
      kind: 'council',
      mint: councilMint,
      decimals: plan.councilMint.decimals,
      supply: plan.councilMint.supply,
      holds: (m: DemoMember) => ({ deposited: plan.council.find((seat) => seat.member === m)?.deposited ?? 0n, wallet: 0n }),
    },
  ];
  const walletOf = (tokenMint: PublicKey, member: DemoMember): PublicKey =>
    getAssociatedTokenAddressSync(tokenMint, DEMO.members[member], false, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID);
  for (const token of tokens) {
    put(token.mint, encodeMint({ mintAuthority: plan.governance, freezeAuthority: null, supply: token.supply, decimals: token.decimals }));
    for (const member of DEMO_MEMBERS) {
      const { deposited, wallet: kept } = token.holds(member);
      put(walletOf(token.mint, member), encodeTokenAccount({ mint: token.mint, owner: DEMO.members[member], amount: deposited + kept }));
    }
  }

  // Alice founds the realm; its authority moves to the governance once that exists.
  let ixs: TransactionInstruction[] = [];
  await withCreateRealm(
    ixs,
    program,
    PROGRAM_VERSION,
    DEMO_REALM_NAME,
    alice.publicKey,
    mint,
    payer.publicKey,
    councilMint,
    MintMaxVoteWeightSource.FULL_SUPPLY_FRACTION,
    u64(DEMO_MIN_TOKENS_TO_CREATE_GOVERNANCE),
  );
  send(chain, 'CreateRealm', payer, [], ixs);
  // Each member deposits their community tokens (votes), then their council seat.
  for (const token of tokens) {
    for (const member of DEMO_MEMBERS) {
      const { deposited } = token.holds(member);
      if (deposited === 0n) continue;
      ixs = [];
      await withDepositGoverningTokens(
        ixs,
        program,
        PROGRAM_VERSION,
        plan.realm,
        walletOf(token.mint, member),
        token.mint,
        DEMO.members[member],
        DEMO.members[member],
        payer.publicKey,
        u64(deposited),
      );
      send(chain, `DepositGoverningTokens (${member}, ${token.kind})`, payer, [memberKey(member)], ixs);
    }
  }
  ixs = [];
  await withCreateGovernance(
    ixs,
    program,
    PROGRAM_VERSION,
    plan.realm,
    DEMO.governedAccount,
    demoGovernanceConfig(),
    DEMO.tokenOwnerRecords.alice,
    payer.publicKey,
    alice.publicKey,
  );
  await withCreateNativeTreasury(ixs, program, PROGRAM_VERSION, plan.governance, payer.publicKey);
  withSetRealmAuthority(ixs, program, PROGRAM_VERSION, plan.realm, alice.publicKey, plan.governance, SetRealmAuthorityAction.SetChecked);
  send(chain, 'CreateGovernance, CreateNativeTreasury, SetRealmAuthority', payer, [alice], ixs);
  ixs = [];
  const delegator = memberKey(plan.delegation.member);
  await withSetGovernanceDelegate(
    ixs,
    program,
    PROGRAM_VERSION,
    plan.realm,
    mint,
    delegator.publicKey,
    delegator.publicKey,
    plan.delegation.delegate,
  );
  send(chain, `SetGovernanceDelegate (${plan.delegation.member} → the agent)`, payer, [delegator], ixs);

  for (const proposal of plan.proposals) {
    const author = memberKey(proposal.author);
    const create = await createProposalIx(plan, proposal, payer.publicKey);
    const inserts: TransactionInstruction[][] = [];
    for (const [index, transaction] of proposal.transactions.entries()) {
      const insert: TransactionInstruction[] = [];
      await withInsertTransaction(
        insert,
        program,
        PROGRAM_VERSION,
        plan.governance,
        proposal.address,
        proposal.tokenOwnerRecord,
        author.publicKey,
        index,
        0,
        proposal.holdUpTime,
        transaction.instructions.map(createInstructionData),
        payer.publicKey,
      );
      inserts.push(insert);
    }
    const votes: { voter: DemoMember; vote: Vote; ixs: TransactionInstruction[] }[] = [];
    for (const [voters, vote] of [
      [proposal.voters.yes, YES],
      [proposal.voters.no, NO],
    ] as const) {
      for (const voter of voters) {
        const cast: TransactionInstruction[] = [];
        await withCastVote(
          cast,
          program,
          PROGRAM_VERSION,
          plan.realm,
          plan.governance,
          proposal.address,
          proposal.tokenOwnerRecord,
          DEMO.tokenOwnerRecords[voter],
          DEMO.members[voter],
          mint,
          vote,
          payer.publicKey,
        );
        votes.push({ voter, vote, ixs: cast });
      }
    }
    const signOff: TransactionInstruction[] = [];
    withSignOffProposal(
      signOff,
      program,
      PROGRAM_VERSION,
      plan.realm,
      plan.governance,
      proposal.address,
      author.publicKey,
      undefined,
      proposal.tokenOwnerRecord,
    );

    chain.atTime(proposal.votingAt - DRAFT_SECONDS_BEFORE_VOTING, () => {
      send(chain, `CreateProposal "${proposal.key}"`, payer, [author], create);
      inserts.forEach((insert, index) => send(chain, `InsertTransaction ${index} of "${proposal.key}"`, payer, [author], insert));
    });
    chain.atTime(proposal.votingAt, () => {
      send(chain, `SignOffProposal "${proposal.key}"`, payer, [author], signOff);
      for (const { voter, ixs: cast } of votes) send(chain, `CastVote by ${voter} on "${proposal.key}"`, payer, [memberKey(voter)], cast);
    });
  }
}
