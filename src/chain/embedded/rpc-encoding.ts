// How the embedded chain's RPC writes accounts and transactions: the validator's UiAccount
// (base58 / base64 / jsonParsed with data slices) and EncodedConfirmedTransactionWithStatusMeta.
import type { EmbeddedChain, InnerInstructionSet, RawAccount } from './embedded-chain.js';
import { recordedMeta } from './embedded-chain.js';
import { parseAccountData } from './account-parse.js';
import { parsedInstructionJson } from './instruction-parse.js';
import { RENT_EPOCH_U64_MAX } from './rpc-json.js';
import { encodeBase58 } from '../../shared/base58.js';
import { RpcError, invalidParam, type AccountEncoding } from './rpc-params.js';
import { readTokenAccount, uiTokenAmount, type TokenAccountFields } from './token-parse.js';
import type { TokenSnapshot, TransactionRecord } from './transaction-history.js';
import { isStaticWritable, parseWireTransaction } from './wire.js';

export interface DataSlice {
  offset: number;
  length: number;
}

export function dataSliceOf(config: Record<string, unknown>): DataSlice | undefined {
  const value = config.dataSlice;
  if (value === undefined || value === null) return undefined;
  const slice = value as Partial<DataSlice>;
  if (
    typeof value !== 'object' ||
    !Number.isSafeInteger(slice.offset) ||
    !Number.isSafeInteger(slice.length) ||
    (slice.offset as number) < 0 ||
    (slice.length as number) < 0
  ) {
    throw invalidParam('dataSlice must be { offset, length } with non-negative integers');
  }
  return { offset: slice.offset as number, length: slice.length as number };
}

