// Dispatches each instruction of a proposal to its program's decoder. Anything Steward does
// not know is `unknown-program` with the program id and data length: shown, never guessed at.
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { ComputeBudgetProgram, PublicKey, StakeProgram, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import type { TreasuryIndex } from '../treasury-context.js';
import { decoded, short } from './base.js';
import { decodeAssociatedToken } from './associated-token.js';
import { BPF_UPGRADEABLE_LOADER_ID, decodeBpfUpgradeableLoader } from './bpf-upgradeable-loader.js';
import { decodeComputeBudget } from './compute-budget.js';
import { decodeMemo, MEMO_PROGRAM_IDS } from './memo.js';
import { decodeSplGovernance } from './spl-governance.js';
import { decodeSplToken } from './spl-token.js';
import { decodeStake } from './stake.js';
import { decodeSystem } from './system.js';
import type { DecodedInstruction } from './types.js';

/** SPL Governance deployment on mainnet; realms may run their own deployment (pass it in). */
export const DEFAULT_GOVERNANCE_PROGRAM_ID = new PublicKey('GovER5Lthms3bLBqWub97yVrMmEogzX7xNjdXpPPCVZw');

export interface DecodeOptions {
  /** Program ids to decode as SPL Governance (default: the mainnet deployment). */
  governancePrograms?: readonly PublicKey[];
}

export function decodeInstruction(
  instruction: TransactionInstruction,
  index: number,
  treasury: TreasuryIndex,
  options: DecodeOptions = {},
): DecodedInstruction {
  const program = instruction.programId;
  if (program.equals(SystemProgram.programId)) return decodeSystem(instruction, index, treasury);
  if (program.equals(TOKEN_PROGRAM_ID) || program.equals(TOKEN_2022_PROGRAM_ID)) return decodeSplToken(instruction, index, treasury);
  if (program.equals(ASSOCIATED_TOKEN_PROGRAM_ID)) return decodeAssociatedToken(instruction, index);
  if (program.equals(BPF_UPGRADEABLE_LOADER_ID)) return decodeBpfUpgradeableLoader(instruction, index);
  if (program.equals(StakeProgram.programId)) return decodeStake(instruction, index, treasury);
  if (program.equals(ComputeBudgetProgram.programId)) return decodeComputeBudget(instruction, index);
  if (MEMO_PROGRAM_IDS.some((memo) => memo.equals(program))) return decodeMemo(instruction, index);
  const governancePrograms = options.governancePrograms ?? [DEFAULT_GOVERNANCE_PROGRAM_ID];
  if (governancePrograms.some((governance) => governance.equals(program))) return decodeSplGovernance(instruction, index);
  return decoded(
    instruction,
    index,
    'unknown',
    `UNKNOWN program ${short(program.toBase58())} (${instruction.data.length} data bytes, ${instruction.keys.length} accounts): Steward cannot say what it does`,
    { kind: 'unknown-program', dataLength: instruction.data.length, accounts: instruction.keys.length },
  );
}

export function decodeInstructions(
  instructions: readonly TransactionInstruction[],
  treasury: TreasuryIndex,
  options: DecodeOptions = {},
): DecodedInstruction[] {
  return instructions.map((instruction, index) => decodeInstruction(instruction, index, treasury, options));
}

export type { DecodedInstruction, DecodedInstructionKind, Amount, ProgramName, GovernanceConfigSummary } from './types.js';
export { valueMicros } from './amount.js';
export { BPF_UPGRADEABLE_LOADER_ID } from './bpf-upgradeable-loader.js';
export { MEMO_PROGRAM_IDS } from './memo.js';
export { GOVERNANCE_PROGRAM_VERSION } from './spl-governance.js';
