// The JSON-RPC methods of the embedded chain, answering with a validator's JSON shapes and
// error codes. Commitment levels all read the single SVM state: a landed transaction is
// reported finalized at once (the chain has no forks to wait out).
import { encodeBase58, decodeBase58 } from '../../shared/base58.js';
import { SLOTS_PER_EPOCH, type EmbeddedChain, type ExecutionDetails, type RawAccount } from './embedded-chain.js';
import { accountJson, dataSliceOf, innerInstructionsJson, transactionJson, type TransactionEncoding } from './rpc-encoding.js';
import {
  RPC_MIN_CONTEXT_SLOT_NOT_REACHED,
  RPC_PREFLIGHT_FAILURE,
  RPC_SIGNATURE_VERIFICATION_FAILURE,
  RpcError,
  accountEncoding,
  checkCommitment,
  configParam,
  integerParam,
  invalidParam,
  optionalBoolean,
  optionalInteger,
  pubkeyParam,
  pubkeyValue,
  requireCount,
  stringParam,
  type Params,
} from './rpc-params.js';
import { createCheatMethods } from './rpc-cheatcodes.js';
import { createBlockMethods } from './rpc-blocks.js';
import { PrioritizationFees } from './prioritization-fees.js';
import { isDurableNonceValid } from './durable-nonce.js';
import { matches, parseFilters, type Filter } from './rpc-filters.js';
import { isMintData, isTokenAccountData, isTokenProgram, readMint, readTokenAccount, uiTokenAmount } from './token-parse.js';
import { transactionErrorMessage } from './tx-errors.js';
import { WireFormatError, parseWireMessage } from './wire.js';
import { PublicKey } from '@solana/web3.js';

export const RPC_API_VERSION = '2.2.0';
const PACKET_DATA_SIZE = 1232;
/** A cluster's status cache covers about 300 slots; older statuses need searchTransactionHistory. */
const STATUS_CACHE_SLOTS = 300n;

export type RpcMethod = (params: Params) => unknown;

