// The demo DAO's addresses, derived from fixed seeds so that docs, example configs and tests
// can name them. Never use these keys for anything real: their seeds are public.
import { createHash } from 'node:crypto';
import { Keypair, PublicKey } from '@solana/web3.js';
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from '@solana/spl-token';

/** SPL Governance program (mainnet deployment id); on the embedded chain its accounts are data only. */
export const GOVERNANCE_PROGRAM_ID = new PublicKey('GovER5Lthms3bLBqWub97yVrMmEogzX7xNjdXpPPCVZw');
/** Pyth oracle program (mainnet) that owns the legacy price accounts the demo injects. */
export const PYTH_PROGRAM_ID = new PublicKey('FsJ3A3u2vn5cTVofAjvy6y5kwABJAqYWpe4975bi2epH');

export const DEMO_REALM_NAME = 'Steward Demo DAO';

/** A keypair derived from a public seed: deterministic, and therefore for the demo only. */
export function demoKeypair(label: string): Keypair {
  let keypair = demoKeys.get(label);
  if (!keypair) {
    // Deriving the public half is ~1.5 ms of ed25519 in JavaScript: once per label.
    keypair = Keypair.fromSeed(createHash('sha256').update(`steward-demo/v1/${label}`).digest());
    demoKeys.set(label, keypair);
  }
  return keypair;
}
const demoKeys = new Map<string, Keypair>();

export interface DemoMint {
  symbol: string;
  decimals: number;
  program: PublicKey;
  stable: boolean;
  /** USD price the demo oracle publishes. */
  price: number;
}

/** The demo's tokens. PYUSD is a Token-2022 mint with a permanent delegate: a risk the analysis must flag. */
export const DEMO_MINTS = {
  USDC: { symbol: 'USDC', decimals: 6, program: TOKEN_PROGRAM_ID, stable: true, price: 1.0 },
  USDT: { symbol: 'USDT', decimals: 6, program: TOKEN_PROGRAM_ID, stable: true, price: 0.9915 },
  JUP: { symbol: 'JUP', decimals: 6, program: TOKEN_PROGRAM_ID, stable: false, price: 0.82 },
  jitoSOL: { symbol: 'jitoSOL', decimals: 9, program: TOKEN_PROGRAM_ID, stable: false, price: 182.4 },
  PYUSD: { symbol: 'PYUSD', decimals: 6, program: TOKEN_2022_PROGRAM_ID, stable: true, price: 1.0 },
} as const satisfies Record<string, DemoMint>;

export type DemoSymbol = keyof typeof DEMO_MINTS;
export const SOL_PRICE = 150.0;

function pda(seeds: (Buffer | Uint8Array)[], program: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(seeds, program)[0];
}

const realm = pda([Buffer.from('governance'), Buffer.from(DEMO_REALM_NAME)], GOVERNANCE_PROGRAM_ID);
const communityMint = demoKeypair('mint/community').publicKey;
/** The council's token (0 decimals: one token, one council seat). */
const councilMint = demoKeypair('mint/council').publicKey;
const governedAccount = demoKeypair('governed-account').publicKey;
const governance = pda([Buffer.from('account-governance'), realm.toBuffer(), governedAccount.toBuffer()], GOVERNANCE_PROGRAM_ID);
const nativeTreasury = pda([Buffer.from('native-treasury'), governance.toBuffer()], GOVERNANCE_PROGRAM_ID);

const mints = Object.fromEntries(Object.keys(DEMO_MINTS).map((symbol) => [symbol, demoKeypair(`mint/${symbol}`).publicKey])) as Record<
  DemoSymbol,
  PublicKey
>;

const priceAccounts = Object.fromEntries(
  ['SOL', ...Object.keys(DEMO_MINTS)].map((symbol) => [symbol, demoKeypair(`pyth/${symbol}`).publicKey]),
) as Record<DemoSymbol | 'SOL', PublicKey>;

const treasuryTokenAccounts = Object.fromEntries(
  (Object.keys(DEMO_MINTS) as DemoSymbol[]).map((symbol) => [
    symbol,
    getAssociatedTokenAddressSync(mints[symbol], nativeTreasury, true, DEMO_MINTS[symbol].program, ASSOCIATED_TOKEN_PROGRAM_ID),
  ]),
) as Record<DemoSymbol, PublicKey>;

/** Each member's token owner record for `mint` (v2+ seeds: governance, realm, mint, owner). */
const tokenOwnerRecordsOf = (mint: PublicKey): Record<DemoMember, PublicKey> =>
  Object.fromEntries(
    (['alice', 'bob', 'carol'] as const).map((member) => [
      member,
      pda(
        [Buffer.from('governance'), realm.toBuffer(), mint.toBuffer(), demoKeypair(`member/${member}`).publicKey.toBuffer()],
        GOVERNANCE_PROGRAM_ID,
      ),
    ]),
  ) as Record<DemoMember, PublicKey>;

