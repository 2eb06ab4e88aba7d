// SPL Governance (Realms) account data, serialized with @solana/spl-governance's own borsh
// schema so that its parsers (and every Realms client) read the demo DAO back. The program
// binary is not on the embedded chain: these accounts are data only, sized as program v3
// allocates them (trailing reserved space included, which the SDK schema leaves out).
import BN from 'bn.js';
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import {
  GovernanceAccountType,
  Governance,
  GovernanceConfig,
  GoverningTokenConfig,
  GoverningTokenType,
  InstructionExecutionFlags,
  InstructionExecutionStatus,
  MintMaxVoteWeightSource,
  OptionVoteResult,
  Proposal,
  ProposalOption,
  ProposalState,
  ProposalTransaction,
  Realm,
  RealmConfig,
  RealmConfigAccount,
  TokenOwnerRecord,
  VoteType,
  createInstructionData,
  getGovernanceSchemaForAccount,
} from '@solana/spl-governance';
import { serialize } from 'borsh';

/** spl-governance's classes hold bn.js numbers for u64 fields. */
export const u64 = (value: bigint): BN => new BN(value.toString(), 10);

// Program v3 sizes (get_max_size): the account is allocated at this size and the serialized
// struct is written at its start, leaving zeros behind it.
const TOKEN_OWNER_RECORD_V2_SIZE = 282;
const GOVERNANCE_V2_SIZE = 236;
// RealmConfigAccount: as the program's CreateRealm allocates it (measured on the mainnet binary).
const REALM_CONFIG_SIZE = 293;
// RealmV2: 264 bytes (council mint counted as present, 128 reserved) plus the name.
const REALM_V2_FIXED_SIZE = 264;
const PROPOSAL_TRANSACTION_V2_RESERVED = 8;

function serializeAccount(accountType: GovernanceAccountType, value: object, size?: number): Uint8Array {
  const bytes = serialize(getGovernanceSchemaForAccount(accountType), value);
  const data = new Uint8Array(Math.max(size ?? 0, bytes.length));
  data.set(bytes);
  return data;
}

/** borsh writes `null` as None; spl-governance's parsers give None back as undefined. */
function none<T>(): T {
  return null as T;
}

export interface RealmFields {
  communityMint: PublicKey;
  /** The council's mint; none for a community-only realm. */
  councilMint?: PublicKey;
  authority: PublicKey;
  name: string;
  minCommunityTokensToCreateGovernance: bigint;
}

export function encodeRealm(f: RealmFields): Uint8Array {
  const realm = new Realm({
    communityMint: f.communityMint,
    reserved: new Uint8Array(6),
    config: new RealmConfig({
      councilMint: f.councilMint ?? none(),
      communityMintMaxVoteWeightSource: MintMaxVoteWeightSource.FULL_SUPPLY_FRACTION,
      minCommunityTokensToCreateGovernance: u64(f.minCommunityTokensToCreateGovernance),
      reserved: new Uint8Array(6),
      useCommunityVoterWeightAddin: 0 as unknown as boolean,
      useMaxCommunityVoterWeightAddin: 0 as unknown as boolean,
    }),
    votingProposalCount: 0, // legacy field in v3
    authority: f.authority,
    name: f.name,
  });
  realm.accountType = GovernanceAccountType.RealmV2;
  return serializeAccount(GovernanceAccountType.RealmV2, realm, REALM_V2_FIXED_SIZE + Buffer.byteLength(f.name));
}

function liquidTokenConfig(): GoverningTokenConfig {
  return new GoverningTokenConfig({
    voterWeightAddin: none(),
    maxVoterWeightAddin: none(),
    tokenType: GoverningTokenType.Liquid,
    reserved: new Uint8Array(8),
  });
}

/** The realm's config account: no voter-weight plugins, both tokens liquid. */
export function encodeRealmConfig(realm: PublicKey): Uint8Array {
  const account = new RealmConfigAccount({
    realm,
    communityTokenConfig: liquidTokenConfig(),
    councilTokenConfig: liquidTokenConfig(),
    reserved: new Uint8Array(110),
  });
  return serializeAccount(GovernanceAccountType.RealmConfig, account, REALM_CONFIG_SIZE);
}

export interface GovernanceFields {
  realm: PublicKey;
  governedAccount: PublicKey;
  config: GovernanceConfig;
  activeProposalCount: bigint;
}

export function encodeGovernance(f: GovernanceFields): Uint8Array {
  const governance = new Governance({
    accountType: GovernanceAccountType.GovernanceV2,
    realm: f.realm,
    governedAccount: f.governedAccount,
    config: f.config,
    proposalCount: 0, // legacy field in v3 (proposals are addressed by seed)
    reserved: new Uint8Array(120),
    activeProposalCount: u64(f.activeProposalCount),
  });
  return serializeAccount(GovernanceAccountType.GovernanceV2, governance, GOVERNANCE_V2_SIZE);
}

