// Shared pieces of every per-program decoder: the base fields and the two fallbacks
// (undecodable data for a known program, an account key that is missing).
import type { TransactionInstruction } from '@solana/web3.js';
import type { TreasuryIndex } from '../treasury-context.js';
import type { DecodedInstruction, DecodedKind, ProgramName } from './types.js';

export type ProgramDecoder = (instruction: TransactionInstruction, index: number, treasury: TreasuryIndex) => DecodedInstruction;

export function decoded(
  instruction: TransactionInstruction,
  index: number,
  program: ProgramName,
  summary: string,
  kind: DecodedKind,
): DecodedInstruction {
  return { index, programId: instruction.programId.toBase58(), program, summary, ...kind };
}

export function undecodable(instruction: TransactionInstruction, index: number, program: ProgramName, reason: string): DecodedInstruction {
  return decoded(
    instruction,
    index,
    program,
    `instruction #${index}: ${program} data could not be decoded (${reason}); treat it as unknown and do not approve blind`,
    { kind: 'undecodable', reason },
  );
}

/** The base58 key of account `position`, or throws a MissingAccount error the decoder turns into `undecodable`. */
export function key(instruction: TransactionInstruction, position: number, role: string): string {
  const meta = instruction.keys[position];
  if (!meta) throw new MissingAccountError(`missing account #${position} (${role}); the instruction has ${instruction.keys.length}`);
  return meta.pubkey.toBase58();
}

export class MissingAccountError extends Error {}

/** Short form of an address for summaries: first 4 and last 4 characters. */
export function short(address: string | null): string {
  if (address === null) return 'nobody';
  return address.length > 12 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