/** The DAO members: they hold community votes and one council seat each (both deposited in the realm) and authored the proposals. */
export type DemoMember = 'alice' | 'bob' | 'carol';

/** The demo's open proposals, by what makes each one interesting (see docs/DEMO.md). */
export const DEMO_PROPOSAL_KEYS = ['routineGrant', 'configChange', 'largeOutflow', 'setAuthority', 'injection'] as const;
export type DemoProposalKey = (typeof DEMO_PROPOSAL_KEYS)[number];

// SPL Governance v3 derives a proposal's address from a seed chosen by its author.
const proposalSeeds = Object.fromEntries(DEMO_PROPOSAL_KEYS.map((key) => [key, demoKeypair(`proposal-seed/${key}`).publicKey])) as Record<
  DemoProposalKey,
  PublicKey
>;
const proposals = Object.fromEntries(
  DEMO_PROPOSAL_KEYS.map((key) => [
    key,
    pda([Buffer.from('governance'), governance.toBuffer(), communityMint.toBuffer(), proposalSeeds[key].toBuffer()], GOVERNANCE_PROGRAM_ID),
  ]),
) as Record<DemoProposalKey, PublicKey>;

const grantee = demoKeypair('grantee').publicKey;
const stranger = demoKeypair('stranger').publicKey;
const usdcAta = (owner: PublicKey): PublicKey =>
  getAssociatedTokenAddressSync(mints.USDC, owner, true, TOKEN_PROGRAM_ID, ASSOCIATED_TOKEN_PROGRAM_ID);

/** Every named address of the demo DAO. */
export const DEMO = {
  governanceProgram: GOVERNANCE_PROGRAM_ID,
  pythProgram: PYTH_PROGRAM_ID,
  realm,
  communityMint,
  councilMint,
  governedAccount,
  governance,
  /** The DAO's native treasury (a governance PDA): owns the SOL, the token accounts and the stake. */
  nativeTreasury,
  mints,
  priceAccounts,
  treasuryTokenAccounts,
  /** The agent's signing key: holds a small SOL fee float and delegate allowances, no treasury funds. */
  agent: demoKeypair('agent').publicKey,
  /** A validator vote account the treasury stake is delegated to. */
  voteAccount: demoKeypair('vote').publicKey,
  stakeAccount: demoKeypair('stake/1').publicKey,
  /** A service provider the DAO pays routinely (on the policy's allow-list). */
  grantee,
  /** An address the treasury never paid: the hostile proposals' destination. */
  stranger,
  /** The grantee's USDC account (seeded, so the routine grant simulates). */
  granteeUsdcAccount: usdcAta(grantee),
  /** The stranger's USDC account: NOT seeded; the large-outflow proposal creates it. */
  strangerUsdcAccount: usdcAta(stranger),
  /** Mint authority of every demo mint (a demo key: the DAO does not control the stablecoins). */
  mintAuthority: demoKeypair('mint-authority').publicKey,
  /** PYUSD's permanent delegate and transfer-fee authority: can move any holder's PYUSD. */
  pyusdIssuer: demoKeypair('issuer/PYUSD').publicKey,
  /** The validator behind `voteAccount`. */
  validatorIdentity: demoKeypair('validator/identity').publicKey,
  realmConfig: pda([Buffer.from('realm-config'), realm.toBuffer()], GOVERNANCE_PROGRAM_ID),
  /** The realm's holding account of deposited community tokens. */
  communityTokenHolding: pda([Buffer.from('governance'), realm.toBuffer(), communityMint.toBuffer()], GOVERNANCE_PROGRAM_ID),
  /** The realm's holding account of deposited council tokens. */
  councilTokenHolding: pda([Buffer.from('governance'), realm.toBuffer(), councilMint.toBuffer()], GOVERNANCE_PROGRAM_ID),
  members: {
    alice: demoKeypair('member/alice').publicKey,
    bob: demoKeypair('member/bob').publicKey,
    carol: demoKeypair('member/carol').publicKey,
  } as Record<DemoMember, PublicKey>,
  /** Community token owner records (their votes on the demo's proposals). */
  tokenOwnerRecords: tokenOwnerRecordsOf(communityMint),
  /** Council token owner records: one council token deposited each. */
  councilTokenOwnerRecords: tokenOwnerRecordsOf(councilMint),
  proposalSeeds,
  proposals,
} as const;

/** The address of a proposal's transaction (SPL Governance v2+ seeds: proposal, option index u8, transaction index u16 LE). */
export function proposalTransactionAddress(proposal: PublicKey, optionIndex: number, transactionIndex: number): PublicKey {
  const index = Buffer.alloc(2);
  index.writeUInt16LE(transactionIndex);
  return pda([Buffer.from('governance'), proposal.toBuffer(), Buffer.from([optionIndex]), index], GOVERNANCE_PROGRAM_ID);
}
