// Durable-nonce transactions: instead of a recent blockhash they carry the value stored in a
// nonce account, and their first instruction is System AdvanceNonceAccount on that account. A
// validator accepts such a transaction when the nonce account's stored value equals the
// transaction's blockhash (the runtime then advances it, so it is accepted only once).
import { encodeBase58 } from '../../shared/base58.js';
import type { WireTransaction } from './wire.js';

const SYSTEM_PROGRAM = new Uint8Array(32);
const ADVANCE_NONCE = 4;
/** Nonce account data: version u32, state u32 (1 = initialized), authority, durable nonce, fee calculator. */
export const NONCE_ACCOUNT_LENGTH = 80;

export interface NonceAccountRead {
  (key: Uint8Array): { data: Uint8Array; owner: Uint8Array } | null;
}

/** The nonce account a transaction advances first, when it is a durable-nonce transaction. */
export function nonceAccountOf(wire: Pick<WireTransaction, 'instructions' | 'staticKeys'>): Uint8Array | undefined {
  const first = wire.instructions[0];
  if (!first) return undefined;
  const program = wire.staticKeys[first.programIdIndex];
  if (!program || Buffer.compare(program, SYSTEM_PROGRAM) !== 0) return undefined;
  if (first.data.length < 4 || new DataView(first.data.buffer, first.data.byteOffset, 4).getUint32(0, true) !== ADVANCE_NONCE)
    return undefined;
  const index = first.accounts[0];
  return index === undefined ? undefined : wire.staticKeys[index];
}

/** Whether `wire`'s blockhash is the durable nonce stored in the account its first instruction advances. */
export function isDurableNonceValid(
  wire: Pick<WireTransaction, 'instructions' | 'staticKeys' | 'recentBlockhash'>,
  read: NonceAccountRead,
): boolean {
  const key = nonceAccountOf(wire);
  if (!key) return false;
  const account = read(key);
  if (!account || Buffer.compare(account.owner, SYSTEM_PROGRAM) !== 0 || account.data.length < NONCE_ACCOUNT_LENGTH) return false;
  const view = new DataView(account.data.buffer, account.data.byteOffset, account.data.byteLength);
  if (view.getUint32(4, true) !== 1) return false;
  return encodeBase58(account.data.subarray(40, 72)) === encodeBase58(wire.recentBlockhash);
}
