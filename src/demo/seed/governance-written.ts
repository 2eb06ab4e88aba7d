// The demo governance as written accounts: every account in the SPL Governance v3 layout the
// program would leave, for a chain that does not run the program (a fresh clone offline).
// Readable and reviewable; nothing here can be executed.
import type { PublicKey } from '@solana/web3.js';
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from '@solana/spl-token';
import type { ChainWriter } from '../../chain/embedded/types.js';
import { DEMO, DEMO_REALM_NAME, GOVERNANCE_PROGRAM_ID } from '../addresses.js';
import {
  encodeGovernance,
  encodeProposalTransaction,
  encodeRealm,
  encodeRealmConfig,
  encodeTokenOwnerRecord,
  encodeVotingProposal,
} from './governance-accounts.js';
import { demoGovernanceConfig } from './governance-config.js';
import {
  COMMUNITY_DECIMALS,
  DEMO_MEMBERS,
  DEMO_MEMBER_TOKENS,
  DEMO_MIN_TOKENS_TO_CREATE_GOVERNANCE,
  type GovernancePlan,
} from './governance.js';
import { rentExemptLamports } from './rent.js';
import { encodeMint, encodeTokenAccount } from './token-layouts.js';

function put(chain: ChainWriter, address: PublicKey, owner: PublicKey, data: Uint8Array): void {
  chain.setAccount(address, { lamports: rentExemptLamports(data.length), data, owner });
}

export function writeGovernanceAccounts(chain: ChainWriter, plan: GovernancePlan): void {
  // Community token: minted by the DAO itself, deposits held by the realm, the rest in wallets.
  const deposited = DEMO_MEMBERS.reduce((total, m) => total + DEMO_MEMBER_TOKENS[m].deposited, 0n);
  put(
    chain,
    DEMO.communityMint,
    TOKEN_PROGRAM_ID,
    encodeMint({ mintAuthority: DEMO.governance, freezeAuthority: null, supply: plan.communityMint.supply, decimals: COMMUNITY_DECIMALS }),
  );
  put(
    chain,
    DEMO.communityTokenHolding,
    TOKEN_PROGRAM_ID,
    encodeTokenAccount({ mint: DEMO.communityMint, owner: DEMO.realm, amount: deposited }),
  );
  for (const member of DEMO_MEMBERS) {
    const wallet = getAssociatedTokenAddressSync(
      DEMO.communityMint,
      DEMO.members[member],
      false,
      TOKEN_PROGRAM_ID,
      ASSOCIATED_TOKEN_PROGRAM_ID,
    );
    put(
      chain,
      wallet,
      TOKEN_PROGRAM_ID,
      encodeTokenAccount({ mint: DEMO.communityMint, owner: DEMO.members[member], amount: DEMO_MEMBER_TOKENS[member].wallet }),
    );
  }

  put(
    chain,
    DEMO.realm,
    GOVERNANCE_PROGRAM_ID,
    encodeRealm({
      communityMint: DEMO.communityMint,
      // The realm's authority was handed to its own governance, as Realms recommends.
      authority: DEMO.governance,
      name: DEMO_REALM_NAME,
      minCommunityTokensToCreateGovernance: DEMO_MIN_TOKENS_TO_CREATE_GOVERNANCE,
    }),
  );
  put(chain, DEMO.realmConfig, GOVERNANCE_PROGRAM_ID, encodeRealmConfig(DEMO.realm));
  put(
    chain,
    DEMO.governance,
    GOVERNANCE_PROGRAM_ID,
    encodeGovernance({
      realm: DEMO.realm,
      governedAccount: DEMO.governedAccount,
      config: demoGovernanceConfig(),
      activeProposalCount: BigInt(plan.proposals.length),
    }),
  );

  for (const member of DEMO_MEMBERS) {
    const votes = plan.proposals.filter((p) => p.voters.yes.includes(member) || p.voters.no.includes(member)).length;
    put(
      chain,
      DEMO.tokenOwnerRecords[member],
      GOVERNANCE_PROGRAM_ID,
      encodeTokenOwnerRecord({
        realm: DEMO.realm,
        governingTokenMint: DEMO.communityMint,
        owner: DEMO.members[member],
        depositAmount: DEMO_MEMBER_TOKENS[member].deposited,
        unrelinquishedVotes: votes,
        // Proposals still in Voting count as outstanding for their author.
        outstandingProposals: plan.proposals.filter((p) => p.author === member).length,
        ...(plan.delegation.member === member ? { governanceDelegate: plan.delegation.delegate } : {}),
      }),
    );
  }

  for (const proposal of plan.proposals) {
    put(
      chain,
      proposal.address,
      GOVERNANCE_PROGRAM_ID,
      encodeVotingProposal({
        governance: DEMO.governance,
        governingTokenMint: DEMO.communityMint,
        tokenOwnerRecord: proposal.tokenOwnerRecord,
        name: proposal.name,
        descriptionLink: proposal.description,
        yesVotes: proposal.yesVotes,
        noVotes: proposal.noVotes,
        transactionsCount: proposal.transactions.length,
        draftAt: proposal.votingAt - 3_600n,
        votingAt: proposal.votingAt,
        votingAtSlot: proposal.votingAtSlot,
      }),
    );
    proposal.transactions.forEach((transaction, index) => {
      put(
        chain,
        transaction.address,
        GOVERNANCE_PROGRAM_ID,
        encodeProposalTransaction({
          proposal: proposal.address,
          optionIndex: 0,
          transactionIndex: index,
          holdUpTime: proposal.holdUpTime,
          instructions: transaction.instructions,
        }),
      );
    });
  }
}
