// Reads a realm's open proposals from SPL Governance accounts, with every instruction they
// would execute, their votes, voting end and hold-up times, and the realm's community and
// council mints with the members' deposits. Batched: one getProgramAccounts for the realm's
// governances and token owner records, one per governance for its proposals, and one
// getMultipleAccounts (chunks of 100) for the realm plus every proposal transaction, whose
// addresses are derived from the proposals (PDA seeds), never looked up one by one. For one
// governance and up to 99 transactions that is 3 requests, however many proposals there are.
import { createHash } from 'node:crypto';
import {
  getProposalTransactionAddress,
  Governance,
  GovernanceAccountParser,
  GovernanceAccountType,
  Proposal,
  ProposalState,
  ProposalTransaction,
  Realm,
  type ProgramAccount,
} from '@solana/spl-governance';
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey, TransactionInstruction, type AccountInfo, type Connection } from '@solana/web3.js';
import { StewardError } from '../../errors/index.js';
import { redactUrl } from '../../shared/index.js';
import { summarizeGovernanceConfig } from '../decode/spl-governance.js';
import type { GovernanceConfigSummary } from '../decode/types.js';
import { rpcCall } from '../../chain/rpc.js';
import { readTokenOwnerRecord, type TokenOwnerRecordFields } from './token-owner-record.js';

export const DEFAULT_PROPOSAL_STATES: readonly ProposalState[] = [ProposalState.Draft, ProposalState.SigningOff, ProposalState.Voting];

export interface GetProposalsParams {
  programId: PublicKey;
  realm: PublicKey;
  /** Proposal states to return (default Draft, SigningOff, Voting). */
  states?: readonly ProposalState[];
  /** SPL Governance program version of the deployment (transaction PDA seeds); default 3. */
  programVersion?: number;
}

/** A member's deposit of one governing token in the realm (their voting power with it). */
export interface MemberPower {
  owner: string;
  tokenOwnerRecord: string;
  /** Base units, as a decimal string (JSON carries it as is). */
  deposited: string;
  governanceDelegate: string | null;
}

/** One of the realm's governing tokens: the mint, what is deposited with it, and by whom. */
export interface GoverningTokenView {
  mint: string;
  /** From the mint account, read with the batch; null when it could not be read. */
  decimals: number | null;
  supply: string | null;
  /** Sum of every token owner record's deposit of this mint in the realm. */
  deposited: string;
  /** Records with tokens deposited, largest first. Every one for the council; for the community, the largest ones only. */
  members: MemberPower[];
  /** How many records hold tokens (the community's may be more than `members` lists). */
  holders: number;
}

export interface RealmView {
  address: string;
  name: string;
  communityMint: string;
  councilMint: string | null;
  authority: string | null;
  community: GoverningTokenView;
  /** Null for a realm without a council. */
  council: GoverningTokenView | null;
}

/** Which of the realm's voting populations a proposal is put to: by its governing token mint. */
export type GoverningTokenKind = 'community' | 'council' | 'unknown';
/** Community members listed in a realm view: the largest deposits (a council is listed whole). */
const COMMUNITY_MEMBERS_LISTED = 10;

export interface GovernanceView {
  address: string;
  governedAccount: string;
  config: GovernanceConfigSummary;
}

export interface ProposalTransactionView {
  address: string;
  optionIndex: number;
  transactionIndex: number;
  holdUpSeconds: number;
  executed: boolean;
  instructions: TransactionInstruction[];
}

export interface ProposalView {
  address: string;
  realm: string;
  governance: GovernanceView;
  name: string;
  /** Untrusted: Realms stores either a URL or the text itself here. Never fetched by Steward. */
  descriptionLink: string;
  state: keyof typeof ProposalState;
  governingTokenMint: string;
  /** The realm's community or council votes on it ('unknown': a mint the realm no longer names). */
  governingToken?: GoverningTokenKind;
  /** Decimals of the governing token mint (read with the batch), so tallies show in whole tokens; null when unreadable. */
  governingTokenDecimals?: number | null;
  tokenOwnerRecord: string;
  yesVotes: bigint;
  noVotes: bigint;
  abstainVotes: bigint | null;
  vetoVotes: bigint;
  /** Unix seconds; null before voting started. */
  votingAt: number | null;
  votingEndsAt: number | null;
  transactions: ProposalTransactionView[];
  /** Transaction accounts the proposal counts but that were not found (removed or never inserted). */
  missingTransactions: string[];
  /** Hash of everything a review depends on (text, state, instructions, voting rules); votes excluded. */
  fingerprint: string;
}

