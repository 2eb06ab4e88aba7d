// The demo governance as written accounts: every account in the SPL Governance v3 layout the
// program would leave, for a chain that does not run the program (a fresh clone offline).
// Readable and reviewable; nothing here can be executed.
import type { PublicKey } from '@solana/web3.js';
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from '@solana/spl-token';
import type { ChainWriter } from '../../chain/embedded/types.js';
import { DEMO, DEMO_REALM_NAME, GOVERNANCE_PROGRAM_ID, type DemoMember } from '../addresses.js';
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

/** A mint the DAO's governance mints, its deposits held by the realm and the rest in the members' wallets. */
function writeGoverningToken(
  chain: ChainWriter,
  token: { mint: PublicKey; holding: PublicKey; decimals: number; supply: bigint },
  members: { member: DemoMember; deposited: bigint; wallet: bigint }[],
): void {
  put(
    chain,
    token.mint,
    TOKEN_PROGRAM_ID,
    encodeMint({ mintAuthority: DEMO.governance, freezeAuthority: null, supply: token.supply, decimals: token.decimals }),
  );
  const deposited = members.reduce((total, m) => total + m.deposited, 0n);
  put(chain, token.holding, TOKEN_PROGRAM_ID, encodeTokenAccount({ mint: token.mint, owner: DEMO.realm, amount: deposited }));
  for (const { member, wallet } of members) {
    const address = getAssociatedTokenAddressSync(token.mint, DEMO.members[member], false, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID);
    put(chain, address, TOKEN_PROGRAM_ID, encodeTokenAccount({ mint: token.mint, owner: DEMO.members[member], amount: wallet }));
  }
}

export function writeGovernanceAccounts(chain: ChainWriter, plan: GovernancePlan): void {
  // Community token: minted by the DAO itself, deposits held by the realm, the rest in wallets.
  writeGoverningToken(
    chain,
    { mint: DEMO.communityMint, holding: DEMO.communityTokenHolding, decimals: COMMUNITY_DECIMALS, supply: plan.communityMint.supply },
    DEMO_MEMBERS.map((member) => ({ member, ...DEMO_MEMBER_TOKENS[member] })),
  );
  // Council token: every seat deposited, the wallets empty (as the program's deposits leave them).
  writeGoverningToken(
    chain,
    { mint: DEMO.councilMint, holding: DEMO.councilTokenHolding, decimals: plan.councilMint.decimals, supply: plan.councilMint.supply },
    plan.council.map(({ member, deposited }) => ({ member, deposited, wallet: 0n })),
  );

  put(
    chain,
    DEMO.realm,
    GOVERNANCE_PROGRAM_ID,
    encodeRealm({
      communityMint: DEMO.communityMint,
      councilMint: DEMO.councilMint,
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

  for (const { member, tokenOwnerRecord, deposited } of plan.council) {
    put(
      chain,
      tokenOwnerRecord,
      GOVERNANCE_PROGRAM_ID,
      encodeTokenOwnerRecord({
        realm: DEMO.realm,
        governingTokenMint: DEMO.councilMint,
        owner: DEMO.members[member],
        depositAmount: deposited,
        unrelinquishedVotes: 0,
        outstandingProposals: 0,
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
