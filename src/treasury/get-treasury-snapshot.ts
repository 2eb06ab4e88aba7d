// Observation: one treasury snapshot in as few RPC requests as the protocol allows. Per owner,
// one getProgramAccounts per token program (memcmp on the owner field) and one on the Stake
// program (memcmp on the withdrawer); for everyone, getMultipleAccounts in chunks of 100 over
// the owners, the Clock sysvar, every mint and every price account. Mints the token table did
// not name cost one more getMultipleAccounts round. Every answer is checked: an account that
// does not parse or belongs to someone else becomes a problem, not a crash or a wrong total.
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, unpackAccount, unpackMint } from '@solana/spl-token';
import {
  PublicKey,
  StakeProgram,
  SYSVAR_CLOCK_PUBKEY,
  type AccountInfo,
  type Commitment,
  type Connection,
  type GetProgramAccountsFilter,
} from '@solana/web3.js';
import { durationMs } from '../config/index.js';
import type { PolicyConfig } from '../config/index.js';
import {
  createAccountReader,
  shareReader,
  MAX_ACCOUNTS_PER_REQUEST,
  readMultipleAccounts as multipleAccounts,
  readProgramAccounts as programAccounts,
  type AccountReader as Reader,
} from '../chain/account-reader.js';
import { StewardError } from '../errors/index.js';
import { redactUrl, toAddress } from '../shared/index.js';
import { extensionNames, mintRisks } from './mint-risks.js';
import { readPythPrice } from './pyth-price.js';
import type {
  SnapshotAllowance,
  SnapshotMint,
  SnapshotPrice,
  SnapshotProblem,
  SnapshotStakeAccount,
  SnapshotTokenAccount,
  SnapshotTokenEntry,
  TokenProgramKind,
  TreasurySnapshot,
} from './snapshot.js';
import { parseStakeAccount, STAKE_STAKER_OFFSET, STAKE_WITHDRAWER_OFFSET } from './stake-account.js';

export interface GetTreasurySnapshotParams {
  /** Treasury owners: native treasury PDAs, governance accounts, multisig vaults. */
  owners: readonly string[];
  /** The agent's key: allowances delegated to it are read; other delegates are flagged. */
  agent?: string | null | undefined;
  /** The policy's token table: symbol → mint, decimals, Pyth account, stable. */
  tokens: PolicyConfig['tokens'];
  /** The policy's oracle bounds. */
  oracle: { maxStaleness: string; maxConfidenceBps: number };
  /** The observer's clock: prices are judged stale against it. */
  now: Date;
  /**
   * Judge prices at the later of `now` and the chain's Clock: on a fork, whose time moves on
   * locally (warps included) while the price accounts it read once from the upstream do not.
   */
  pricesAtChainClock?: boolean | undefined;
  /** The previous snapshot's slot: an answer from an older slot is refused (RPC_STALE_SLOT). */
  minContextSlot?: bigint | undefined;
  /**
   * 'withdrawer' (default): stake accounts the owners can withdraw, one request per owner.
   * 'withdrawer-or-staker': also those they only manage, one more request per owner.
   */
  stakeAuthorities?: 'withdrawer' | 'withdrawer-or-staker' | undefined;
  commitment?: Commitment | undefined;
  /**
   * The observation's account reader, shared with the position readers so their reads travel in
   * the same rounds (its own commitment and minContextSlot then apply).
   */
  reader?: Reader | undefined;
}

export { MAX_ACCOUNTS_PER_REQUEST };
const TOKEN_OWNER_OFFSET = 32;
const TOKEN_ACCOUNT_SIZE = 165;

function toKey(text: string, field: string): PublicKey {
  try {
    return new PublicKey(toAddress(text));
  } catch {
    throw new StewardError('ADDRESS_INVALID', `${field} is not a Solana address: ${JSON.stringify(text)}`, {
      hint: 'use a base58 address (32 bytes), as in agents/*.yaml treasury.owners',
      context: { field, value: text },
    });
  }
}

function programKind(program: PublicKey): TokenProgramKind | null {
  if (program.equals(TOKEN_PROGRAM_ID)) return 'spl-token';
  if (program.equals(TOKEN_2022_PROGRAM_ID)) return 'token-2022';
  return null;
}

