// SPL Token and Token-2022: transfers, delegate approvals, authority changes, closing,
// minting and burning. Decoded with @solana/spl-token's own decoders so the layout is the
// program's, not ours.
import {
  AuthorityType,
  decodeInstruction,
  isApproveCheckedInstruction,
  isApproveInstruction,
  isBurnCheckedInstruction,
  isBurnInstruction,
  isCloseAccountInstruction,
  isMintToCheckedInstruction,
  isMintToInstruction,
  isRevokeInstruction,
  isSetAuthorityInstruction,
  isTransferCheckedInstruction,
  isTransferInstruction,
  TOKEN_2022_PROGRAM_ID,
  TokenInstruction,
  TokenInvalidInstructionTypeError,
} from '@solana/spl-token';
import type { TransactionInstruction } from '@solana/web3.js';
import type { TreasuryIndex } from '../treasury-context.js';
import { mintOfAccount, tokenAmount } from './amount.js';
import { decoded, errorText, short, undecodable } from './base.js';
import type { DecodedInstruction, ProgramName } from './types.js';

export function decodeSplToken(instruction: TransactionInstruction, index: number, treasury: TreasuryIndex): DecodedInstruction {
  const program: ProgramName = instruction.programId.equals(TOKEN_2022_PROGRAM_ID) ? 'token-2022' : 'spl-token';
  let ix;
  try {
    ix = decodeInstruction(instruction, instruction.programId);
  } catch (error) {
    if (error instanceof TokenInvalidInstructionTypeError) {
      const type = instruction.data[0];
      const name = type === undefined ? 'empty' : (TokenInstruction[type] ?? `instruction type ${type}`);
      // Token-2022 extension instructions (transfer fees, confidential transfers, ...) are real
      // instructions this decoder does not break down; say so instead of pretending.
      return decoded(instruction, index, program, `${program} ${name} (not broken down by Steward; review by hand)`, {
        kind: 'token-other',
        name,
      });
    }
    return undecodable(instruction, index, program, errorText(error));
  }
  const label = program === 'token-2022' ? 'Token-2022' : 'token';
  if (isTransferInstruction(ix) || isTransferCheckedInstruction(ix)) {
    const checked = isTransferCheckedInstruction(ix);
    const source = ix.keys.source.pubkey.toBase58();
    const destination = ix.keys.destination.pubkey.toBase58();
    const authority = ix.keys.owner.pubkey.toBase58();
    const mint = isTransferCheckedInstruction(ix)
      ? ix.keys.mint.pubkey.toBase58()
      : (mintOfAccount(source, treasury) ?? mintOfAccount(destination, treasury));
    const amount = tokenAmount(ix.data.amount, mint, treasury, isTransferCheckedInstruction(ix) ? ix.data.decimals : undefined);
    return decoded(
      instruction,
      index,
      program,
      `${label} transfer of ${amount.display} from ${short(source)} to ${short(destination)} (authority ${short(authority)})`,
      {
        kind: 'token-transfer',
        source,
        destination,
        authority,
        amount,
        checked,
      },
    );
  }
  if (isApproveInstruction(ix) || isApproveCheckedInstruction(ix)) {
    const account = ix.keys.account.pubkey.toBase58();
    const delegate = ix.keys.delegate.pubkey.toBase58();
    const owner = ix.keys.owner.pubkey.toBase58();
    const mint = isApproveCheckedInstruction(ix) ? ix.keys.mint.pubkey.toBase58() : mintOfAccount(account, treasury);
    const amount = tokenAmount(ix.data.amount, mint, treasury, isApproveCheckedInstruction(ix) ? ix.data.decimals : undefined);
    return decoded(instruction, index, program, `approve ${short(delegate)} to spend up to ${amount.display} from ${short(account)}`, {
      kind: 'token-approve',
      account,
      delegate,
      owner,
      amount,
      checked: isApproveCheckedInstruction(ix),
    });
  }
  if (isRevokeInstruction(ix)) {
    const account = ix.keys.account.pubkey.toBase58();
    return decoded(instruction, index, program, `revoke the delegate of ${short(account)}`, {
      kind: 'token-revoke',
      account,
      owner: ix.keys.owner.pubkey.toBase58(),
    });
  }
  if (isSetAuthorityInstruction(ix)) {
    const account = ix.keys.account.pubkey.toBase58();
    const authorityType = AuthorityType[ix.data.authorityType] ?? `authority type ${ix.data.authorityType}`;
    const newAuthority = ix.data.newAuthority?.toBase58() ?? null;
    return decoded(
      instruction,
      index,
      program,
      `set ${authorityType} authority of ${short(account)} to ${newAuthority === null ? 'NONE (removed for good)' : short(newAuthority)}`,
      { kind: 'token-set-authority', account, authorityType, currentAuthority: ix.keys.currentAuthority.pubkey.toBase58(), newAuthority },
    );
  }
  if (isCloseAccountInstruction(ix)) {
    const account = ix.keys.account.pubkey.toBase58();
    const destination = ix.keys.destination.pubkey.toBase58();
    return decoded(instruction, index, program, `close token account ${short(account)}, rent to ${short(destination)}`, {
      kind: 'token-close-account',
      account,
      destination,
      authority: ix.keys.authority.pubkey.toBase58(),
    });
  }
  if (isMintToInstruction(ix) || isMintToCheckedInstruction(ix)) {
    const mint = ix.keys.mint.pubkey.toBase58();
    const destination = ix.keys.destination.pubkey.toBase58();
    const amount = tokenAmount(ix.data.amount, mint, treasury, isMintToCheckedInstruction(ix) ? ix.data.decimals : undefined);
    return decoded(instruction, index, program, `mint ${amount.display} to ${short(destination)}`, {
      kind: 'token-mint-to',
      mint,
      destination,
      authority: ix.keys.authority.pubkey.toBase58(),
      amount,
      checked: isMintToCheckedInstruction(ix),
    });
  }
  if (isBurnInstruction(ix) || isBurnCheckedInstruction(ix)) {
    const account = ix.keys.account.pubkey.toBase58();
    const mint = ix.keys.mint.pubkey.toBase58();
    const amount = tokenAmount(ix.data.amount, mint, treasury, isBurnCheckedInstruction(ix) ? ix.data.decimals : undefined);
    return decoded(instruction, index, program, `burn ${amount.display} from ${short(account)}`, {
      kind: 'token-burn',
      account,
      mint,
      authority: ix.keys.owner.pubkey.toBase58(),
      amount,
      checked: isBurnCheckedInstruction(ix),
    });
  }
  const name = TokenInstruction[ix.data.instruction] ?? `instruction type ${ix.data.instruction}`;
  return decoded(instruction, index, program, `${label} ${name}`, { kind: 'token-other', name });
}
