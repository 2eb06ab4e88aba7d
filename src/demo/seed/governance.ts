// Writes the demo DAO's Realms governance into the chain: the community mint and its
// holders, the realm and its config, the treasury's governance, the members' token owner
// records, and the open proposals with their transactions. Account data only: the SPL
// Governance program itself is not on the embedded chain, so nothing here can be executed.
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from '@solana/spl-token';
import type { ChainClock, ChainWriter } from '../../chain/embedded/types.js';
import { DEMO, DEMO_REALM_NAME, GOVERNANCE_PROGRAM_ID, proposalTransactionAddress, type DemoMember, type DemoProposalKey } from '../addresses.js';
import {
  encodeGovernance,
  encodeProposalTransaction,
  encodeRealm,
  encodeRealmConfig,
  encodeTokenOwnerRecord,
  encodeVotingProposal,
} from './governance-accounts.js';
import { DEMO_GOVERNANCE_RULES, DEMO_VOTING_COOL_OFF_SECONDS, demoGovernanceConfig } from './governance-config.js';
import { DEMO_PROPOSALS } from './proposals.js';
import { rentExemptLamports } from './rent.js';
import { encodeMint, encodeTokenAccount } from './token-layouts.js';

const COMMUNITY_DECIMALS = 6;
const tokens = (whole: bigint): bigint => whole * 10n ** BigInt(COMMUNITY_DECIMALS);

/** Community tokens each member deposited into the realm (their voting power) and kept in their wallet. */
export const DEMO_MEMBER_TOKENS: Record<DemoMember, { deposited: bigint; wallet: bigint }> = {
  alice: { deposited: tokens(12_000_000n), wallet: tokens(5_000_000n) },
  bob: { deposited: tokens(8_000_000n), wallet: tokens(6_000_000n) },
  carol: { deposited: tokens(5_000_000n), wallet: tokens(4_000_000n) },
};
const MEMBERS = Object.keys(DEMO_MEMBER_TOKENS) as DemoMember[];
const SLOT_SECONDS = 0.4;

export interface SeededProposal {
  key: DemoProposalKey;
  address: PublicKey;
  name: string;
  description: string;
  author: DemoMember;
  tokenOwnerRecord: PublicKey;
  yesVotes: bigint;
  noVotes: bigint;
  /** Unix seconds. Voting ends at votingAt + baseVotingTime; the cool-off follows. */
  votingAt: bigint;
  votingEndsAt: bigint;
  holdUpTime: number;
  /** ProposalTransaction accounts (option 0), with the instructions each holds. */
  transactions: { address: PublicKey; instructions: TransactionInstruction[] }[];
  why: string;
}

export interface SeededGovernance {
  realm: PublicKey;
  governance: PublicKey;
  communityMint: { address: PublicKey; decimals: number; supply: bigint };
  /** Yes votes a proposal needs (threshold × supply, as the program computes it at finalization). */
  passingVotes: bigint;
  rules: typeof DEMO_GOVERNANCE_RULES & { votingCoolOffTime: number };
  proposals: SeededProposal[];
}

function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

function put(chain: ChainWriter, address: PublicKey, owner: PublicKey, data: Uint8Array): void {
  chain.setAccount(address, { lamports: rentExemptLamports(data.length), data, owner });
}

