// The read path of observers (treasury, positions, stake pools), over the RPC boundary (rpc.ts).
// Readers ask for accounts as if alone (getProgramAccounts with filters, getMultipleAccounts by
// key); the reader coalesces everything asked in the same turn of the event loop into ONE round:
// one HTTP request carrying a JSON-RPC batch, where every getMultipleAccounts of the round is
// merged into one call per 100 distinct keys and identical getProgramAccounts calls are sent
// once. An account already read in this observation is answered from memory (same slot), so a
// reader asking again for the Clock or a mint costs nothing. Independent readers sharing one
// reader (treasury, MarginFi, Whirlpools, stake pools) thus observe in as many sequential rounds
// as the longest chain of reads that depend on each other, and in one request per round,
// whatever the number of owners.
// Each answer is slot-stamped (optionally no older than `minContextSlot`), and every failure is
// mapped to a StewardError that names the method, what was being read and the endpoint without
// credentials.
import { PublicKey, type AccountInfo, type Commitment, type Connection, type GetProgramAccountsFilter } from '@solana/web3.js';
import { StewardError } from '../errors/index.js';
import { publicKeyOf } from '../shared/address.js';
import { redactUrl } from '../shared/redact.js';
import { transportOf } from './connection.js';
import { classifyRpcError, RpcCounter, type RpcCall, type RpcTransport } from './rpc.js';

/** getMultipleAccounts takes at most 100 keys per request. */
export const MAX_ACCOUNTS_PER_REQUEST = 100;

type Account = AccountInfo<Buffer>;
type Listing = ReadonlyArray<{ pubkey: PublicKey; account: Account }>;
interface Read<T> {
  value: T;
  /** The answer's context slot (undefined when the node did not say). */
  slot: bigint | undefined;
}

/** What one observation's reads cost on the wire: shared by every view of one reader. */
export interface ReadRounds {
  /** Sequential rounds (each one HTTP request, unless the node refused batches). */
  rounds: number;
  /** HTTP requests. */
  requests: number;
  /** JSON-RPC calls, by method, after merging. */
  methods: Record<string, number>;
}

interface Pending {
  kind: 'accounts' | 'listing';
  key: string;
  what: string;
  call?: RpcCall;
  resolve(value: Read<unknown>): void;
  reject(error: unknown): void;
}

interface Batcher {
  transport: RpcTransport;
  endpoint: string;
  commitment: Commitment;
  minContextSlot: bigint | undefined;
  pending: Pending[];
  scheduled: boolean;
  /** Accounts and listings read (or being read) in this observation. */
  accounts: Map<string, Promise<Read<Account | null>>>;
  listings: Map<string, Promise<Read<Listing>>>;
  counter: RpcCounter;
  stats: ReadRounds;
}

export interface AccountReader {
  connection: Connection;
  commitment: Commitment;
  /** Answers from an older slot are refused (RPC_STALE_SLOT). */
  minContextSlot: bigint | undefined;
  /** Reads this view asked for, by method (merged and cached ones included). */
  calls: Record<string, number>;
  /** The context slot of every answer this view got. */
  slots: bigint[];
  /** The requests and rounds of the whole reader (every view). */
  readonly wire: ReadRounds;
  readonly batcher: Batcher;
}

export function createAccountReader(
  connection: Connection,
  options: { commitment?: Commitment | undefined; minContextSlot?: bigint | undefined } = {},
): AccountReader {
  const commitment = options.commitment ?? 'confirmed';
  const batcher: Batcher = {
    transport: transportOf(connection),
    endpoint: redactUrl(connection.rpcEndpoint),
    commitment,
    minContextSlot: options.minContextSlot,
    pending: [],
    scheduled: false,
    accounts: new Map(),
    listings: new Map(),
    counter: new RpcCounter(),
    stats: { rounds: 0, requests: 0, methods: {} },
  };
  return viewOf(connection, batcher);
}

