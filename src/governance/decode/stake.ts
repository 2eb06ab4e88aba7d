// Stake program: delegation, deactivation, withdrawals and authority changes of stake accounts.
import { StakeAuthorizationLayout, StakeInstruction, type TransactionInstruction } from '@solana/web3.js';
import type { TreasuryIndex } from '../treasury-context.js';
import { solAmount } from './amount.js';
import { decoded, errorText, short, undecodable } from './base.js';
import type { DecodedInstruction } from './types.js';

export function decodeStake(instruction: TransactionInstruction, index: number, treasury: TreasuryIndex): DecodedInstruction {
  try {
    const type = StakeInstruction.decodeInstructionType(instruction);
    switch (type) {
      case 'Delegate': {
        const params = StakeInstruction.decodeDelegate(instruction);
        const stakeAccount = params.stakePubkey.toBase58();
        const voteAccount = params.votePubkey.toBase58();
        return decoded(
          instruction,
          index,
          'stake',
          `delegate stake account ${short(stakeAccount)} to validator vote account ${short(voteAccount)}`,
          {
            kind: 'stake-delegate',
            stakeAccount,
            voteAccount,
            authority: params.authorizedPubkey.toBase58(),
          },
        );
      }
      case 'Deactivate': {
        const params = StakeInstruction.decodeDeactivate(instruction);
        const stakeAccount = params.stakePubkey.toBase58();
        return decoded(instruction, index, 'stake', `deactivate stake account ${short(stakeAccount)}`, {
          kind: 'stake-deactivate',
          stakeAccount,
          authority: params.authorizedPubkey.toBase58(),
        });
      }
      case 'Withdraw': {
        const params = StakeInstruction.decodeWithdraw(instruction);
        const stakeAccount = params.stakePubkey.toBase58();
        const to = params.toPubkey.toBase58();
        const amount = solAmount(BigInt(params.lamports), treasury);
        return decoded(
          instruction,
          index,
          'stake',
          `withdraw ${amount.display} from stake account ${short(stakeAccount)} to ${short(to)}`,
          {
            kind: 'stake-withdraw',
            stakeAccount,
            to,
            authority: params.authorizedPubkey.toBase58(),
            amount,
          },
        );
      }
      case 'Authorize': {
        const params = StakeInstruction.decodeAuthorize(instruction);
        const stakeAccount = params.stakePubkey.toBase58();
        const newAuthority = params.newAuthorizedPubkey.toBase58();
        const role = params.stakeAuthorizationType.index === StakeAuthorizationLayout.Withdrawer.index ? 'withdrawer' : 'staker';
        return decoded(instruction, index, 'stake', `make ${short(newAuthority)} the ${role} of stake account ${short(stakeAccount)}`, {
          kind: 'stake-authorize',
          stakeAccount,
          authority: params.authorizedPubkey.toBase58(),
          newAuthority,
          role,
        });
      }
      default:
        return decoded(instruction, index, 'stake', `stake ${type}`, { kind: 'stake-other', name: type });
    }
  } catch (error) {
    return undecodable(instruction, index, 'stake', errorText(error));
  }
}
