// Reads a Squads v4 multisig as Steward needs it: members with their permissions, threshold,
// time lock, config authority (none = autonomous: changes only by config transaction), the
// vault's address, and every spending limit of the multisig (getProgramAccounts on the
// SpendingLimit discriminator and the multisig field), with the chain's clock so that what a
// limit still lets through can be computed the way the program does. All of it is untrusted
// chain data: decoded by the IDL's layout, and anything that does not decode is an error that
// names the account, never a guess.
import { PublicKey, SYSVAR_CLOCK_PUBKEY, type AccountInfo, type Connection } from '@solana/web3.js';
import * as squads from '@sqds/multisig';
import bs58 from 'bs58';
import { rpcCall } from '../chain/index.js';
import { StewardError } from '../errors/index.js';
import { redactUrl } from '../shared/index.js';
import { PERMISSION, SQUADS_PROGRAM_ID, periodFromIndex, vaultAddress, type SquadsPeriod } from './program.js';

export interface SquadsMember {
  key: string;
  initiate: boolean;
  vote: boolean;
  execute: boolean;
}

export interface SquadsSpendingLimit {
  address: string;
  multisig: string;
  createKey: string;
  vaultIndex: number;
  /** The mint, or "native" for SOL (the program's default key). */
  mint: string;
  amount: bigint;
  period: SquadsPeriod;
  /** As stored: the program resets it lazily, on the next use after a period passed. */
  remainingAmount: bigint;
  /** Unix seconds of the last reset (or creation). */
  lastReset: bigint;
  members: string[];
  /** Empty: any destination. Otherwise the wallets (token account owners) it may pay. */
  destinations: string[];
}

export interface SquadsTreasury {
  programId: string;
  multisig: string;
  vaultIndex: number;
  vault: string;
  threshold: number;
  timeLockSeconds: number;
  /** Null for an autonomous multisig (configured by its own config transactions). */
  configAuthority: string | null;
  transactionIndex: bigint;
  members: SquadsMember[];
  spendingLimits: SquadsSpendingLimit[];
  /** The chain's Clock sysvar when read (unix seconds). */
  chainTime: bigint;
  slot: number;
}

export interface ReadSquadsParams {
  multisig: PublicKey;
  vaultIndex: number;
  programId?: PublicKey;
}

const DEFAULT_KEY = PublicKey.default.toBase58();

function bad(what: string, address: string, detail: string): StewardError {
  return new StewardError('RPC_BAD_RESPONSE', `${what} ${address} does not decode as a Squads v4 account: ${detail}`, {
    hint: 'check the address names a Squads v4 multisig on this cluster (the agent file treasury.squads.multisig)',
    context: { address },
  });
}

function toBigInt(value: unknown): bigint {
  return BigInt((value as { toString(): string }).toString());
}

export function decodeSpendingLimit(address: PublicKey, info: AccountInfo<Buffer>): SquadsSpendingLimit {
  let limit: squads.generated.SpendingLimit;
  try {
    [limit] = squads.accounts.SpendingLimit.fromAccountInfo(info);
  } catch (error) {
    throw bad('spending limit', address.toBase58(), (error as Error).message);
  }
  const period = periodFromIndex(limit.period as number);
  if (!period) throw bad('spending limit', address.toBase58(), `unknown period ${String(limit.period)}`);
  const mint = limit.mint.toBase58();
  return {
    address: address.toBase58(),
    multisig: limit.multisig.toBase58(),
    createKey: limit.createKey.toBase58(),
    vaultIndex: limit.vaultIndex,
    mint: mint === DEFAULT_KEY ? 'native' : mint,
    amount: toBigInt(limit.amount),
    period,
    remainingAmount: toBigInt(limit.remainingAmount),
    lastReset: toBigInt(limit.lastReset),
    members: limit.members.map((key) => key.toBase58()),
    destinations: limit.destinations.map((key) => key.toBase58()),
  };
}

