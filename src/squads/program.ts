// Squads v4 (the multisig most Solana DAOs and teams keep their treasury in): program id, the
// addresses it derives, and the spending-limit period lengths as the program defines them
// (programs/squads_multisig_program/src/state/spending_limit.rs: Day 24 h, Week 7 d, Month 30 d,
// OneTime never resets).
import { PublicKey } from '@solana/web3.js';
import * as squads from '@sqds/multisig';
import { SQUADS_V4_PROGRAM_ID } from '../chain/index.js';

export const SQUADS_PROGRAM_ID = new PublicKey(SQUADS_V4_PROGRAM_ID);

export type SquadsPeriod = 'OneTime' | 'Day' | 'Week' | 'Month';

export const SQUADS_PERIODS: readonly SquadsPeriod[] = ['OneTime', 'Day', 'Week', 'Month'];

/** The on-chain enum value (Period in the IDL) of each period. */
export const PERIOD_INDEX: Readonly<Record<SquadsPeriod, number>> = { OneTime: 0, Day: 1, Week: 2, Month: 3 };

/** Seconds between resets; null for OneTime (never resets). */
export function periodSeconds(period: SquadsPeriod): bigint | null {
  switch (period) {
    case 'OneTime':
      return null;
    case 'Day':
      return 86_400n;
    case 'Week':
      return 7n * 86_400n;
    case 'Month':
      return 30n * 86_400n;
    default:
      return period satisfies never;
  }
}

export function periodFromIndex(index: number): SquadsPeriod | undefined {
  return SQUADS_PERIODS[index];
}

export const programConfigAddress = (programId = SQUADS_PROGRAM_ID): PublicKey => squads.getProgramConfigPda({ programId })[0];
export const multisigAddress = (createKey: PublicKey, programId = SQUADS_PROGRAM_ID): PublicKey =>
  squads.getMultisigPda({ createKey, programId })[0];
export const vaultAddress = (multisig: PublicKey, index: number, programId = SQUADS_PROGRAM_ID): PublicKey =>
  squads.getVaultPda({ multisigPda: multisig, index, programId })[0];
export const spendingLimitAddress = (multisig: PublicKey, createKey: PublicKey, programId = SQUADS_PROGRAM_ID): PublicKey =>
  squads.getSpendingLimitPda({ multisigPda: multisig, createKey, programId })[0];
export const transactionAddress = (multisig: PublicKey, index: bigint, programId = SQUADS_PROGRAM_ID): PublicKey =>
  squads.getTransactionPda({ multisigPda: multisig, index, programId })[0];
export const proposalAddress = (multisig: PublicKey, index: bigint, programId = SQUADS_PROGRAM_ID): PublicKey =>
  squads.getProposalPda({ multisigPda: multisig, transactionIndex: index, programId })[0];

/** Member permission bits (Permissions.mask). */
export const PERMISSION = { initiate: 1, vote: 2, execute: 4 } as const;