function readClock(info: AccountInfo<Buffer> | null | undefined): TreasurySnapshot['chainClock'] {
  if (!info || info.data.length < 40) return null;
  return { slot: info.data.readBigUInt64LE(0), epoch: info.data.readBigUInt64LE(16), unixTimestamp: info.data.readBigInt64LE(32) };
}

const byAddress = <T extends { address: string }>(a: T, b: T): number => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);

export async function getTreasurySnapshot(connection: Connection, params: GetTreasurySnapshotParams): Promise<TreasurySnapshot> {
  if (params.owners.length === 0) {
    throw new StewardError('ARGUMENT_INVALID', 'a treasury snapshot needs at least one owner address', {
      hint: 'list the treasury owners under treasury.owners in the agent file',
    });
  }
  const owners = [...new Set(params.owners)].map((owner) => toKey(owner, 'treasury owner'));
  const agent = params.agent ? toAddress(toKey(params.agent, 'agent key')) : null;
  const tokens: SnapshotTokenEntry[] = Object.entries(params.tokens).map(([symbol, entry]) => ({
    symbol,
    mint: entry.mint,
    decimals: entry.decimals,
    pyth: entry.pyth ?? null,
    stable: entry.stable,
  }));
  const reader: Reader = params.reader
    ? shareReader(params.reader)
    : createAccountReader(connection, { commitment: params.commitment, minContextSlot: params.minContextSlot });
  const problems: SnapshotProblem[] = [];
  const problem = (code: SnapshotProblem['code'], account: string | null, message: string): void => {
    problems.push({ code, account: account === null ? null : toAddress(account), message });
  };

  // Round 1, in parallel: the per-owner program scans. Round 2: one batch of every other account
  // (owners, Clock, the table's mints and price accounts, and mints the scans found that the
  // table does not name). Two rounds always, so the request count depends on the owners only,
  // never on how many accounts or unknown mints the treasury holds.
  const knownMints = tokens.flatMap((entry) => (entry.mint === 'native' ? [] : [entry.mint]));
  const priceKeys = tokens.flatMap((entry) => (entry.pyth ? [entry.pyth] : []));
  const firstBatch = [
    ...new Set([...owners.map((owner) => owner.toBase58()), SYSVAR_CLOCK_PUBKEY.toBase58(), ...knownMints, ...priceKeys]),
  ].map((key) => new PublicKey(key));
  const stakeOffsets =
    params.stakeAuthorities === 'withdrawer-or-staker' ? [STAKE_WITHDRAWER_OFFSET, STAKE_STAKER_OFFSET] : [STAKE_WITHDRAWER_OFFSET];
  const ownerScans = owners.map(async (owner) => {
    const bytes = owner.toBase58();
    const memcmp = (offset: number): GetProgramAccountsFilter => ({ memcmp: { offset, bytes } });
    const [classic, token2022, ...stakes] = await Promise.all([
      programAccounts(
        reader,
        TOKEN_PROGRAM_ID,
        [{ dataSize: TOKEN_ACCOUNT_SIZE }, memcmp(TOKEN_OWNER_OFFSET)],
        `SPL Token accounts of ${bytes}`,
      ),
      programAccounts(reader, TOKEN_2022_PROGRAM_ID, [memcmp(TOKEN_OWNER_OFFSET)], `Token-2022 accounts of ${bytes}`),
      ...stakeOffsets.map((offset) =>
        programAccounts(
          reader,
          StakeProgram.programId,
          [memcmp(offset)],
          `stake accounts ${offset === STAKE_WITHDRAWER_OFFSET ? 'withdrawable' : 'managed'} by ${bytes}`,
        ),
      ),
    ]);
    return {
      owner,
      classic: classic ?? [],
      token2022: token2022 ?? [],
      stakes: stakes.map((found, index) => ({ offset: stakeOffsets[index], found })),
    };
  });
  const scans = await Promise.all(ownerScans);

  // Token accounts: parsed with the token program's own layout, kept only when they really are
  // token accounts of the owner that was asked for.
  const tokenAccounts = new Map<string, SnapshotTokenAccount>();
  for (const scan of scans) {
    const owner = scan.owner.toBase58();
    for (const [program, found] of [
      [TOKEN_PROGRAM_ID, scan.classic],
      [TOKEN_2022_PROGRAM_ID, scan.token2022],
    ] as const) {
      for (const { pubkey, account } of found) {
        const address = pubkey.toBase58();
        let parsed: ReturnType<typeof unpackAccount>;
        try {
          // eslint-disable-next-line no-restricted-syntax -- caught below: the account is left out with a recorded problem
          if (!account.owner.equals(program)) throw new Error(`owned by ${account.owner.toBase58()}`);
          parsed = unpackAccount(pubkey, account, program);
        } catch (error) {
          problem(
            'account-unparseable',
            address,
            `account ${address} returned as a token account of ${owner} does not parse (${(error as Error).message || (error as Error).name}); left out of every total`,
          );
          continue;
        }
        if (!parsed.owner.equals(scan.owner) || !parsed.isInitialized) {
          problem(
            'account-wrong-owner',
            address,
            `account ${address} was returned for owner ${owner} but belongs to ${parsed.owner.toBase58()}; left out`,
          );
          continue;
        }
        tokenAccounts.set(address, {
          address: toAddress(address),
          owner: toAddress(owner),
          mint: toAddress(parsed.mint),
          program: programKind(program) ?? 'spl-token',
          amount: parsed.amount,
          delegate: parsed.delegate ? toAddress(parsed.delegate) : null,
          delegatedAmount: parsed.delegate ? parsed.delegatedAmount : 0n,
          frozen: parsed.isFrozen,
          closeAuthority: parsed.closeAuthority ? toAddress(parsed.closeAuthority) : null,
          extensions: extensionNames(parsed.tlvData),
        });
      }
    }
  }

  const heldMints = new Set([...tokenAccounts.values()].map((account) => account.mint as string));
  const firstKeys = new Set(firstBatch.map((key) => key.toBase58()));
  const missingMints = [...heldMints].filter((mint) => !firstKeys.has(mint)).map((mint) => new PublicKey(mint));
  const known = await multipleAccounts(reader, [...firstBatch, ...missingMints], 'owners, mints and prices');
  const accountInfo = (key: string): AccountInfo<Buffer> | null => known.get(key) ?? null;

  const chainClock = readClock(known.get(SYSVAR_CLOCK_PUBKEY.toBase58()));
  if (!chainClock) problem('clock-missing', null, 'the Clock sysvar was not returned: stake activation is unknown');

  const mints: SnapshotMint[] = [];
  for (const address of [...new Set([...knownMints, ...heldMints])]) {
    const info = accountInfo(address);
    if (!info) {
      problem(
        'mint-missing',
        address,
        `mint ${address} does not exist on this cluster${heldMints.has(address) ? ' although the treasury holds it' : ' (named in the token table)'}`,
      );
      continue;
    }
    const program = programKind(info.owner);
    try {
      // eslint-disable-next-line no-restricted-syntax -- caught below: the mint is left out with a recorded problem
      if (!program) throw new Error(`owned by ${info.owner.toBase58()}, not a token program`);
      const mint = unpackMint(new PublicKey(address), info, info.owner);
      // eslint-disable-next-line no-restricted-syntax -- caught below, as above
      if (!mint.isInitialized) throw new Error('not initialized');
      mints.push({
        address: toAddress(address),
        program,
        decimals: mint.decimals,
        supply: mint.supply,
        mintAuthority: mint.mintAuthority ? toAddress(mint.mintAuthority) : null,
        freezeAuthority: mint.freezeAuthority ? toAddress(mint.freezeAuthority) : null,
        extensions: extensionNames(mint.tlvData),
        risks: mintRisks(mint),
      });
      const entry = tokens.find((token) => token.mint === address);
      if (entry && entry.decimals !== mint.decimals) {
        problem(
          'decimals-mismatch',
          address,
          `${entry.symbol}: the token table says ${entry.decimals} decimals, the mint ${address} has ${mint.decimals}; its value is not trusted`,
        );
      }
    } catch (error) {
      problem(
        'mint-unparseable',
        address,
        `mint ${address} does not parse (${(error as Error).message || (error as Error).name}); its tokens are not valued`,
      );
    }
  }

  const stakeAccounts = new Map<string, SnapshotStakeAccount>();
  for (const scan of scans) {
    for (const { offset, found } of scan.stakes) {
      for (const { pubkey, account } of found) {
        const address = pubkey.toBase58();
        const parsed = account.owner.equals(StakeProgram.programId)
          ? parseStakeAccount(account.data, chainClock?.epoch ?? null)
          : `owned by ${account.owner.toBase58()}, not the Stake program`;
        if (typeof parsed === 'string') {
          problem('account-unparseable', address, `stake account ${address}: ${parsed}; left out`);
          continue;
        }
        const role = offset === STAKE_WITHDRAWER_OFFSET ? 'withdrawer' : 'staker';
        if ((role === 'withdrawer' ? parsed.withdrawer : parsed.staker) !== scan.owner.toBase58()) {
          problem(
            'account-wrong-owner',
            address,
            `stake account ${address} was returned for ${scan.owner.toBase58()} but names other authorities; left out`,
          );
          continue;
        }
        // Found both as withdrawer and as staker: the withdrawer role is the one that owns the lamports.
        if (stakeAccounts.has(address) && role === 'staker') continue;
        stakeAccounts.set(address, {
          address: toAddress(address),
          lamports: BigInt(account.lamports),
          owner: toAddress(scan.owner),
          role,
          ...parsed,
        });
      }
    }
  }

  const observerSeconds = BigInt(Math.floor(params.now.getTime() / 1000));
  const nowSeconds =
    params.pricesAtChainClock && chainClock && chainClock.unixTimestamp > observerSeconds ? chainClock.unixTimestamp : observerSeconds;
  const limits = { maxStalenessSeconds: durationMs(params.oracle.maxStaleness) / 1000, maxConfidenceBps: params.oracle.maxConfidenceBps };
  const prices: SnapshotPrice[] = tokens.flatMap((entry) => {
    if (!entry.pyth) return [];
    const price = readPythPrice(entry.symbol, entry.pyth, accountInfo(entry.pyth), nowSeconds, limits);
    if (price.component === null)
      problem(
        price.status === 'Unreadable' && /does not exist/.test(price.reasons[0] ?? '') ? 'price-missing' : 'price-unparseable',
        entry.pyth,
        `${entry.symbol}: ${price.reasons.join('; ')}`,
      );
    return [price];
  });

  const symbolOf = (mint: string): string | null => tokens.find((entry) => entry.mint === mint)?.symbol ?? null;
  const allowances: SnapshotAllowance[] = agent
    ? [...tokenAccounts.values()]
        .filter((account) => account.delegate === agent && account.delegatedAmount > 0n)
        .map((account) => ({
          tokenAccount: account.address,
          mint: account.mint,
          symbol: symbolOf(account.mint),
          delegate: agent,
          remaining: account.delegatedAmount,
        }))
        .sort((a, b) => (a.tokenAccount < b.tokenAccount ? -1 : 1))
    : [];

  const slot = reader.slots.reduce((max, value) => (value > max ? value : max), 0n);
  const minSlot = reader.slots.reduce((min, value) => (value < min ? value : min), slot);
  if (params.minContextSlot !== undefined && minSlot < params.minContextSlot) {
    throw new StewardError(
      'RPC_STALE_SLOT',
      `the RPC answered from slot ${minSlot}, older than the last recorded snapshot (slot ${params.minContextSlot})`,
      {
        hint: 'the node is lagging or on a fork; retry in a few seconds or use another endpoint',
        context: { slot: minSlot.toString(), previousSlot: params.minContextSlot.toString(), endpoint: redactUrl(connection.rpcEndpoint) },
      },
    );
  }
  if (slot - minSlot > 150n) {
    problem('slot-spread', null, `the answers span slots ${minSlot}..${slot} (more than a minute): balances may not be from one moment`);
  }

  return {
    version: 1,
    slot,
    minSlot,
    observedAt: params.now.toISOString(),
    chainClock,
    agent,
    oracle: limits,
    tokens,
    owners: owners.map((owner) => {
      const info = known.get(owner.toBase58());
      return { address: toAddress(owner), lamports: BigInt(info?.lamports ?? 0), exists: Boolean(info) };
    }),
    tokenAccounts: [...tokenAccounts.values()].sort(byAddress),
    mints: mints.sort(byAddress),
    stakeAccounts: [...stakeAccounts.values()].sort(byAddress),
    prices,
    allowances,
    problems,
    rpcCalls: reader.calls,
  };
}