export interface TokenOwnerRecordFields {
  realm: PublicKey;
  governingTokenMint: PublicKey;
  owner: PublicKey;
  depositAmount: bigint;
  unrelinquishedVotes: number;
  outstandingProposals: number;
  /** Who may vote and propose with this record besides its owner. */
  governanceDelegate?: PublicKey;
}

export function encodeTokenOwnerRecord(f: TokenOwnerRecordFields): Uint8Array {
  const record = new TokenOwnerRecord({
    realm: f.realm,
    governingTokenMint: f.governingTokenMint,
    governingTokenOwner: f.owner,
    governingTokenDepositAmount: u64(f.depositAmount),
    unrelinquishedVotesCount: f.unrelinquishedVotes,
    // The SDK reads v3's u64 unrelinquished count as two u32s; the high half is 0.
    totalVotesCount: 0,
    outstandingProposalCount: f.outstandingProposals,
    reserved: new Uint8Array(6),
    governanceDelegate: f.governanceDelegate ?? none(),
    version: 1,
  });
  record.accountType = GovernanceAccountType.TokenOwnerRecordV2;
  return serializeAccount(GovernanceAccountType.TokenOwnerRecordV2, record, TOKEN_OWNER_RECORD_V2_SIZE);
}

export interface ProposalFields {
  governance: PublicKey;
  governingTokenMint: PublicKey;
  tokenOwnerRecord: PublicKey;
  name: string;
  /** Realms stores a link here; the demo stores the description text itself. */
  descriptionLink: string;
  yesVotes: bigint;
  noVotes: bigint;
  /** Number of ProposalTransaction accounts of the single "Approve" option. */
  transactionsCount: number;
  draftAt: bigint;
  votingAt: bigint;
  votingAtSlot: bigint;
}

/** A single-choice proposal in Voting state, signed off by its one signatory. */
export function encodeVotingProposal(f: ProposalFields): Uint8Array {
  const proposal = new Proposal({
    accountType: GovernanceAccountType.ProposalV2,
    governance: f.governance,
    governingTokenMint: f.governingTokenMint,
    state: ProposalState.Voting,
    tokenOwnerRecord: f.tokenOwnerRecord,
    signatoriesCount: 1,
    signatoriesSignedOffCount: 1,
    descriptionLink: f.descriptionLink,
    name: f.name,
    yesVotesCount: u64(0n),
    noVotesCount: u64(0n),
    instructionsExecutedCount: 0,
    instructionsCount: 0,
    instructionsNextIndex: 0,
    voteType: VoteType.SINGLE_CHOICE,
    options: [
      new ProposalOption({
        label: 'Approve',
        voteWeight: u64(f.yesVotes),
        voteResult: OptionVoteResult.None,
        instructionsExecutedCount: 0,
        instructionsCount: f.transactionsCount,
        instructionsNextIndex: f.transactionsCount,
      }),
    ],
    denyVoteWeight: u64(f.noVotes),
    reserved1: 0,
    abstainVoteWeight: none(),
    startVotingAt: none(),
    maxVotingTime: none(),
    draftAt: u64(f.draftAt),
    signingOffAt: u64(f.votingAt),
    votingAt: u64(f.votingAt),
    votingAtSlot: u64(f.votingAtSlot),
    votingCompletedAt: none(),
    executingAt: none(),
    closedAt: none(),
    executionFlags: InstructionExecutionFlags.None,
    // Set by the program when the vote is finalized, not while it runs.
    maxVoteWeight: none(),
    voteThreshold: none(),
    vetoVoteWeight: u64(0n),
  });
  (proposal as Proposal & { reserved: Uint8Array }).reserved = new Uint8Array(64);
  return serializeAccount(GovernanceAccountType.ProposalV2, proposal);
}

export interface ProposalTransactionFields {
  proposal: PublicKey;
  optionIndex: number;
  transactionIndex: number;
  holdUpTime: number;
  instructions: readonly TransactionInstruction[];
}

export function encodeProposalTransaction(f: ProposalTransactionFields): Uint8Array {
  const transaction = new ProposalTransaction({
    accountType: GovernanceAccountType.ProposalTransactionV2,
    proposal: f.proposal,
    optionIndex: f.optionIndex,
    instructionIndex: f.transactionIndex,
    holdUpTime: f.holdUpTime,
    instruction: none(),
    instructions: f.instructions.map((ix) => createInstructionData(ix)),
    executedAt: none(),
    executionStatus: InstructionExecutionStatus.None,
  });
  const bytes = serializeAccount(GovernanceAccountType.ProposalTransactionV2, transaction);
  const data = new Uint8Array(bytes.length + PROPOSAL_TRANSACTION_V2_RESERVED);
  data.set(bytes);
  return data;
}

export { GovernanceConfig };