export interface ProposalsSnapshot {
  slot: number;
  realm: RealmView;
  governances: GovernanceView[];
  proposals: ProposalView[];
  /** Accounts that could not be parsed, with why (account data is untrusted). */
  problems: string[];
}

const GOVERNANCE_TYPES = new Set<number>([
  GovernanceAccountType.GovernanceV1,
  GovernanceAccountType.ProgramGovernanceV1,
  GovernanceAccountType.MintGovernanceV1,
  GovernanceAccountType.TokenGovernanceV1,
  GovernanceAccountType.GovernanceV2,
  GovernanceAccountType.ProgramGovernanceV2,
  GovernanceAccountType.MintGovernanceV2,
  GovernanceAccountType.TokenGovernanceV2,
]);
const PROPOSAL_TYPES = new Set<number>([GovernanceAccountType.ProposalV1, GovernanceAccountType.ProposalV2]);
/** Offset of `state` in ProposalV1/V2: account type (1) + governance (32) + governing token mint (32). */
const PROPOSAL_STATE_OFFSET = 65;

function rpcFailure(connection: Connection, what: string, error: unknown): StewardError {
  // The boundary already classified it (timeout, rate limit, bad answer): keep its code.
  const code = error instanceof StewardError ? error.code : 'RPC_FAILED';
  return new StewardError(
    code,
    `reading ${what} from ${redactUrl(connection.rpcEndpoint)} failed: ${error instanceof Error ? error.message : String(error)}`,
    {
      hint: 'check the cluster URL (--url) and that the node serves getProgramAccounts (some providers disable it)',
      context: { what },
      cause: error,
    },
  );
}

function parse<T>(
  classType: Parameters<typeof GovernanceAccountParser>[0],
  address: PublicKey,
  info: AccountInfo<Buffer>,
  problems: string[],
): T | null {
  try {
    return (GovernanceAccountParser(classType)(address, info) as ProgramAccount<T>).account;
  } catch (error) {
    problems.push(`${address.toBase58()}: not a readable ${classType.name} (${error instanceof Error ? error.message : String(error)})`);
    return null;
  }
}

type BnLike = { toArrayLike(type: typeof Buffer, endian: 'le', length: number): Buffer };
// u64 fields come from borsh as bn.js values. Their base-10 toString was seen to print
// "1000000000NaN" intermittently in a process that also runs LiteSVM, so read the bytes instead.
const toBigInt = (value: BnLike | null | undefined): bigint => (value ? value.toArrayLike(Buffer, 'le', 8).readBigUInt64LE(0) : 0n);
const toSeconds = (value: BnLike | null | undefined): number | null => (value ? Number(toBigInt(value)) : null);

