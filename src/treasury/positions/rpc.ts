// The RPC boundary of the position readers: the observers' shared account reader
// (src/chain/account-reader.ts) under the names the readers use.
import type { Commitment, Connection } from '@solana/web3.js';
import { createAccountReader, highestSlot, readMultipleAccounts, readProgramAccounts, type AccountReader, MAX_ACCOUNTS_PER_REQUEST } from '../../chain/account-reader.js';

export type PositionRpc = AccountReader;
export { MAX_ACCOUNTS_PER_REQUEST, highestSlot };
export const programAccounts = readProgramAccounts;
export const multipleAccounts = readMultipleAccounts;

export function positionRpc(connection: Connection, commitment: Commitment = 'confirmed'): PositionRpc {
  return createAccountReader(connection, { commitment });
}