function viewOf(connection: Connection, batcher: Batcher): AccountReader {
  return {
    connection,
    commitment: batcher.commitment,
    minContextSlot: batcher.minContextSlot,
    calls: {},
    slots: [],
    batcher,
    get wire() {
      return { rounds: batcher.stats.rounds, requests: batcher.counter.requests, methods: { ...batcher.counter.methods } };
    },
  };
}

/** Another view of the same reader: its own calls and slots, the same rounds and memory. */
export function shareReader(reader: AccountReader): AccountReader {
  return viewOf(reader.connection, reader.batcher);
}

export function highestSlot(reader: AccountReader): bigint {
  return reader.slots.reduce((max, slot) => (slot > max ? slot : max), 0n);
}

function rpcFailure(batcher: Batcher, method: string, what: string, error: unknown): StewardError {
  if (
    error instanceof StewardError &&
    error.code !== 'RPC_FAILED' &&
    error.code !== 'RPC_TIMEOUT' &&
    error.code !== 'RPC_RATE_LIMITED' &&
    error.code !== 'RPC_BAD_RESPONSE'
  )
    return error;
  const { code, text } = classifyRpcError(error);
  const endpoint = batcher.endpoint;
  return new StewardError(code, `${method} for ${what} failed at ${endpoint}: ${text.replaceAll(batcher.transport.url, endpoint)}`, {
    hint:
      code === 'RPC_STALE_SLOT'
        ? 'the RPC node is behind the last recorded snapshot; retry in a few seconds or use another endpoint'
        : code === 'RPC_BAD_RESPONSE'
          ? 'the endpoint answered with something that is not a valid Solana RPC response; check that --url points at a Solana RPC'
          : code === 'RPC_RATE_LIMITED'
            ? 'the endpoint kept answering 429 after bounded retries; use a paid endpoint or run less often'
            : 'check the RPC URL and that the endpoint allows getProgramAccounts (many public endpoints disable it)',
    context: { method, what, endpoint },
    cause: error,
  });
}

function readConfig(batcher: Batcher): Record<string, unknown> {
  return {
    commitment: batcher.commitment,
    encoding: 'base64',
    ...(batcher.minContextSlot === undefined ? {} : { minContextSlot: Number(batcher.minContextSlot) }),
  };
}

function enqueue<T>(batcher: Batcher, item: Omit<Pending, 'resolve' | 'reject'>): Promise<Read<T>> {
  const promise = new Promise<Read<T>>((resolve, reject) => {
    batcher.pending.push({ ...item, resolve: resolve as (value: Read<unknown>) => void, reject });
  });
  // A read that fails is awaited by whoever asked for it; the memory must not raise it again.
  promise.catch(() => undefined);
  if (!batcher.scheduled) {
    batcher.scheduled = true;
    // After every continuation of the previous round has run (microtasks), so readers that
    // resumed together ask together.
    setImmediate(() => void flush(batcher));
  }
  return promise;
}

async function flush(batcher: Batcher): Promise<void> {
  batcher.scheduled = false;
  const items = batcher.pending.splice(0);
  if (items.length === 0) return;
  const accounts = items.filter((item) => item.kind === 'accounts');
  const listings = items.filter((item) => item.kind === 'listing');
  const chunks: Pending[][] = [];
  for (let index = 0; index < accounts.length; index += MAX_ACCOUNTS_PER_REQUEST)
    chunks.push(accounts.slice(index, index + MAX_ACCOUNTS_PER_REQUEST));
  const calls: RpcCall[] = [
    ...chunks.map((chunk) => ({ method: 'getMultipleAccounts', params: [chunk.map((item) => item.key), readConfig(batcher)] })),
    ...listings.map((item) => item.call as RpcCall),
  ];
  batcher.stats.rounds++;
  let answers;
  try {
    answers = await batcher.transport.batch(calls, undefined, batcher.counter);
  } catch (error) {
    for (const item of items)
      item.reject(rpcFailure(batcher, item.kind === 'accounts' ? 'getMultipleAccounts' : 'getProgramAccounts', item.what, error));
    return;
  }
  chunks.forEach((chunk, index) => settleAccounts(batcher, chunk, answers[index]));
  listings.forEach((item, index) => settleListing(batcher, item, answers[chunks.length + index]));
}