/** Unix seconds from the Clock sysvar's data (slot u64, epoch start i64, epoch u64, leader epoch u64, unix timestamp i64). */
export function clockUnixTimestamp(info: AccountInfo<Buffer> | null): bigint {
  if (!info || info.data.length < 40)
    throw new StewardError('RPC_BAD_RESPONSE', 'the Clock sysvar is missing or short', {
      hint: 'the RPC node answered unexpected data; try another RPC',
    });
  return info.data.readBigInt64LE(32);
}

/** Through the one RPC boundary (deadline, bounded retries, Steward error codes). */
function rpc<T>(connection: Connection, method: string, run: () => Promise<T>): Promise<T> {
  return rpcCall(method, connection.rpcEndpoint, run);
}

/** Every SpendingLimit account of `multisig`. */
export async function readSpendingLimits(
  connection: Connection,
  multisig: PublicKey,
  programId = SQUADS_PROGRAM_ID,
): Promise<SquadsSpendingLimit[]> {
  const accounts = await rpc(connection, 'getProgramAccounts', () =>
    connection.getProgramAccounts(programId, {
      commitment: 'confirmed',
      filters: [
        { memcmp: { offset: 0, bytes: bs58.encode(Buffer.from(squads.generated.spendingLimitDiscriminator)) } },
        { memcmp: { offset: 8, bytes: multisig.toBase58() } },
      ],
    }),
  );
  return accounts.map(({ pubkey, account }) => decodeSpendingLimit(pubkey, account)).sort((a, b) => a.address.localeCompare(b.address));
}

export async function readSquadsTreasury(connection: Connection, params: ReadSquadsParams): Promise<SquadsTreasury> {
  const programId = params.programId ?? SQUADS_PROGRAM_ID;
  const address = params.multisig.toBase58();
  const { context, value } = await rpc(connection, 'getMultipleAccounts', () =>
    connection.getMultipleAccountsInfoAndContext([params.multisig, SYSVAR_CLOCK_PUBKEY], 'confirmed'),
  );
  const [info, clock] = value;
  if (!info) {
    throw new StewardError('CHAIN_FAILED', `the Squads multisig ${address} does not exist on ${redactUrl(connection.rpcEndpoint)}`, {
      hint: 'check treasury.squads.multisig in the agent file and the cluster (--url)',
      context: { multisig: address },
    });
  }
  if (!info.owner.equals(programId)) {
    throw new StewardError(
      'CHAIN_FAILED',
      `${address} is owned by ${info.owner.toBase58()}, not the Squads v4 program ${programId.toBase58()}`,
      {
        hint: 'treasury.squads.multisig must be the multisig account (not its vault or create key)',
        context: { multisig: address },
      },
    );
  }
  let multisig: squads.generated.Multisig;
  try {
    [multisig] = squads.accounts.Multisig.fromAccountInfo(info);
  } catch (error) {
    throw bad('multisig', address, (error as Error).message);
  }
  const configAuthority = multisig.configAuthority.toBase58();
  const spendingLimits = await readSpendingLimits(connection, params.multisig, programId);
  return {
    programId: programId.toBase58(),
    multisig: address,
    vaultIndex: params.vaultIndex,
    vault: vaultAddress(params.multisig, params.vaultIndex, programId).toBase58(),
    threshold: multisig.threshold,
    timeLockSeconds: multisig.timeLock,
    configAuthority: configAuthority === DEFAULT_KEY ? null : configAuthority,
    transactionIndex: toBigInt(multisig.transactionIndex),
    members: multisig.members.map((member) => ({
      key: member.key.toBase58(),
      initiate: (member.permissions.mask & PERMISSION.initiate) !== 0,
      vote: (member.permissions.mask & PERMISSION.vote) !== 0,
      execute: (member.permissions.mask & PERMISSION.execute) !== 0,
    })),
    spendingLimits,
    chainTime: clockUnixTimestamp(clock ?? null),
    slot: context.slot,
  };
}