/** `address` (the account's key) lets jsonParsed tell the sysvars apart; without it they stay base64. */
export function accountJson(
  chain: EmbeddedChain,
  account: RawAccount,
  encoding: AccountEncoding,
  slice?: DataSlice,
  address?: Uint8Array,
): Record<string, unknown> {
  const owner = encodeBase58(account.owner);
  const data = slice ? account.data.subarray(slice.offset, slice.offset + slice.length) : account.data;
  let encoded: unknown;
  if (encoding === 'jsonParsed' && !slice) {
    encoded = parseAccountData(owner, account.data, (mint) => chain.mintDecimals(mint), address && encodeBase58(address)) ?? [
      Buffer.from(data).toString('base64'),
      'base64',
    ];
  } else if (encoding === 'base64' || encoding === 'jsonParsed') {
    encoded = [Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'), 'base64'];
  } else {
    if (data.length > 128) {
      throw new RpcError(-32600, 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.');
    }
    encoded = encoding === 'binary' ? encodeBase58(data) : [encodeBase58(data), 'base58'];
  }
  return {
    data: encoded,
    executable: account.executable,
    lamports: Number(account.lamports),
    owner,
    // agave reports u64::MAX for rent-exempt accounts; rpcJson writes the exact digits.
    rentEpoch: RENT_EPOCH_U64_MAX,
    space: account.data.length,
  };
}

/** The account a validator shows for a closed one in subscriptions: empty, system-owned. */
export function closedAccountJson(): Record<string, unknown> {
  return { data: ['', 'base64'], executable: false, lamports: 0, owner: '11111111111111111111111111111111', rentEpoch: 0, space: 0 };
}

function tokenBalances(chain: EmbeddedChain, snapshots: TokenSnapshot[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const snapshot of snapshots) {
    let fields: TokenAccountFields;
    try {
      fields = readTokenAccount(snapshot.data);
    } catch {
      continue;
    }
    const decimals = chain.mintDecimals(fields.mint);
    if (decimals === null) continue;
    out.push({
      accountIndex: snapshot.accountIndex,
      mint: fields.mint,
      owner: fields.owner,
      programId: snapshot.programId,
      uiTokenAmount: uiTokenAmount(fields.amount, decimals),
    });
  }
  return out;
}

/**
 * Inner instructions compiled (indexes into the account keys, as `json` encoding gives them) or,
 * with `keys`, parsed as jsonParsed gives them (and simulateTransaction always does).
 */
export function innerInstructionsJson(sets: InnerInstructionSet[], keys?: readonly string[]): Record<string, unknown>[] {
  return sets.map((set) => ({
    index: set.index,
    instructions: set.instructions.map((ix) =>
      keys
        ? parsedInstructionJson({
            programId: keys[ix.programIdIndex] ?? '',
            accounts: ix.accounts.map((i) => keys[i] ?? ''),
            data: ix.data,
            stackHeight: ix.stackHeight,
          })
        : { programIdIndex: ix.programIdIndex, accounts: ix.accounts, data: encodeBase58(ix.data), stackHeight: ix.stackHeight },
    ),
  }));
}

export type TransactionEncoding = 'json' | 'jsonParsed' | 'base64' | 'base58';

/** getTransaction's result for a landed transaction. */
export function transactionJson(
  chain: EmbeddedChain,
  record: TransactionRecord,
  encoding: TransactionEncoding,
  maxSupportedVersion: number | undefined,
): Record<string, unknown> {
  const wire = parseWireTransaction(record.raw);
  if (wire.version === 0 && maxSupportedVersion === undefined) {
    throw new RpcError(
      -32015,
      'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
    );
  }
  const details = recordedMeta(record.meta);
  const loaded = record.accountKeys.slice(wire.staticKeys.length);
  const parsedKeys = encoding === 'jsonParsed' ? record.accountKeys.map(encodeBase58) : undefined;
  const meta: Record<string, unknown> = {
    computeUnitsConsumed: Number(details.unitsConsumed),
    err: record.err,
    fee: Number(record.fee),
    innerInstructions: innerInstructionsJson(details.innerInstructions, parsedKeys),
    loadedAddresses: {
      writable: loaded.slice(0, record.loadedWritable).map(encodeBase58),
      readonly: loaded.slice(record.loadedWritable).map(encodeBase58),
    },
    logMessages: details.logs,
    postBalances: record.postBalances.map(Number),
    postTokenBalances: tokenBalances(chain, record.postTokens),
    preBalances: record.preBalances.map(Number),
    preTokenBalances: tokenBalances(chain, record.preTokens),
    rewards: [],
    status: record.err === null ? { Ok: null } : { Err: record.err },
  };
  if (details.returnData)
    meta.returnData = {
      programId: details.returnData.programId,
      data: [Buffer.from(details.returnData.data).toString('base64'), 'base64'],
    };
  let transaction: unknown;
  if (encoding === 'base64') transaction = [Buffer.from(record.raw).toString('base64'), 'base64'];
  else if (encoding === 'base58') transaction = [encodeBase58(record.raw), 'base58'];
  else {
    const staticKeys = wire.staticKeys.map(encodeBase58);
    const message: Record<string, unknown> = {
      header: wire.header,
      recentBlockhash: encodeBase58(wire.recentBlockhash),
    };
    if (encoding === 'jsonParsed') {
      const allKeys = record.accountKeys.map(encodeBase58);
      message.accountKeys = allKeys.map((pubkey, i) => ({
        pubkey,
        signer: i < wire.header.numRequiredSignatures,
        source: i < staticKeys.length ? 'transaction' : 'lookupTable',
        writable: i < staticKeys.length ? isStaticWritable(wire, i) : i < staticKeys.length + record.loadedWritable,
      }));
      message.instructions = wire.instructions.map((ix) =>
        parsedInstructionJson({
          programId: allKeys[ix.programIdIndex] ?? '',
          accounts: [...ix.accounts].map((i) => allKeys[i] ?? ''),
          data: ix.data,
          stackHeight: null,
        }),
      );
    } else {
      message.accountKeys = staticKeys;
      message.instructions = wire.instructions.map((ix) => ({
        accounts: [...ix.accounts],
        data: encodeBase58(ix.data),
        programIdIndex: ix.programIdIndex,
        stackHeight: null,
      }));
    }
    if (wire.version === 0) {
      message.addressTableLookups = wire.lookups.map((l) => ({
        accountKey: encodeBase58(l.accountKey),
        writableIndexes: [...l.writableIndexes],
        readonlyIndexes: [...l.readonlyIndexes],
      }));
    }
    transaction = { message, signatures: wire.signatures.map(encodeBase58) };
  }
  return { blockTime: record.blockTime, meta, slot: Number(record.slot), transaction, version: wire.version };
}