function settleAccounts(
  batcher: Batcher,
  chunk: readonly Pending[],
  answer: { ok: true; result: unknown } | { ok: false; error: Error } | undefined,
): void {
  const whats = [...new Set(chunk.map((item) => item.what))].join(', ');
  try {
    // eslint-disable-next-line no-restricted-syntax -- caught below and rejected as an RPC_* StewardError
    if (!answer) throw new Error('no answer');
    if (!answer.ok) throw rpcFailure(batcher, 'getMultipleAccounts', whats, answer.error);
    const { slot, value } = contextValue(answer.result);
    if (!Array.isArray(value)) throw badAnswer(batcher, 'getMultipleAccounts', whats, 'value is not a list');
    if (value.length !== chunk.length) {
      throw new StewardError(
        'RPC_BAD_RESPONSE',
        `getMultipleAccounts for ${whats} returned ${value.length} accounts for ${chunk.length} keys`,
        {
          hint: 'the endpoint answered inconsistently; retry or use another RPC endpoint',
          context: { requested: chunk.length, returned: value.length },
        },
      );
    }
    const parsed = value.map((entry, index) => parseAccount(batcher, entry, `${whats} (${chunk[index]?.key})`));
    chunk.forEach((item, index) => item.resolve({ value: parsed[index] ?? null, slot }));
  } catch (error) {
    for (const item of chunk)
      item.reject(error instanceof StewardError ? error : rpcFailure(batcher, 'getMultipleAccounts', item.what, error));
  }
}

function settleListing(
  batcher: Batcher,
  item: Pending,
  answer: { ok: true; result: unknown } | { ok: false; error: Error } | undefined,
): void {
  try {
    // eslint-disable-next-line no-restricted-syntax -- caught below and rejected as an RPC_* StewardError
    if (!answer) throw new Error('no answer');
    if (!answer.ok) throw rpcFailure(batcher, 'getProgramAccounts', item.what, answer.error);
    const { slot, value } = Array.isArray(answer.result) ? { slot: undefined, value: answer.result } : contextValue(answer.result);
    if (!Array.isArray(value)) throw badAnswer(batcher, 'getProgramAccounts', item.what, 'value is not a list');
    const listing = value.map((entry) => {
      const { pubkey, account } = (entry ?? {}) as { pubkey?: unknown; account?: unknown };
      const key = typeof pubkey === 'string' ? toKey(pubkey) : null;
      if (!key)
        throw badAnswer(
          batcher,
          'getProgramAccounts',
          item.what,
          `an entry without a valid pubkey: ${JSON.stringify(pubkey)?.slice(0, 60)}`,
        );
      const parsed = parseAccount(batcher, account, `${item.what} (${pubkey as string})`);
      if (!parsed) throw badAnswer(batcher, 'getProgramAccounts', item.what, `account ${pubkey as string} is null`);
      return { pubkey: key, account: parsed };
    });
    item.resolve({ value: listing, slot });
  } catch (error) {
    item.reject(error instanceof StewardError ? error : rpcFailure(batcher, 'getProgramAccounts', item.what, error));
  }
}

function badAnswer(batcher: Batcher, method: string, what: string, detail: string): StewardError {
  return new StewardError(
    'RPC_BAD_RESPONSE',
    `${method} for ${what} failed at ${batcher.endpoint}: the answer does not match the Solana RPC schema (${detail})`,
    {
      hint: 'the endpoint answered with something that is not a valid Solana RPC response; check that --url points at a Solana RPC',
      context: { method, what, endpoint: batcher.endpoint },
    },
  );
}