export function seedGovernance(chain: ChainWriter, clock: ChainClock): SeededGovernance {
  // Community token: minted by the DAO itself, deposits held by the realm, the rest in wallets.
  const deposited = sum(MEMBERS.map((m) => DEMO_MEMBER_TOKENS[m].deposited));
  const supply = deposited + sum(MEMBERS.map((m) => DEMO_MEMBER_TOKENS[m].wallet));
  put(chain, DEMO.communityMint, TOKEN_PROGRAM_ID, encodeMint({ mintAuthority: DEMO.governance, freezeAuthority: null, supply, decimals: COMMUNITY_DECIMALS }));
  put(chain, DEMO.communityTokenHolding, TOKEN_PROGRAM_ID, encodeTokenAccount({ mint: DEMO.communityMint, owner: DEMO.realm, amount: deposited }));
  for (const member of MEMBERS) {
    const wallet = getAssociatedTokenAddressSync(DEMO.communityMint, DEMO.members[member], false, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID);
    put(chain, wallet, TOKEN_PROGRAM_ID, encodeTokenAccount({ mint: DEMO.communityMint, owner: DEMO.members[member], amount: DEMO_MEMBER_TOKENS[member].wallet }));
  }

  put(chain, DEMO.realm, GOVERNANCE_PROGRAM_ID, encodeRealm({
    communityMint: DEMO.communityMint,
    // The realm's authority was handed to its own governance, as Realms recommends.
    authority: DEMO.governance,
    name: DEMO_REALM_NAME,
    minCommunityTokensToCreateGovernance: tokens(1_000_000n),
  }));
  put(chain, DEMO.realmConfig, GOVERNANCE_PROGRAM_ID, encodeRealmConfig(DEMO.realm));
  put(chain, DEMO.governance, GOVERNANCE_PROGRAM_ID, encodeGovernance({
    realm: DEMO.realm,
    governedAccount: DEMO.governedAccount,
    config: demoGovernanceConfig(),
    activeProposalCount: BigInt(DEMO_PROPOSALS.length),
  }));

  for (const member of MEMBERS) {
    const votes = DEMO_PROPOSALS.filter((p) => p.yes.includes(member) || p.no.includes(member)).length;
    put(chain, DEMO.tokenOwnerRecords[member], GOVERNANCE_PROGRAM_ID, encodeTokenOwnerRecord({
      realm: DEMO.realm,
      governingTokenMint: DEMO.communityMint,
      owner: DEMO.members[member],
      depositAmount: DEMO_MEMBER_TOKENS[member].deposited,
      unrelinquishedVotes: votes,
      // Proposals still in Voting count as outstanding for their author.
      outstandingProposals: DEMO_PROPOSALS.filter((p) => p.author === member).length,
    }));
  }

  const proposals = DEMO_PROPOSALS.map((definition): SeededProposal => {
    const address = DEMO.proposals[definition.key];
    const votingAt = clock.unixTimestamp - BigInt(definition.votingStartedAgo);
    const slotsAgo = BigInt(Math.round(definition.votingStartedAgo / SLOT_SECONDS));
    const yesVotes = sum(definition.yes.map((m) => DEMO_MEMBER_TOKENS[m].deposited));
    const noVotes = sum(definition.no.map((m) => DEMO_MEMBER_TOKENS[m].deposited));
    const transactions = definition.transactions().map((instructions, index) => ({
      address: proposalTransactionAddress(address, 0, index),
      instructions,
    }));
    put(chain, address, GOVERNANCE_PROGRAM_ID, encodeVotingProposal({
      governance: DEMO.governance,
      governingTokenMint: DEMO.communityMint,
      tokenOwnerRecord: DEMO.tokenOwnerRecords[definition.author],
      name: definition.name,
      descriptionLink: definition.description,
      yesVotes,
      noVotes,
      transactionsCount: transactions.length,
      draftAt: votingAt - 3_600n,
      votingAt,
      votingAtSlot: clock.slot > slotsAgo ? clock.slot - slotsAgo : 0n,
    }));
    transactions.forEach((transaction, index) => {
      put(chain, transaction.address, GOVERNANCE_PROGRAM_ID, encodeProposalTransaction({
        proposal: address,
        optionIndex: 0,
        transactionIndex: index,
        holdUpTime: DEMO_GOVERNANCE_RULES.holdUpTime,
        instructions: transaction.instructions,
      }));
    });
    return {
      key: definition.key,
      address,
      name: definition.name,
      description: definition.description,
      author: definition.author,
      tokenOwnerRecord: DEMO.tokenOwnerRecords[definition.author],
      yesVotes,
      noVotes,
      votingAt,
      votingEndsAt: votingAt + BigInt(DEMO_GOVERNANCE_RULES.baseVotingTime),
      holdUpTime: DEMO_GOVERNANCE_RULES.holdUpTime,
      transactions,
      why: definition.why,
    };
  });

  return {
    realm: DEMO.realm,
    governance: DEMO.governance,
    communityMint: { address: DEMO.communityMint, decimals: COMMUNITY_DECIMALS, supply },
    passingVotes: (supply * BigInt(DEMO_GOVERNANCE_RULES.thresholdPercent)) / 100n,
    rules: { ...DEMO_GOVERNANCE_RULES, votingCoolOffTime: DEMO_VOTING_COOL_OFF_SECONDS },
    proposals,
  };
}
