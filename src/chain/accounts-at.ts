// getMultipleAccounts as the executor reads it: up to 100 keys in one request, with the answer's
// context slot, straight through the connection's transport (rpc.ts) and checked field by field
// here. web3.js's getMultipleAccountsInfoAndContext validates the same answer with superstruct,
// which cost ~1 ms of CPU per call and most of a run's garbage; the checks are the observation's
// (account-reader.ts). One try: callers wrap it in rpcCall, which retries and classifies.
import type { AccountInfo, Commitment, Connection, PublicKey } from '@solana/web3.js';
import { parseAccountEntry } from './account-reader.js';
import { transportOf } from './connection.js';

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
  return { slot, accounts: value.map((entry) => parseAccountEntry(entry, fail)) };
}
