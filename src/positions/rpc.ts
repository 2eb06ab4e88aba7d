// The RPC boundary of the position readers: getProgramAccounts and chunked getMultipleAccounts,
// each answer slot-stamped and every failure mapped to a StewardError naming the method, what
// was being read and the endpoint (without credentials).
import type { AccountInfo, Commitment, Connection, GetProgramAccountsFilter, PublicKey } from '@solana/web3.js';
import { StewardError } from '../errors/index.js';
import { redactUrl } from '../shared/index.js';

export const MAX_ACCOUNTS_PER_REQUEST = 100;

export interface PositionRpc {
  connection: Connection;
  commitment: Commitment;
  calls: Record<string, number>;
  slots: bigint[];
}

export function positionRpc(connection: Connection, commitment: Commitment = 'confirmed'): PositionRpc {
  return { connection, commitment, calls: {}, slots: [] };
}

export function highestSlot(rpc: PositionRpc): bigint {
  return rpc.slots.reduce((max, slot) => (slot > max ? slot : max), 0n);
}

async function call<T>(rpc: PositionRpc, method: string, what: string, run: () => Promise<T>): Promise<T> {
  rpc.calls[method] = (rpc.calls[method] ?? 0) + 1;
  try {
    return await run();
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const endpoint = redactUrl(rpc.connection.rpcEndpoint);
    const unreachable = (error as Error | null)?.name === 'SolanaJSONRPCError' || /fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket|network/i.test(text);
    throw new StewardError(unreachable ? 'RPC_FAILED' : 'RPC_BAD_RESPONSE', `${method} for ${what} failed at ${endpoint}: ${text}`, {
      hint: unreachable
        ? 'check the RPC URL and that the endpoint allows getProgramAccounts (many public endpoints disable it)'
        : 'the endpoint answered with something that is not a valid Solana RPC response; check that --url points at a Solana RPC',
      context: { method, what, endpoint },
      cause: error,
    });
  }
}

export async function programAccounts(
  rpc: PositionRpc,
  programId: PublicKey,
  filters: GetProgramAccountsFilter[],
  what: string,
): Promise<ReadonlyArray<{ pubkey: PublicKey; account: AccountInfo<Buffer> }>> {
  const answer = await call(rpc, 'getProgramAccounts', what, () =>
    rpc.connection.getProgramAccounts(programId, { commitment: rpc.commitment, encoding: 'base64', filters, withContext: true }),
  );
  rpc.slots.push(BigInt(answer.context.slot));
  return answer.value;
}

/** Accounts by base58 address (null when absent), in chunks of 100 issued in parallel. */
export async function multipleAccounts(rpc: PositionRpc, keys: readonly PublicKey[], what: string): Promise<Map<string, AccountInfo<Buffer> | null>> {
  const unique = [...new Map(keys.map((key) => [key.toBase58(), key])).values()];
  const result = new Map<string, AccountInfo<Buffer> | null>();
  const chunks: PublicKey[][] = [];
  for (let index = 0; index < unique.length; index += MAX_ACCOUNTS_PER_REQUEST) chunks.push(unique.slice(index, index + MAX_ACCOUNTS_PER_REQUEST));
  const answers = await Promise.all(
    chunks.map((chunk) => call(rpc, 'getMultipleAccounts', what, () => rpc.connection.getMultipleAccountsInfoAndContext(chunk, { commitment: rpc.commitment }))),
  );
  answers.forEach((answer, index) => {
    const chunk = chunks[index] ?? [];
    if (answer.value.length !== chunk.length) {
      throw new StewardError('RPC_BAD_RESPONSE', `getMultipleAccounts for ${what} returned ${answer.value.length} accounts for ${chunk.length} keys`, {
        hint: 'the endpoint answered inconsistently; retry or use another RPC endpoint',
        context: { requested: chunk.length, returned: answer.value.length },
      });
    }
    rpc.slots.push(BigInt(answer.context.slot));
    chunk.forEach((key, position) => result.set(key.toBase58(), answer.value[position] ?? null));
  });
  return result;
}
