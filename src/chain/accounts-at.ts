// getMultipleAccounts as the executor reads it: up to 100 keys in one request, with the answer's
// context slot, straight through the connection's transport (rpc.ts) and checked field by field
// here. web3.js's getMultipleAccountsInfoAndContext validates the same answer with superstruct,
// which cost ~1 ms of CPU per call and most of a run's garbage; the checks are the observation's
// (account-reader.ts). fetchAccountsAt is one try of one request; readAccountsAt reads any
// number of keys, 100 per request, each request retried and classified by rpcCall.
import type { AccountInfo, Commitment, Connection, PublicKey } from '@solana/web3.js';
import { parseAccountEntry } from './account-reader.js';
import { transportOf } from './connection.js';
import { rpcCall, type RetryOptions } from './rpc.js';
import type { AccountsRead } from './simulate-between-reads.js';

/** getMultipleAccounts takes at most 100 keys per request. */
const KEYS_PER_REQUEST = 100;

export interface AccountsAt {
  /** The answer's context slot. */
  slot: number;
  /** One entry per key, in order; null where the account does not exist. */
  accounts: (AccountInfo<Buffer> | null)[];
}

/** Thrown for an answer that is not a Solana getMultipleAccounts answer; rpcCall makes it RPC_BAD_RESPONSE. */
export class AccountsAnswerError extends Error {
  override readonly name = 'AccountsAnswerError';
}

export async function fetchAccountsAt(
  connection: Connection,
  keys: readonly PublicKey[],
  config: { commitment: Commitment; minContextSlot?: number | undefined },
): Promise<AccountsAt> {
  const params = [
    keys.map((key) => key.toBase58()),
    {
      encoding: 'base64',
      commitment: config.commitment,
      ...(config.minContextSlot !== undefined ? { minContextSlot: config.minContextSlot } : {}),
    },
  ];
  const result = await transportOf(connection).call('getMultipleAccounts', params);
  const fail = (detail: string) =>
    new AccountsAnswerError(`the getMultipleAccounts answer does not match the Solana RPC schema (${detail})`);
  const { context, value } = (result ?? {}) as { context?: { slot?: unknown }; value?: unknown };
  const slot = context?.slot;
  if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0) throw fail('no valid context slot');
  if (!Array.isArray(value)) throw fail('value is not a list');
  if (value.length !== keys.length) throw fail(`${value.length} accounts for ${keys.length} keys`);
  return {
    slot,
    // A bad entry names the account it was for.
    accounts: value.map((entry, i) => parseAccountEntry(entry, (detail) => fail(`${keys[i]?.toBase58() ?? `entry ${i}`}: ${detail}`))),
  };
}

/**
 * `keys`' accounts (null where absent), at `commitment` 'confirmed' and from `minContextSlot` on
 * when given, 100 keys per request; with the lowest and highest context slot the requests had.
 */
export async function readAccountsAt(
  connection: Connection,
  endpoint: string,
  keys: readonly PublicKey[],
  retry: RetryOptions,
  minContextSlot?: number,
): Promise<AccountsRead> {
  const accounts: (AccountInfo<Buffer> | null)[] = [];
  let minSlot = Number.MAX_SAFE_INTEGER;
  let maxSlot = 0;
  const config = { commitment: 'confirmed' as const, minContextSlot };
  for (let i = 0; i < keys.length; i += KEYS_PER_REQUEST) {
    const chunk = keys.slice(i, i + KEYS_PER_REQUEST);
    const answer = await rpcCall('getMultipleAccounts', endpoint, () => fetchAccountsAt(connection, chunk, config), retry);
    minSlot = Math.min(minSlot, answer.slot);
    maxSlot = Math.max(maxSlot, answer.slot);
    accounts.push(...answer.accounts);
  }
  return { accounts, minSlot: keys.length === 0 ? 0 : minSlot, maxSlot };
}
