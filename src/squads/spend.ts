// spending_limit_use: the agent key, a member of a spending limit, moves tokens out of the
// multisig's vault; the program checks the member, the mint, the destination (the wallet that
// owns the destination token account) and takes the amount off the limit's remaining amount,
// refusing (SpendingLimitExceeded) what it cannot cover. The vault signs by PDA inside the
// program: the agent holds nothing.
import { SystemProgram, type PublicKey, type TransactionInstruction } from '@solana/web3.js';
import * as squads from '@sqds/multisig';
import BN from 'bn.js';
import { SQUADS_PROGRAM_ID } from './program.js';

export interface SpendingLimitUseParams {
  multisig: PublicKey;
  member: PublicKey;
  spendingLimit: PublicKey;
  vault: PublicKey;
  /** The wallet paid (what the limit's destination list is compared against). */
  destination: PublicKey;
  amount: bigint;
  decimals: number;
  /** SPL only: the mint, the vault's token account, the destination's token account and the token program. */
  token?: { mint: PublicKey; vaultTokenAccount: PublicKey; destinationTokenAccount: PublicKey; tokenProgram: PublicKey };
  memo?: string;
  programId?: PublicKey;
}

export function spendingLimitUseInstruction(params: SpendingLimitUseParams): TransactionInstruction {
  return squads.generated.createSpendingLimitUseInstruction(
    {
      multisig: params.multisig,
      member: params.member,
      spendingLimit: params.spendingLimit,
      vault: params.vault,
      destination: params.destination,
      systemProgram: SystemProgram.programId,
      ...(params.token
        ? {
            mint: params.token.mint,
            vaultTokenAccount: params.token.vaultTokenAccount,
            destinationTokenAccount: params.token.destinationTokenAccount,
            tokenProgram: params.token.tokenProgram,
          }
        : {}),
    },
    { args: { amount: new BN(params.amount.toString()), decimals: params.decimals, memo: params.memo ?? null } },
    params.programId ?? SQUADS_PROGRAM_ID,
  );
}
