// The demo DAO's Realms governance: one description (the plan: community and council mints
// and their holders, realm, the treasury's governance, members' token owner records with the agent as a
// governance delegate of one of them, the open proposals with their transactions and votes)
// and two ways to materialise it (seed-governance.ts). Where the SPL Governance program runs on the chain, the
// program itself creates every governance account from real instructions
// (governance-program.ts); where it does not, the accounts are written with the program's v3
// layouts (governance-written.ts), readable and reviewable, not executable.
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import type { ChainClock } from '../../chain/embedded/types.js';
import { DEMO, proposalTransactionAddress, type DemoMember, type DemoProposalKey } from '../addresses.js';
import { DEMO_GOVERNANCE_RULES, DEMO_VOTING_COOL_OFF_SECONDS } from './governance-config.js';
import { DEMO_PROPOSALS } from './proposals.js';

export const COMMUNITY_DECIMALS = 6;
export const communityTokens = (whole: bigint): bigint => whole * 10n ** BigInt(COMMUNITY_DECIMALS);

/** Community tokens each member deposited into the realm (their voting power) and kept in their wallet. */
export const DEMO_MEMBER_TOKENS: Record<DemoMember, { deposited: bigint; wallet: bigint }> = {
  alice: { deposited: communityTokens(12_000_000n), wallet: communityTokens(5_000_000n) },
  bob: { deposited: communityTokens(8_000_000n), wallet: communityTokens(6_000_000n) },
  carol: { deposited: communityTokens(5_000_000n), wallet: communityTokens(4_000_000n) },
};
export const DEMO_MEMBERS = Object.keys(DEMO_MEMBER_TOKENS) as DemoMember[];
/** Council tokens are seats: 0 decimals, one token one vote. */
export const COUNCIL_DECIMALS = 0;
/** Council tokens each member deposited (all they hold: their wallets keep none). */
export const DEMO_COUNCIL_TOKENS: Record<DemoMember, bigint> = { alice: 1n, bob: 1n, carol: 1n };
/** Community tokens needed to create a governance in the realm. */
export const DEMO_MIN_TOKENS_TO_CREATE_GOVERNANCE = communityTokens(1_000_000n);
/** Alice made the agent key the governance delegate of her token owner record: it votes with her weight, holding no tokens. */
export const DEMO_VOTE_DELEGATION: { member: DemoMember; delegate: PublicKey } = { member: 'alice', delegate: DEMO.agent };
const SLOT_SECONDS = 0.4;

/** How the governance accounts came to be. */
export type GovernanceSeedMode = 'program' | 'written';

export interface SeededProposal {
  key: DemoProposalKey;
  address: PublicKey;
  name: string;
  description: string;
  author: DemoMember;
  tokenOwnerRecord: PublicKey;
  /** Who voted yes and no (each with all their deposited tokens). */
  voters: { yes: readonly DemoMember[]; no: readonly DemoMember[] };
  yesVotes: bigint;
  noVotes: bigint;
  /** Unix seconds. Voting ends at votingAt + baseVotingTime; the cool-off follows. */
  votingAt: bigint;
  votingEndsAt: bigint;
  /** The chain slot the written seed records for votingAt (the program records the slot it ran in). */
  votingAtSlot: bigint;
  holdUpTime: number;
  /** ProposalTransaction accounts (option 0), with the instructions each holds. */
  transactions: { address: PublicKey; instructions: TransactionInstruction[] }[];
  why: string;
}

export interface SeededGovernance {
  /** 'program': created by the SPL Governance program from real instructions; 'written': account data only. */
  mode: GovernanceSeedMode;
  realm: PublicKey;
  governance: PublicKey;
  communityMint: { address: PublicKey; decimals: number; supply: bigint };
  /** The council's mint (0 decimals), its supply all deposited by the council members. */
  councilMint: { address: PublicKey; decimals: number; supply: bigint };
  /** Council seats: each member's council token owner record and deposit. */
  council: { member: DemoMember; tokenOwnerRecord: PublicKey; deposited: bigint }[];
  /** Yes votes a proposal needs (threshold × supply, as the program computes it at finalization). */
  passingVotes: bigint;
  rules: typeof DEMO_GOVERNANCE_RULES & { votingCoolOffTime: number };
  delegation: { member: DemoMember; tokenOwnerRecord: PublicKey; delegate: PublicKey };
  proposals: SeededProposal[];
}

/** What both materialisers build. */
export type GovernancePlan = Omit<SeededGovernance, 'mode'>;

function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

/** The demo governance as seeded against `clock`: addresses, votes, times and instructions. */
export function planGovernance(clock: ChainClock): GovernancePlan {
  const supply = sum(DEMO_MEMBERS.map((m) => DEMO_MEMBER_TOKENS[m].deposited + DEMO_MEMBER_TOKENS[m].wallet));
  const proposals = DEMO_PROPOSALS.map((definition): SeededProposal => {
    const address = DEMO.proposals[definition.key];
    const votingAt = clock.unixTimestamp - BigInt(definition.votingStartedAgo);
    const slotsAgo = BigInt(Math.round(definition.votingStartedAgo / SLOT_SECONDS));
    return {
      key: definition.key,
      address,
      name: definition.name,
      description: definition.description,
      author: definition.author,
      tokenOwnerRecord: DEMO.tokenOwnerRecords[definition.author],
      voters: { yes: definition.yes, no: definition.no },
      yesVotes: sum(definition.yes.map((m) => DEMO_MEMBER_TOKENS[m].deposited)),
      noVotes: sum(definition.no.map((m) => DEMO_MEMBER_TOKENS[m].deposited)),
      votingAt,
      votingEndsAt: votingAt + BigInt(DEMO_GOVERNANCE_RULES.baseVotingTime),
      votingAtSlot: clock.slot > slotsAgo ? clock.slot - slotsAgo : 0n,
      holdUpTime: DEMO_GOVERNANCE_RULES.holdUpTime,
      transactions: definition
        .transactions()
        .map((instructions, index) => ({ address: proposalTransactionAddress(address, 0, index), instructions })),
      why: definition.why,
    };
  });
  return {
    realm: DEMO.realm,
    governance: DEMO.governance,
    communityMint: { address: DEMO.communityMint, decimals: COMMUNITY_DECIMALS, supply },
    councilMint: { address: DEMO.councilMint, decimals: COUNCIL_DECIMALS, supply: sum(DEMO_MEMBERS.map((m) => DEMO_COUNCIL_TOKENS[m])) },
    council: DEMO_MEMBERS.map((member) => ({
      member,
      tokenOwnerRecord: DEMO.councilTokenOwnerRecords[member],
      deposited: DEMO_COUNCIL_TOKENS[member],
    })),
    passingVotes: (supply * BigInt(DEMO_GOVERNANCE_RULES.thresholdPercent)) / 100n,
    rules: { ...DEMO_GOVERNANCE_RULES, votingCoolOffTime: DEMO_VOTING_COOL_OFF_SECONDS },
    delegation: { ...DEMO_VOTE_DELEGATION, tokenOwnerRecord: DEMO.tokenOwnerRecords[DEMO_VOTE_DELEGATION.member] },
    proposals,
  };
}
