// Compute Budget program: compute unit limit and price, heap size. Harmless on its own, shown
// so that nothing in a proposal goes unlisted.
import { ComputeBudgetInstruction, type TransactionInstruction } from '@solana/web3.js';
import { decoded, errorText, undecodable } from './base.js';
import type { DecodedInstruction } from './types.js';

export function decodeComputeBudget(instruction: TransactionInstruction, index: number): DecodedInstruction {
  try {
    const type = ComputeBudgetInstruction.decodeInstructionType(instruction);
    let value: string;
    switch (type) {
      case 'SetComputeUnitLimit':
        value = `${ComputeBudgetInstruction.decodeSetComputeUnitLimit(instruction).units} units`;
        break;
      case 'SetComputeUnitPrice':
        value = `${ComputeBudgetInstruction.decodeSetComputeUnitPrice(instruction).microLamports} micro-lamports per unit`;
        break;
      case 'RequestHeapFrame':
        value = `${ComputeBudgetInstruction.decodeRequestHeapFrame(instruction).bytes} bytes`;
        break;
      case 'RequestUnits':
        value = `${ComputeBudgetInstruction.decodeRequestUnits(instruction).units} units`;
        break;
      default:
        value = '';
    }
    return decoded(instruction, index, 'compute-budget', `compute budget ${type}${value ? ` ${value}` : ''}`, {
      kind: 'compute-budget',
      name: type,
      value,
    });
  } catch (error) {
    return undecodable(instruction, index, 'compute-budget', errorText(error));
  }
}
