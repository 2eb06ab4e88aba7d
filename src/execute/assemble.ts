// Compiles a builder's instructions into a v0 transaction paid by the agent: compute budget
// first (limit from simulation × margin, priority fee from config), then the instructions,
// then the decision memo. Compute budget instructions that came with an opaque route are
// dropped so ours are the only ones (two of a kind would fail the transaction).
import {
  ComputeBudgetProgram,
  TransactionMessage,
  VersionedTransaction,
  type AddressLookupTableAccount,
  type PublicKey,
  type TransactionInstruction,
} from '@solana/web3.js';
import { memoInstruction } from './memo.js';

/** Simulation runs at the maximum so the measured units are not capped by our own limit. */
export const SIMULATION_CU_LIMIT = 1_400_000;
/**
 * The blockhash of a transaction that is only simulated, with replaceRecentBlockhash (the cluster
 * substitutes its latest): 32 zero bytes, never a blockhash a cluster issues, so such a draft can
 * never land even if it were signed and sent by mistake.
 */
export const SIMULATION_PLACEHOLDER_BLOCKHASH = '11111111111111111111111111111111';

export interface AssembleParams {
  payer: PublicKey;
  blockhash: string;
  instructions: readonly TransactionInstruction[];
  lookupTables: readonly AddressLookupTableAccount[];
  computeUnitLimit: number;
  priorityFeeMicroLamports: number;
  memo: string;
}

export function assembleTransaction(params: AssembleParams): VersionedTransaction {
  const body = params.instructions.filter((ix) => !ix.programId.equals(ComputeBudgetProgram.programId));
  const instructions = [
    ComputeBudgetProgram.setComputeUnitLimit({ units: params.computeUnitLimit }),
    ...(params.priorityFeeMicroLamports > 0
      ? [ComputeBudgetProgram.setComputeUnitPrice({ microLamports: params.priorityFeeMicroLamports })]
      : []),
    ...body,
    memoInstruction(params.memo),
  ];
  const message = new TransactionMessage({ payerKey: params.payer, recentBlockhash: params.blockhash, instructions }).compileToV0Message([
    ...params.lookupTables,
  ]);
  return new VersionedTransaction(message);
}

/** Units measured × margin, at least 1,000 over, at most the runtime maximum. */
export function computeUnitLimitFor(unitsConsumed: number, margin: number): number {
  return Math.min(SIMULATION_CU_LIMIT, Math.max(unitsConsumed + 1_000, Math.ceil(unitsConsumed * margin)));
}

/** Every account key of the message, lookup-table ones included, in message order. */
export function accountKeysOf(tx: VersionedTransaction, lookupTables: readonly AddressLookupTableAccount[]): PublicKey[] {
  const keys = tx.message.getAccountKeys({ addressLookupTableAccounts: [...lookupTables] });
  return [...keys.staticAccountKeys, ...(keys.accountKeysFromLookups?.writable ?? []), ...(keys.accountKeysFromLookups?.readonly ?? [])];
}
