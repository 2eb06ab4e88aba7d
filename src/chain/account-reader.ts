// The read boundary for observers (treasury, positions): getProgramAccounts and chunked
// getMultipleAccounts, each answer slot-stamped (optionally no older than `minContextSlot`), every
// call counted by method, and every failure mapped to a StewardError that names the method, what
// was being read and the endpoint without credentials.
import type { AccountInfo, Commitment, Connection, GetProgramAccountsFilter, PublicKey } from '@solana/web3.js';
import { StewardError } from '../errors/index.js';
import { redactUrl } from '../shared/redact.js';

/** getMultipleAccounts takes at most 100 keys per request. */
export const MAX_ACCOUNTS_PER_REQUEST = 100;

export interface AccountReader {
  connection: Connection;
  commitment: Commitment;
  /** Answers from an older slot are refused (RPC_STALE_SLOT). */
  minContextSlot: bigint | undefined;
  /** Requests issued, by method. */
  calls: Record<string, number>;
  /** The context slot of every answer. */
  slots: bigint[];
}

export function createAccountReader(
  connection: Connection,
  options: { commitment?: Commitment | undefined; minContextSlot?: bigint | undefined } = {},
): AccountReader {
  return { connection, commitment: options.commitment ?? 'confirmed', minContextSlot: options.minContextSlot, calls: {}, slots: [] };
}

export function highestSlot(reader: AccountReader): bigint {
  return reader.slots.reduce((max, slot) => (slot > max ? slot : max), 0n);
}

function describeRpcError(error: unknown): { code: 'RPC_FAILED' | 'RPC_BAD_RESPONSE' | 'RPC_STALE_SLOT'; text: string } {
  const text = error instanceof Error ? error.message : String(error);
  const rpcCode = (error as { code?: unknown } | null)?.code;
  if (rpcCode === -32016 || /minimum context slot/i.test(text)) return { code: 'RPC_STALE_SLOT', text };
  if ((error as Error | null)?.name === 'SolanaJSONRPCError' || /fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket|network/i.test(text)) {
    return { code: 'RPC_FAILED', text };
  }
  // web3.js validates every answer's shape; what is left is an answer that did not match it.
  return { code: 'RPC_BAD_RESPONSE', text };
}

async function call<T>(reader: AccountReader, method: string, what: string, run: () => Promise<T>): Promise<T> {
  reader.calls[method] = (reader.calls[method] ?? 0) + 1;
  try {
    return await run();
  } catch (error) {
    const { code, text } = describeRpcError(error);
    const endpoint = redactUrl(reader.connection.rpcEndpoint);
    throw new StewardError(code, `${method} for ${what} failed at ${endpoint}: ${text}`, {
      hint:
        code === 'RPC_STALE_SLOT'
          ? 'the RPC node is behind the last recorded snapshot; retry in a few seconds or use another endpoint'
          : code === 'RPC_BAD_RESPONSE'
            ? 'the endpoint answered with something that is not a valid Solana RPC response; check that --url points at a Solana RPC'
            : 'check the RPC URL and that the endpoint allows getProgramAccounts (many public endpoints disable it)',
      context: { method, what, endpoint },
      cause: error,
    });
  }
}

function contextSlot(reader: AccountReader): { minContextSlot?: number } {
  return reader.minContextSlot === undefined ? {} : { minContextSlot: Number(reader.minContextSlot) };
}

export async function readProgramAccounts(
  reader: AccountReader,
  programId: PublicKey,
  filters: GetProgramAccountsFilter[],
  what: string,
): Promise<ReadonlyArray<{ pubkey: PublicKey; account: AccountInfo<Buffer> }>> {
  const answer = await call(reader, 'getProgramAccounts', what, () =>
    reader.connection.getProgramAccounts(programId, { commitment: reader.commitment, encoding: 'base64', filters, withContext: true, ...contextSlot(reader) }),
  );
  reader.slots.push(BigInt(answer.context.slot));
  return answer.value;
}

/** Accounts by base58 address (null when absent), deduplicated, in chunks of 100 issued in parallel. */
export async function readMultipleAccounts(reader: AccountReader, keys: readonly PublicKey[], what: string): Promise<Map<string, AccountInfo<Buffer> | null>> {
  const unique = [...new Map(keys.map((key) => [key.toBase58(), key])).values()];
  const result = new Map<string, AccountInfo<Buffer> | null>();
  const chunks: PublicKey[][] = [];
  for (let index = 0; index < unique.length; index += MAX_ACCOUNTS_PER_REQUEST) chunks.push(unique.slice(index, index + MAX_ACCOUNTS_PER_REQUEST));
  const answers = await Promise.all(
    chunks.map((chunk) =>
      call(reader, 'getMultipleAccounts', what, () => reader.connection.getMultipleAccountsInfoAndContext(chunk, { commitment: reader.commitment, ...contextSlot(reader) })),
    ),
  );
  answers.forEach((answer, index) => {
    const chunk = chunks[index] ?? [];
    if (answer.value.length !== chunk.length) {
      throw new StewardError('RPC_BAD_RESPONSE', `getMultipleAccounts for ${what} returned ${answer.value.length} accounts for ${chunk.length} keys`, {
        hint: 'the endpoint answered inconsistently; retry or use another RPC endpoint',
        context: { requested: chunk.length, returned: answer.value.length },
      });
    }
    reader.slots.push(BigInt(answer.context.slot));
    chunk.forEach((key, position) => result.set(key.toBase58(), answer.value[position] ?? null));
  });
  return result;
}