function contextValue(result: unknown): { slot: bigint | undefined; value: unknown } {
  const { context, value } = (result ?? {}) as { context?: { slot?: unknown }; value?: unknown };
  const slot = context?.slot;
  if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0)
    // eslint-disable-next-line no-restricted-syntax -- caught by the caller and rejected as an RPC_* StewardError
    throw new Error(`the answer has no valid context slot: ${JSON.stringify(result)?.slice(0, 120)}`);
  return { slot: BigInt(slot), value };
}

function toKey(text: string): PublicKey | null {
  try {
    // Decoded once per address: an answer names the same few owners (token programs) again and again.
    return publicKeyOf(text);
  } catch {
    return null;
  }
}

/** An account as the RPC answered it (base64), checked field by field. */
function parseAccount(batcher: Batcher, entry: unknown, what: string): Account | null {
  return parseAccountEntry(entry, (detail) => badAnswer(batcher, 'getMultipleAccounts', what, detail));
}

/**
 * One entry of a getMultipleAccounts / getAccountInfo answer in base64 encoding, checked field by
 * field: null for an absent account, else the account; `fail(detail)` builds what is thrown.
 */
export function parseAccountEntry(entry: unknown, fail: (detail: string) => Error): Account | null {
  if (entry === null) return null;
  const { data, executable, lamports, owner, rentEpoch } = (entry ?? {}) as Record<string, unknown>;
  if (!Array.isArray(data) || typeof data[0] !== 'string' || data[1] !== 'base64') throw fail('data is not [base64 text, "base64"]');
  if (typeof executable !== 'boolean') throw fail('executable is not a boolean');
  if (typeof lamports !== 'number' || !Number.isSafeInteger(lamports) || lamports < 0) throw fail('lamports is not a non-negative integer');
  const ownerKey = typeof owner === 'string' ? toKey(owner) : null;
  if (!ownerKey) throw fail('owner is not an address');
  return {
    data: Buffer.from(data[0], 'base64'),
    executable,
    lamports,
    owner: ownerKey,
    rentEpoch: typeof rentEpoch === 'number' ? rentEpoch : 0,
  };
}

function pushSlot(reader: AccountReader, slot: bigint | undefined): void {
  if (slot !== undefined) reader.slots.push(slot);
}

export async function readProgramAccounts(
  reader: AccountReader,
  programId: PublicKey,
  filters: GetProgramAccountsFilter[],
  what: string,
): Promise<Listing> {
  reader.calls['getProgramAccounts'] = (reader.calls['getProgramAccounts'] ?? 0) + 1;
  const { batcher } = reader;
  const params = [programId.toBase58(), { ...readConfig(batcher), filters, withContext: true }];
  const key = JSON.stringify(params);
  let read = batcher.listings.get(key);
  if (!read) {
    read = enqueue<Listing>(batcher, { kind: 'listing', key, what, call: { method: 'getProgramAccounts', params } });
    batcher.listings.set(key, read);
  }
  const { value, slot } = await read;
  pushSlot(reader, slot);
  return value;
}

/** Accounts by base58 address (null when absent), deduplicated, merged with the round's other reads. */
export async function readMultipleAccounts(
  reader: AccountReader,
  keys: readonly PublicKey[],
  what: string,
): Promise<Map<string, Account | null>> {
  reader.calls['getMultipleAccounts'] = (reader.calls['getMultipleAccounts'] ?? 0) + 1;
  const { batcher } = reader;
  const unique = [...new Set(keys.map((key) => key.toBase58()))];
  const reads = unique.map((key) => {
    let read = batcher.accounts.get(key);
    if (!read) {
      read = enqueue<Account | null>(batcher, { kind: 'accounts', key, what });
      batcher.accounts.set(key, read);
    }
    return read;
  });
  const answers = await Promise.all(reads);
  const result = new Map<string, Account | null>();
  const slots = new Set<bigint>();
  answers.forEach((answer, index) => {
    result.set(unique[index] as string, answer.value);
    if (answer.slot !== undefined) slots.add(answer.slot);
  });
  for (const slot of slots) pushSlot(reader, slot);
  return result;
}