export function createRpcMethods(chain: EmbeddedChain): Record<string, RpcMethod> {
  const context = () => ({ apiVersion: RPC_API_VERSION, slot: Number(chain.slot) });
  const withContext = (value: unknown) => ({ context: context(), value });
  const read = (key: Uint8Array) => chain.readRaw(key);
  const fees = new PrioritizationFees(chain);

  /** Common config checks: commitment and minContextSlot. */
  const checked = (config: Record<string, unknown>) => {
    checkCommitment(config);
    const minContextSlot = optionalInteger(config, 'minContextSlot');
    const slot = chain.slot;
    if (minContextSlot !== undefined && BigInt(minContextSlot) > slot) {
      throw new RpcError(RPC_MIN_CONTEXT_SLOT_NOT_REACHED, 'Minimum context slot has not been reached', { contextSlot: Number(slot) });
    }
    return config;
  };

  /** Every indexed account owned by `program` that passes `filters`. */
  function scan(program: Uint8Array, filters: Filter[], extra?: (data: Uint8Array) => boolean): { key: Uint8Array; account: RawAccount }[] {
    const out: { key: Uint8Array; account: RawAccount }[] = [];
    for (const key of chain.index.keys()) {
      const account = chain.readOwnedBy(key, program);
      if (account === null) {
        chain.index.remove(key);
        continue;
      }
      if (account === undefined) continue;
      if (!matches(account.data, filters)) continue;
      if (extra && !extra(account.data)) continue;
      out.push({ key, account });
    }
    return out;
  }

  function decodeTransaction(params: Params, config: Record<string, unknown>): Uint8Array {
    const text = stringParam(params, 0, 'transaction');
    const encoding = config.encoding ?? 'base58';
    let bytes: Uint8Array | null;
    if (encoding === 'base64') {
      if (text.length > 1644)
        throw invalidParam(`transaction (params[0]) too large: ${text.length} bytes of base64 (max: encoded/raw 1644/${PACKET_DATA_SIZE})`);
      bytes = Buffer.from(text, 'base64');
    } else if (encoding === 'base58') {
      if (text.length > 1683)
        throw invalidParam(`transaction (params[0]) too large: ${text.length} bytes of base58 (max: encoded/raw 1683/${PACKET_DATA_SIZE})`);
      bytes = decodeBase58(text);
    } else {
      throw invalidParam(`encoding must be base58 or base64; got ${JSON.stringify(encoding)}`);
    }
    if (!bytes || bytes.length === 0) throw invalidParam(`transaction (params[0]) is not valid ${encoding as string}`);
    if (bytes.length > PACKET_DATA_SIZE)
      throw invalidParam(`transaction (params[0]) too large: ${bytes.length} bytes (max: ${PACKET_DATA_SIZE})`);
    return bytes;
  }

  const wireError = (error: unknown): never => {
    if (error instanceof WireFormatError) throw invalidParam(`transaction (params[0]) failed to deserialize: ${error.message}`);
    throw error;
  };

  const failureData = (details: ExecutionDetails) => ({
    accounts: null,
    err: details.err,
    innerInstructions: null,
    logs: details.logs,
    replacementBlockhash: null,
    returnData: details.returnData && {
      data: [Buffer.from(details.returnData.data).toString('base64'), 'base64'],
      programId: details.returnData.programId,
    },
    unitsConsumed: Number(details.unitsConsumed),
  });

  function tokenAccountsBy(field: 'owner' | 'delegate', params: Params) {
    const who = pubkeyParam(params, 0, field);
    requireCount(params, 2);
    const filter = params[1] as Record<string, unknown> | null;
    const config = checked(configParam(params, 2));
    const encoding = accountEncoding(config, 'binary');
    const slice = dataSliceOf(config);
    let program: Uint8Array;
    let mint: Uint8Array | undefined;
    if (filter && typeof filter === 'object' && 'mint' in filter) {
      mint = pubkeyValue(filter.mint, 'mint (params[1].mint)');
      const mintAccount = read(mint);
      if (!mintAccount || !isTokenProgram(encodeBase58(mintAccount.owner))) throw invalidParam('could not find mint');
      program = mintAccount.owner;
    } else if (filter && typeof filter === 'object' && 'programId' in filter) {
      program = pubkeyValue(filter.programId, 'programId (params[1].programId)');
      if (!isTokenProgram(encodeBase58(program))) throw invalidParam('unrecognized Token program id');
    } else {
      throw invalidParam('params[1] must be { mint } or { programId }');
    }
    const found = scan(program, [], (data) => {
      if (!isTokenAccountData(data)) return false;
      if (mint && Buffer.compare(data.subarray(0, 32), mint) !== 0) return false;
      if (field === 'owner') return Buffer.compare(data.subarray(32, 64), who) === 0;
      return data[72] === 1 && Buffer.compare(data.subarray(76, 108), who) === 0;
    });
    return withContext(
      found.map(({ key, account }) => ({ account: accountJson(chain, account, encoding, slice, key), pubkey: encodeBase58(key) })),
    );
  }

  const methods: Record<string, RpcMethod> = {
    getHealth: () => 'ok',
    getVersion: () => ({ 'feature-set': 0, 'solana-core': RPC_API_VERSION }),
    getIdentity: () => ({ identity: chain.genesisHash }),
    getGenesisHash: () => chain.genesisHash,
    getSlot: (params) => (checked(configParam(params, 0)), Number(chain.slot)),
    getBlockHeight: (params) => (checked(configParam(params, 0)), Number(chain.slot)),
    getTransactionCount: () => Number(chain.transactionCount),
    getFirstAvailableBlock: () => 1,
    minimumLedgerSlot: () => 1,
    getSlotLeader: () => chain.genesisHash,
    getRecentPrioritizationFees: (params) => {
      const list = params[0] ?? [];
      if (!Array.isArray(list)) throw invalidParam('lockedWritableAccounts (params[0]) must be an array of base-58 public keys');
      if (list.length > 128) throw invalidParam('Too many inputs provided; max 128');
      return fees.recent(list.map((value, i) => pubkeyValue(value, `lockedWritableAccounts[${i}] (params[0][${i}])`)));
    },
    getBlockTime: (params) => {
      const slot = integerParam(params, 0, 'slot');
      if (BigInt(slot) > chain.slot) throw new RpcError(-32004, `Block not available for slot ${slot}`);
      return chain.blockTime(BigInt(slot));
    },
    getEpochSchedule: () => ({
      firstNormalEpoch: 0,
      firstNormalSlot: 0,
      leaderScheduleSlotOffset: Number(SLOTS_PER_EPOCH),
      slotsPerEpoch: Number(SLOTS_PER_EPOCH),
      warmup: false,
    }),
    getEpochInfo: (params) => {
      checked(configParam(params, 0));
      const slot = chain.slot;
      return {
        absoluteSlot: Number(slot),
        blockHeight: Number(slot),
        epoch: Number(slot / SLOTS_PER_EPOCH),
        slotIndex: Number(slot % SLOTS_PER_EPOCH),
        slotsInEpoch: Number(SLOTS_PER_EPOCH),
        transactionCount: Number(chain.transactionCount),
      };
    },
    getLatestBlockhash: (params) => {
      checked(configParam(params, 0));
      const { blockhash, lastValidBlockHeight } = chain.latestBlockhashWithHeight();
      return withContext({ blockhash, lastValidBlockHeight: Number(lastValidBlockHeight) });
    },
    isBlockhashValid: (params) => {
      const hash = stringParam(params, 0, 'blockhash');
      checked(configParam(params, 1));
      const bytes = decodeBase58(hash);
      if (!bytes || bytes.length !== 32) throw invalidParam(`blockhash (params[0]) is not a base-58 hash: "${hash.slice(0, 64)}"`);
      return withContext(chain.isBlockhashValid(hash));
    },
    getMinimumBalanceForRentExemption: (params) => {
      const length = params.length === 0 ? 0 : integerParam(params, 0, 'dataLength');
      if (length > 10 * 1024 * 1024) throw invalidParam('dataLength (params[0]) exceeds the 10 MiB account size limit');
      return Number(chain.svm.minimumBalanceForRentExemption(BigInt(length)));
    },
    getBalance: (params) => {
      const key = pubkeyParam(params, 0, 'pubkey');
      checked(configParam(params, 1));
      return withContext(Number(read(key)?.lamports ?? 0n));
    },
    getAccountInfo: (params) => {
      const key = pubkeyParam(params, 0, 'pubkey');
      const config = checked(configParam(params, 1));
      const account = read(key);
      return withContext(account && accountJson(chain, account, accountEncoding(config, 'binary'), dataSliceOf(config), key));
    },
    getMultipleAccounts: (params) => {
      requireCount(params, 1);
      const list = params[0];
      if (!Array.isArray(list)) throw invalidParam('pubkeys (params[0]) must be an array of base-58 public keys');
      if (list.length > 100) throw invalidParam(`Too many inputs provided; max 100`);
      const keys = list.map((value, i) => pubkeyValue(value, `pubkeys[${i}] (params[0][${i}])`));
      const config = checked(configParam(params, 1));
      const encoding = accountEncoding(config, 'base64');
      const slice = dataSliceOf(config);
      return withContext(
        keys.map((key) => {
          const account = read(key);
          return account && accountJson(chain, account, encoding, slice, key);
        }),
      );
    },
    getProgramAccounts: (params) => {
      const program = pubkeyParam(params, 0, 'programId');
      const config = checked(configParam(params, 1));
      const encoding = accountEncoding(config, 'binary');
      const slice = dataSliceOf(config);
      const filters = parseFilters(config.filters);
      const list = scan(program, filters).map(({ key, account }) => ({
        account: accountJson(chain, account, encoding, slice, key),
        pubkey: encodeBase58(key),
      }));
      return optionalBoolean(config, 'withContext') ? withContext(list) : list;
    },
    getTokenAccountsByOwner: (params) => tokenAccountsBy('owner', params),
    getTokenAccountsByDelegate: (params) => tokenAccountsBy('delegate', params),
    getTokenAccountBalance: (params) => {
      const key = pubkeyParam(params, 0, 'pubkey');
      checked(configParam(params, 1));
      const account = read(key);
      if (!account || !isTokenProgram(encodeBase58(account.owner)) || !isTokenAccountData(account.data))
        throw invalidParam('not a Token account');
      const fields = readTokenAccount(account.data);
      const decimals = chain.mintDecimals(fields.mint);
      if (decimals === null) throw invalidParam('not a Token account (its mint is missing)');
      return withContext(uiTokenAmount(fields.amount, decimals));
    },
    getTokenSupply: (params) => {
      const key = pubkeyParam(params, 0, 'mint');
      checked(configParam(params, 1));
      const account = read(key);
      if (!account || !isTokenProgram(encodeBase58(account.owner)) || !isMintData(account.data)) throw invalidParam('not a Token mint');
      const mint = readMint(account.data);
      return withContext(uiTokenAmount(mint.supply, mint.decimals));
    },
    getTokenLargestAccounts: (params) => {
      const mintKey = pubkeyParam(params, 0, 'mint');
      checked(configParam(params, 1));
      const mintAccount = read(mintKey);
      if (!mintAccount || !isTokenProgram(encodeBase58(mintAccount.owner)) || !isMintData(mintAccount.data))
        throw invalidParam('not a Token mint');
      const decimals = readMint(mintAccount.data).decimals;
      const found = scan(mintAccount.owner, [{ memcmp: { offset: 0, bytes: mintKey } }], isTokenAccountData)
        .map(({ key, account }) => ({ key, amount: readTokenAccount(account.data).amount }))
        .sort((a, b) => (a.amount === b.amount ? 0 : a.amount > b.amount ? -1 : 1))
        .slice(0, 20);
      return withContext(found.map(({ key, amount }) => ({ address: encodeBase58(key), ...uiTokenAmount(amount, decimals) })));
    },
    getFeeForMessage: (params) => {
      const text = stringParam(params, 0, 'message');
      checked(configParam(params, 1));
      let message;
      try {
        message = parseWireMessage(Buffer.from(text, 'base64'));
      } catch (error) {
        if (error instanceof WireFormatError)
          throw invalidParam(`message (params[0]) is not a base64 wire-format message: ${error.message}`);
        throw error;
      }
      if (!chain.isBlockhashValid(encodeBase58(message.recentBlockhash)) && !isDurableNonceValid(message, read)) return withContext(null);
      return withContext(Number(chain.feeFor(message)));
    },
    requestAirdrop: (params) => {
      const key = pubkeyParam(params, 0, 'pubkey');
      const lamports = integerParam(params, 1, 'lamports');
      checked(configParam(params, 2));
      if (lamports === 0) throw invalidParam('lamports (params[1]) must be greater than zero');
      return chain.requestAirdrop(new PublicKey(key), BigInt(lamports));
    },
    sendTransaction: (params) => {
      const config = checked(configParam(params, 1));
      checkCommitment(config, 'preflightCommitment');
      const raw = decodeTransaction(params, config);
      const skipPreflight = optionalBoolean(config, 'skipPreflight') ?? false;
      let outcome;
      try {
        outcome = chain.submit(raw, { skipPreflight });
      } catch (error) {
        return wireError(error);
      }
      if (outcome.kind === 'landed' || outcome.kind === 'dropped') return outcome.signature;
      if (outcome.reason === 'signature')
        throw new RpcError(RPC_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
      const err = outcome.details.err ?? 'BlockhashNotFound';
      throw new RpcError(
        RPC_PREFLIGHT_FAILURE,
        `Transaction simulation failed: ${transactionErrorMessage(err)}`,
        failureData(outcome.details),
      );
    },
    simulateTransaction: (params) => {
      const config = checked(configParam(params, 1));
      const raw = decodeTransaction(params, config);
      const sigVerify = optionalBoolean(config, 'sigVerify') ?? false;
      const replaceRecentBlockhash = optionalBoolean(config, 'replaceRecentBlockhash') ?? false;
      if (sigVerify && replaceRecentBlockhash) throw invalidParam('sigVerify may not be used with replaceRecentBlockhash');
      const wanted = config.accounts as { addresses?: unknown; encoding?: unknown } | undefined | null;
      let addresses: Uint8Array[] | null = null;
      let encoding: ReturnType<typeof accountEncoding> = 'base64';
      if (wanted !== undefined && wanted !== null) {
        if (typeof wanted !== 'object' || !Array.isArray(wanted.addresses))
          throw invalidParam('accounts must be { addresses: string[], encoding }');
        addresses = wanted.addresses.map((value, i) => pubkeyValue(value, `accounts.addresses[${i}]`));
        encoding = accountEncoding(wanted as Record<string, unknown>, 'base64');
        if (encoding === 'binary' || encoding === 'base58') throw invalidParam('accounts.encoding must be base64 or jsonParsed');
      }
      let outcome;
      try {
        outcome = chain.simulate(raw, { sigVerify, replaceRecentBlockhash });
      } catch (error) {
        return wireError(error);
      }
      if (sigVerify && outcome.err === 'SignatureFailure')
        throw new RpcError(RPC_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
      if (addresses && addresses.length > outcome.accountKeys.length)
        throw invalidParam(`Too many accounts provided; max ${outcome.accountKeys.length}`);
      const accounts =
        addresses && outcome.err === null
          ? addresses.map((key) => {
              const hex = Buffer.from(key).toString('hex');
              const account = outcome.postAccounts.has(hex) ? (outcome.postAccounts.get(hex) ?? null) : read(key);
              return account && accountJson(chain, account, encoding, undefined, key);
            })
          : null;
      const innerInstructions = optionalBoolean(config, 'innerInstructions')
        ? innerInstructionsJson(outcome.innerInstructions, outcome.accountKeys.map(encodeBase58))
        : null;
      return withContext({
        accounts,
        err: outcome.err,
        innerInstructions,
        logs: outcome.logs,
        replacementBlockhash: outcome.replacementBlockhash && {
          blockhash: outcome.replacementBlockhash.blockhash,
          lastValidBlockHeight: Number(outcome.replacementBlockhash.lastValidBlockHeight),
        },
        returnData: outcome.returnData && {
          data: [Buffer.from(outcome.returnData.data).toString('base64'), 'base64'],
          programId: outcome.returnData.programId,
        },
        unitsConsumed: Number(outcome.unitsConsumed),
      });
    },
    getSignatureStatuses: (params) => {
      requireCount(params, 1);
      const list = params[0];
      if (!Array.isArray(list)) throw invalidParam('signatures (params[0]) must be an array of base-58 signatures');
      if (list.length > 256) throw invalidParam('Too many inputs provided; max 256');
      const config = configParam(params, 1);
      const search = optionalBoolean(config, 'searchTransactionHistory') ?? false;
      const slot = chain.slot;
      return withContext(
        list.map((value, i) => {
          if (typeof value !== 'string' || decodeBase58(value)?.length !== 64)
            throw invalidParam(`signatures[${i}] (params[0][${i}]) is not a base-58 signature`);
          const record = chain.history.get(value);
          if (!record || (!search && slot - record.slot > STATUS_CACHE_SLOTS)) return null;
          return {
            confirmationStatus: 'finalized',
            confirmations: null,
            err: record.err,
            slot: Number(record.slot),
            status: record.err === null ? { Ok: null } : { Err: record.err },
          };
        }),
      );
    },
    getTransaction: (params) => {
      const signature = stringParam(params, 0, 'signature');
      if (decodeBase58(signature)?.length !== 64)
        throw invalidParam(`signature (params[0]) is not a base-58 signature: "${signature.slice(0, 100)}"`);
      const raw = params[1];
      const config = typeof raw === 'string' ? { encoding: raw } : checked(configParam(params, 1));
      const encoding = (config.encoding ?? 'json') as TransactionEncoding;
      if (!['json', 'jsonParsed', 'base64', 'base58'].includes(encoding))
        throw invalidParam(`encoding must be one of json, jsonParsed, base64, base58; got ${JSON.stringify(encoding)}`);
      if (config.commitment === 'processed') throw invalidParam('Method does not support commitment below `confirmed`');
      const record = chain.history.get(signature);
      if (!record) return null;
      return transactionJson(chain, record, encoding, optionalInteger(config, 'maxSupportedTransactionVersion'));
    },
    getSignaturesForAddress: (params) => {
      const key = pubkeyParam(params, 0, 'address');
      const config = checked(configParam(params, 1));
      const limit = optionalInteger(config, 'limit') ?? 1000;
      if (limit < 1 || limit > 1000) throw invalidParam('limit must be between 1 and 1000');
      const before = config.before;
      const until = config.until;
      for (const [name, value] of [
        ['before', before],
        ['until', until],
      ] as const) {
        if (value !== undefined && value !== null && (typeof value !== 'string' || decodeBase58(value)?.length !== 64))
          throw invalidParam(`${name} is not a base-58 signature`);
      }
      const out: Record<string, unknown>[] = [];
      let started = before === undefined || before === null;
      for (const record of chain.history.forAddress(key)) {
        if (!started) {
          if (record.signature === before) started = true;
          continue;
        }
        if (record.signature === until) break;
        out.push({
          blockTime: record.blockTime,
          confirmationStatus: 'finalized',
          err: record.err,
          memo: null,
          signature: record.signature,
          slot: Number(record.slot),
        });
        if (out.length >= limit) break;
      }
      return out;
    },
    // Test-chain cheat codes (steward_setAccount, steward_advanceSlots, steward_simulateTransaction): see rpc-cheatcodes.ts.
    ...createCheatMethods(chain, context, (params) => methods.simulateTransaction!(params)),
    ...createBlockMethods(chain),
  };
  return methods;
}
