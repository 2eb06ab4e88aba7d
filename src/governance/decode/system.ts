// System program: SOL transfers, account creation and assignment (who owns an account).
import { SystemInstruction, type TransactionInstruction } from '@solana/web3.js';
import type { TreasuryIndex } from '../treasury-context.js';
import { solAmount } from './amount.js';
import { decoded, errorText, short, undecodable } from './base.js';
import type { DecodedInstruction } from './types.js';

export function decodeSystem(instruction: TransactionInstruction, index: number, treasury: TreasuryIndex): DecodedInstruction {
  try {
    const type = SystemInstruction.decodeInstructionType(instruction);
    switch (type) {
      case 'Transfer': {
        const { fromPubkey, toPubkey, lamports } = SystemInstruction.decodeTransfer(instruction);
        const amount = solAmount(lamports, treasury);
        const from = fromPubkey.toBase58();
        const to = toPubkey.toBase58();
        return decoded(instruction, index, 'system', `transfer ${amount.display} from ${short(from)} to ${short(to)}`, {
          kind: 'sol-transfer',
          from,
          to,
          amount,
        });
      }
      case 'Create': {
        const params = SystemInstruction.decodeCreateAccount(instruction);
        const amount = solAmount(BigInt(params.lamports), treasury);
        const from = params.fromPubkey.toBase58();
        const newAccount = params.newAccountPubkey.toBase58();
        const owner = params.programId.toBase58();
        return decoded(
          instruction,
          index,
          'system',
          `create account ${short(newAccount)} (${params.space} bytes, owner ${short(owner)}) funded with ${amount.display} by ${short(from)}`,
          { kind: 'create-account', from, newAccount, amount, space: params.space, owner },
        );
      }
      case 'Assign': {
        const params = SystemInstruction.decodeAssign(instruction);
        const account = params.accountPubkey.toBase58();
        const owner = params.programId.toBase58();
        return decoded(instruction, index, 'system', `assign account ${short(account)} to program ${short(owner)}`, {
          kind: 'assign',
          account,
          owner,
        });
      }
      default:
        return decoded(instruction, index, 'system', `system instruction ${type}`, { kind: 'system-other', name: type });
    }
  } catch (error) {
    return undecodable(instruction, index, 'system', errorText(error));
  }
}