export async function getProposals(connection: Connection, params: GetProposalsParams): Promise<ProposalsSnapshot> {
  const { programId, realm } = params;
  const states = new Set(params.states ?? DEFAULT_PROPOSAL_STATES);
  const programVersion = params.programVersion ?? 3;
  const problems: string[] = [];

  // 1. Everything naming the realm at offset 1: governances (and token owner records, realm config, ignored).
  let realmAccounts;
  try {
    realmAccounts = await rpcCall('getProgramAccounts', connection.rpcEndpoint, () =>
      connection.getProgramAccounts(programId, {
        commitment: 'confirmed',
        withContext: true,
        filters: [{ memcmp: { offset: 1, bytes: realm.toBase58() } }],
      }),
    );
  } catch (error) {
    throw rpcFailure(connection, `the governances of realm ${realm.toBase58()}`, error);
  }
  let slot = realmAccounts.context.slot;
  const governances = new Map<string, GovernanceView>();
  // Raw bytes feed the fingerprint: parsed u64 fields pass through bn.js, raw bytes do not.
  const governanceRaw = new Map<string, Buffer>();
  // Token owner records name the realm at the same offset: members' power comes with the listing.
  const records: Array<{ address: string; record: TokenOwnerRecordFields }> = [];
  for (const { pubkey, account } of realmAccounts.value) {
    const record = readTokenOwnerRecord(account.data);
    if (record?.realm.equals(realm)) records.push({ address: pubkey.toBase58(), record });
    if (!GOVERNANCE_TYPES.has(account.data[0] ?? -1)) continue;
    const governance = parse<Governance>(Governance, pubkey, account, problems);
    if (!governance) continue;
    governanceRaw.set(pubkey.toBase58(), account.data);
    governances.set(pubkey.toBase58(), {
      address: pubkey.toBase58(),
      governedAccount: governance.governedAccount.toBase58(),
      config: summarizeGovernanceConfig(governance.config),
    });
  }

  // 2. Proposals of each governance (offset 1), narrowed on-chain by state when only one is asked for.
  const stateFilter = states.size === 1 ? [...states][0] : undefined;
  const proposals: Array<{ address: PublicKey; proposal: Proposal; raw: Buffer; governance: GovernanceView }> = [];
  for (const governance of governances.values()) {
    let accounts;
    try {
      accounts = await rpcCall('getProgramAccounts', connection.rpcEndpoint, () =>
        connection.getProgramAccounts(programId, {
          commitment: 'confirmed',
          withContext: true,
          filters: [
            { memcmp: { offset: 1, bytes: governance.address } },
            ...(stateFilter === undefined
              ? []
              : [
                  {
                    memcmp: {
                      offset: PROPOSAL_STATE_OFFSET,
                      bytes: Buffer.from([stateFilter]).toString('base64'),
                      encoding: 'base64' as const,
                    },
                  },
                ]),
          ],
        }),
      );
    } catch (error) {
      throw rpcFailure(connection, `the proposals of governance ${governance.address}`, error);
    }
    slot = Math.min(slot, accounts.context.slot);
    for (const { pubkey, account } of accounts.value) {
      if (!PROPOSAL_TYPES.has(account.data[0] ?? -1)) continue;
      const proposal = parse<Proposal>(Proposal, pubkey, account, problems);
      if (!proposal || !states.has(proposal.state)) continue;
      proposals.push({ address: pubkey, proposal, raw: account.data, governance });
    }
  }

  // 3. The realm and every proposal transaction, derived from the option counters, in one batched read.
  const wanted: Array<{ proposal: string; option: number; index: number; address: PublicKey }> = [];
  for (const { address, proposal } of proposals) {
    for (const [option, value] of proposal.options.entries()) {
      for (let index = 0; index < value.instructionsNextIndex; index++) {
        wanted.push({
          proposal: address.toBase58(),
          option,
          index,
          address: await getProposalTransactionAddress(programId, programVersion, address, option, index),
        });
      }
    }
  }
  // The governing token mints (of the proposals and of the members' records) ride along, so vote
  // tallies and deposits can be shown in whole tokens.
  const mints = [
    ...new Set([
      ...proposals.map(({ proposal }) => proposal.governingTokenMint.toBase58()),
      ...records.map(({ record }) => record.governingTokenMint.toBase58()),
    ]),
  ];
  const addresses = [realm, ...wanted.map((w) => w.address), ...mints.map((mint) => new PublicKey(mint))];
  const infos: Array<AccountInfo<Buffer> | null> = [];
  for (let start = 0; start < addresses.length; start += 100) {
    try {
      const chunk = await rpcCall('getMultipleAccounts', connection.rpcEndpoint, () =>
        connection.getMultipleAccountsInfoAndContext(addresses.slice(start, start + 100), { commitment: 'confirmed' }),
      );
      slot = Math.min(slot, chunk.context.slot);
      infos.push(...chunk.value);
    } catch (error) {
      throw rpcFailure(connection, 'the realm and proposal transactions', error);
    }
  }
  const realmInfo = infos[0];
  if (!realmInfo || !realmInfo.owner.equals(programId)) {
    throw new StewardError('CHAIN_FAILED', `realm ${realm.toBase58()} does not exist under governance program ${programId.toBase58()}`, {
      hint: 'check the realm address and the governance program id (realms may run their own deployment)',
      context: { realm: realm.toBase58(), programId: programId.toBase58() },
    });
  }
  const realmAccount = parse<Realm>(Realm, realm, realmInfo, problems);
  if (!realmAccount)
    throw new StewardError('CHAIN_FAILED', `account ${realm.toBase58()} is not a readable realm`, { hint: problems.at(-1) ?? '' });

  const decimalsByMint = new Map<string, number>();
  const supplyByMint = new Map<string, bigint>();
  mints.forEach((mint, i) => {
    const info = infos[1 + wanted.length + i];
    // An SPL mint (either token program): 82 bytes or more, supply u64 at 36, decimals at 44, initialized at 45.
    if (
      info &&
      info.data.length >= 82 &&
      info.data[45] === 1 &&
      [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID].some((id) => info.owner.equals(id))
    ) {
      decimalsByMint.set(mint, info.data[44]!);
      supplyByMint.set(mint, info.data.readBigUInt64LE(36));
    }
  });
  const communityMint = realmAccount.communityMint.toBase58();
  const councilMint = realmAccount.config.councilMint?.toBase58() ?? null;
  const tokenView = (mint: string, listed: number): GoverningTokenView => {
    const holding = records
      .filter(({ record }) => record.governingTokenMint.toBase58() === mint && record.deposited > 0n)
      .sort((a, b) => (a.record.deposited === b.record.deposited ? 0 : a.record.deposited > b.record.deposited ? -1 : 1));
    return {
      mint,
      decimals: decimalsByMint.get(mint) ?? null,
      supply: supplyByMint.get(mint)?.toString() ?? null,
      deposited: holding.reduce((total, { record }) => total + record.deposited, 0n).toString(),
      members: holding.slice(0, listed).map(({ address, record }) => ({
        owner: record.owner.toBase58(),
        tokenOwnerRecord: address,
        deposited: record.deposited.toString(),
        governanceDelegate: record.governanceDelegate?.toBase58() ?? null,
      })),
      holders: holding.length,
    };
  };
  const governingToken = (mint: string): GoverningTokenKind =>
    mint === communityMint ? 'community' : mint === councilMint ? 'council' : 'unknown';

  const transactionsByProposal = new Map<string, { views: ProposalTransactionView[]; missing: string[]; raw: Buffer[] }>();
  wanted.forEach((w, i) => {
    const entry = transactionsByProposal.get(w.proposal) ?? { views: [], missing: [], raw: [] };
    transactionsByProposal.set(w.proposal, entry);
    const info = infos[i + 1];
    if (!info || !info.owner.equals(programId)) {
      entry.missing.push(w.address.toBase58());
      return;
    }
    const transaction = parse<ProposalTransaction>(ProposalTransaction, w.address, info, problems);
    if (!transaction) {
      entry.missing.push(w.address.toBase58());
      return;
    }
    entry.raw.push(info.data);
    entry.views.push({
      address: w.address.toBase58(),
      optionIndex: w.option,
      transactionIndex: w.index,
      holdUpSeconds: transaction.holdUpTime,
      executed: transaction.executedAt !== null && toBigInt(transaction.executedAt) > 0n,
      instructions: transaction.getAllInstructions().map(
        (ix) =>
          new TransactionInstruction({
            programId: ix.programId,
            keys: ix.accounts.map((meta) => ({ pubkey: meta.pubkey, isSigner: meta.isSigner, isWritable: meta.isWritable })),
            data: Buffer.from(ix.data),
          }),
      ),
    });
  });

  const views = proposals.map(({ address, proposal, governance }): ProposalView => {
    const transactions = transactionsByProposal.get(address.toBase58()) ?? { views: [], missing: [], raw: [] };
    const votingAt = toSeconds(proposal.votingAt);
    const votingEndsAt = votingAt === null ? null : votingAt + governance.config.baseVotingTimeSeconds;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([proposal.name, proposal.descriptionLink, proposal.state]))
      .update(governanceRaw.get(governance.address) ?? Buffer.alloc(0))
      .update(Buffer.concat(transactions.raw))
      .digest('hex');
    return {
      address: address.toBase58(),
      realm: realm.toBase58(),
      governance,
      name: proposal.name,
      descriptionLink: proposal.descriptionLink,
      state: ProposalState[proposal.state] as keyof typeof ProposalState,
      governingTokenMint: proposal.governingTokenMint.toBase58(),
      governingToken: governingToken(proposal.governingTokenMint.toBase58()),
      governingTokenDecimals: decimalsByMint.get(proposal.governingTokenMint.toBase58()) ?? null,
      tokenOwnerRecord: proposal.tokenOwnerRecord.toBase58(),
      yesVotes: toBigInt(proposal.getYesVoteCount()),
      noVotes: toBigInt(proposal.getNoVoteCount()),
      abstainVotes: proposal.abstainVoteWeight ? toBigInt(proposal.abstainVoteWeight) : null,
      vetoVotes: toBigInt(proposal.vetoVoteWeight),
      votingAt,
      votingEndsAt,
      transactions: transactions.views.sort((a, b) => a.optionIndex - b.optionIndex || a.transactionIndex - b.transactionIndex),
      missingTransactions: transactions.missing,
      fingerprint,
    };
  });

  return {
    slot,
    realm: {
      address: realm.toBase58(),
      name: realmAccount.name,
      communityMint,
      councilMint,
      authority: realmAccount.authority?.toBase58() ?? null,
      community: tokenView(communityMint, COMMUNITY_MEMBERS_LISTED),
      // A council is small: every seat is listed.
      council: councilMint === null ? null : tokenView(councilMint, Number.MAX_SAFE_INTEGER),
    },
    governances: [...governances.values()],
    proposals: views.sort((a, b) => a.address.localeCompare(b.address)),
    problems,
  };
}
