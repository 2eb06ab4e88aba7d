// Simulation with the post-state of every account the transaction names, and the pre-state of
// the same accounts read just before: the raw material of TransactionEffects. The programs
// invoked come from the message (top level) and the runtime's invoke log lines (CPI); if the
// runtime truncated the logs, the CPI set is unknown and the caller must refuse.
import type { AddressLookupTableAccount, Connection, VersionedTransaction } from '@solana/web3.js';
import type { TransactionEffects } from '../policy/index.js';
import { accountKeysOf } from './assemble.js';
import { getMultipleAccounts } from './builders/token-accounts.js';
import { computeEffects, programsFromLogs, type RawAccount } from './effects.js';
import { rpcCall, type RetryOptions } from './rpc-errors.js';

export interface SimulationResult {
  err: unknown;
  logs: string[];
  unitsConsumed: number;
  /** Undefined when the simulation failed (no post-state) or the logs were truncated. */
  effects: TransactionEffects | undefined;
  logsTruncated: boolean;
}

export async function simulateWithEffects(
  connection: Connection,
  endpoint: string,
  tx: VersionedTransaction,
  lookupTables: readonly AddressLookupTableAccount[],
  retry: RetryOptions,
): Promise<SimulationResult> {
  const keys = accountKeysOf(tx, lookupTables);
  const addresses = keys.map((key) => key.toBase58());
  const preInfos = await getMultipleAccounts(connection, endpoint, keys, retry);
  const pre = new Map<string, RawAccount | null>();
  addresses.forEach((address, i) => {
    const info = preInfos[i];
    pre.set(address, info ? { lamports: BigInt(info.lamports), owner: info.owner.toBase58(), data: info.data } : null);
  });
  const response = await rpcCall(
    'simulateTransaction',
    endpoint,
    () => connection.simulateTransaction(tx, { sigVerify: false, replaceRecentBlockhash: false, commitment: 'confirmed', accounts: { encoding: 'base64', addresses } }),
    retry,
  );
  const value = response.value;
  const logs = value.logs ?? [];
  const unitsConsumed = value.unitsConsumed ?? 0;
  if (value.err !== null) return { err: value.err, logs, unitsConsumed, effects: undefined, logsTruncated: false };
  const post = new Map<string, RawAccount | null>();
  (value.accounts ?? []).forEach((account, i) => {
    const address = addresses[i];
    if (address === undefined) return;
    post.set(address, account ? { lamports: BigInt(account.lamports), owner: account.owner, data: Buffer.from(account.data[0] ?? '', 'base64') } : null);
  });
  const cpi = programsFromLogs(logs);
  const message = tx.message;
  const topLevel = message.compiledInstructions.map((ix) => keys[ix.programIdIndex]?.toBase58()).filter((id): id is string => id !== undefined);
  if (cpi === undefined) return { err: null, logs, unitsConsumed, effects: undefined, logsTruncated: true };
  return { err: null, logs, unitsConsumed, effects: computeEffects(addresses, pre, post, [...topLevel, ...cpi]), logsTruncated: false };
}
