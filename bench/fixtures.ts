// Bench fixtures written into an in-process embedded chain: more open proposals for the demo
// realm (built from the demo's own proposal definitions with the seed's governance encoders),
// and a treasury scaled to many token accounts over many mints with Pyth prices.
import { MintLayout, AccountLayout, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { Keypair, PublicKey } from '@solana/web3.js';
import type { ChainWriter } from '../src/chain/index.js';
import type { PolicyConfig } from '../src/config/index.js';
import { DEMO, DEMO_PROPOSALS, GOVERNANCE_PROGRAM_ID, PYTH_PROGRAM_ID, proposalTransactionAddress } from '../src/demo/index.js';
import { encodeProposalTransaction, encodeVotingProposal } from '../src/demo/seed/governance-accounts.js';
import { rentExemptLamports } from '../src/demo/seed/rent.js';

const DAY = 86_400n;

/**
 * Writes `count` more open proposals into the demo realm's governance, cycling through the
 * demo's proposal definitions (same instructions, a numbered name so each has its own
 * fingerprint). Returns their addresses.
 */
export function injectProposals(chain: ChainWriter, count: number): PublicKey[] {
  const clock = chain.clock();
  const put = (address: PublicKey, data: Uint8Array) =>
    chain.setAccount(address, { lamports: rentExemptLamports(data.length), data, owner: GOVERNANCE_PROGRAM_ID });
  const addresses: PublicKey[] = [];
  for (let i = 0; i < count; i++) {
    const definition = DEMO_PROPOSALS[i % DEMO_PROPOSALS.length]!;
    const address = Keypair.generate().publicKey;
    const transactions = definition.transactions();
    const votingAt = clock.unixTimestamp - DAY / 2n;
    put(
      address,
      encodeVotingProposal({
        governance: DEMO.governance,
        governingTokenMint: DEMO.communityMint,
        tokenOwnerRecord: DEMO.tokenOwnerRecords[definition.author],
        name: `${definition.name} (bench #${i + 1})`,
        descriptionLink: `${definition.description}\n\nBench copy ${i + 1}.`,
        yesVotes: 0n,
        noVotes: 0n,
        transactionsCount: transactions.length,
        draftAt: votingAt - 3_600n,
        votingAt,
        votingAtSlot: clock.slot > 100_000n ? clock.slot - 100_000n : 0n,
      }),
    );
    transactions.forEach((instructions, index) => {
      put(
        proposalTransactionAddress(address, 0, index),
        encodeProposalTransaction({ proposal: address, optionIndex: 0, transactionIndex: index, holdUpTime: 86_400, instructions }),
      );
    });
    addresses.push(address);
  }
  return addresses;
}

/**
 * Adds `mints` mints (each with a Pyth price account copied from `priceTemplate`) and `accounts`
 * token accounts owned by `owner`, spread over those mints. Returns the token table entries to
 * add to a policy's `tokens:`.
 */
export function scaleTreasury(
  chain: ChainWriter,
  owner: PublicKey,
  options: { accounts: number; mints: number; priceTemplate: PublicKey },
): PolicyConfig['tokens'] {
  const tokens: PolicyConfig['tokens'] = {};
  const price = chain.getAccount(options.priceTemplate);
  if (!price) throw new Error(`no price account at ${options.priceTemplate.toBase58()}`);
  const mints = Array.from({ length: options.mints }, (_, index) => {
    const mint = Keypair.generate().publicKey;
    const data = Buffer.alloc(MintLayout.span);
    MintLayout.encode(
      {
        mintAuthorityOption: 0,
        mintAuthority: PublicKey.default,
        supply: 10n ** 18n,
        decimals: 6,
        isInitialized: true,
        freezeAuthorityOption: 0,
        freezeAuthority: PublicKey.default,
      },
      data,
    );
    chain.setAccount(mint, { lamports: 1_461_600n, data, owner: TOKEN_PROGRAM_ID });
    const pyth = Keypair.generate().publicKey;
    chain.setAccount(pyth, { lamports: price.lamports, data: price.data, owner: PYTH_PROGRAM_ID });
    tokens[`T${index}`] = { mint: mint.toBase58() as never, decimals: 6, pyth: pyth.toBase58() as never, stable: false };
    return mint;
  });
  for (let index = 0; index < options.accounts; index++) {
    const data = Buffer.alloc(AccountLayout.span);
    AccountLayout.encode(
      {
        mint: mints[index % options.mints]!,
        owner,
        amount: 1_000_000n,
        delegateOption: 0,
        delegate: PublicKey.default,
        state: 1,
        isNativeOption: 0,
        isNative: 0n,
        delegatedAmount: 0n,
        closeAuthorityOption: 0,
        closeAuthority: PublicKey.default,
      },
      data,
    );
    chain.setAccount(Keypair.generate().publicKey, { lamports: 2_039_280n, data, owner: TOKEN_PROGRAM_ID });
  }
  return tokens;
}
