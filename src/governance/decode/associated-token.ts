// Associated Token Account program: creating the canonical token account of a wallet.
// Data is empty or one byte: 0 Create, 1 CreateIdempotent, 2 RecoverNested.
import type { TransactionInstruction } from '@solana/web3.js';
import { decoded, errorText, key, short, undecodable } from './base.js';
import type { DecodedInstruction } from './types.js';

export function decodeAssociatedToken(instruction: TransactionInstruction, index: number): DecodedInstruction {
  try {
    const type = instruction.data.length === 0 ? 0 : instruction.data[0];
    // eslint-disable-next-line no-restricted-syntax -- caught below: the instruction is reported undecodable with this text
    if (instruction.data.length > 1) throw new Error(`expected at most 1 data byte, got ${instruction.data.length}`);
    if (type === 0 || type === 1) {
      const payer = key(instruction, 0, 'payer');
      const account = key(instruction, 1, 'associated account');
      const owner = key(instruction, 2, 'owner');
      const mint = key(instruction, 3, 'mint');
      const idempotent = type === 1;
      return decoded(
        instruction,
        index,
        'associated-token',
        `create${idempotent ? ' (idempotent)' : ''} the ${short(mint)} token account ${short(account)} of ${short(owner)}, paid by ${short(payer)}`,
        {
          kind: 'ata-create',
          payer,
          account,
          owner,
          mint,
          idempotent,
        },
      );
    }
    if (type === 2)
      return decoded(instruction, index, 'associated-token', 'recover a nested associated token account', {
        kind: 'ata-other',
        name: 'RecoverNested',
      });
    // eslint-disable-next-line no-restricted-syntax -- caught below: the instruction is reported undecodable with this text
    throw new Error(`unknown instruction type ${type}`);
  } catch (error) {
    return undecodable(instruction, index, 'associated-token', errorText(error));
  }
}
