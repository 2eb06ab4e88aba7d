// Byte-exact SPL Token and Token-2022 mint and token-account data, written with spl-token's
// own layouts, for injecting the demo's mints and treasury accounts into the embedded chain.
// The treasury's owner is a governance PDA that cannot sign here, so its accounts (and the
// delegate allowances it granted) are written as the token program would have left them.
import { PublicKey } from '@solana/web3.js';
import {
  ACCOUNT_SIZE,
  AccountLayout,
  AccountState,
  AccountType,
  ExtensionType,
  MINT_SIZE,
  MintLayout,
  PermanentDelegateLayout,
  TransferFeeAmountLayout,
  TransferFeeConfigLayout,
  getAccountLen,
  getMintLen,
} from '@solana/spl-token';

export interface TransferFeeSettings {
  feeAuthority: PublicKey;
  withdrawWithheldAuthority: PublicKey;
  basisPoints: number;
  maximumFee: bigint;
  /** Epoch from which the fee applies (older and newer fee are the same here). */
  epoch: bigint;
}

/** Token-2022 mint extensions the demo uses, written in this order (the order of their initialize instructions). */
export interface MintExtensions {
  transferFee?: TransferFeeSettings;
  permanentDelegate?: PublicKey;
}

export interface MintFields {
  mintAuthority: PublicKey | null;
  freezeAuthority: PublicKey | null;
  supply: bigint;
  decimals: number;
  extensions?: MintExtensions;
}

export interface TokenAccountFields {
  mint: PublicKey;
  owner: PublicKey;
  amount: bigint;
  delegate?: { address: PublicKey; amount: bigint };
  /**
   * Token-2022 account extensions. An associated token account always carries ImmutableOwner
   * (the ATA program initializes it first); a mint with a transfer fee adds TransferFeeAmount.
   */
  extensions?: { immutableOwner?: boolean; transferFeeAmount?: boolean };
}

// Extensions start after the base account padded to 165 bytes and one account-type byte.
const TLV_START = ACCOUNT_SIZE + 1;

function writeTlv(data: Buffer, offset: number, type: ExtensionType, value: Uint8Array): number {
  data.writeUInt16LE(type, offset);
  data.writeUInt16LE(value.length, offset + 2);
  data.set(value, offset + 4);
  return offset + 4 + value.length;
}

function mintExtensionTypes(extensions: MintExtensions | undefined): ExtensionType[] {
  const types: ExtensionType[] = [];
  if (extensions?.transferFee) types.push(ExtensionType.TransferFeeConfig);
  if (extensions?.permanentDelegate) types.push(ExtensionType.PermanentDelegate);
  return types;
}

/** Mint data; with extensions it is a Token-2022 mint of exactly `getMintLen(types)` bytes. */
export function encodeMint(fields: MintFields): Uint8Array {
  const types = mintExtensionTypes(fields.extensions);
  const data = Buffer.alloc(types.length === 0 ? MINT_SIZE : getMintLen(types));
  MintLayout.encode(
    {
      mintAuthorityOption: fields.mintAuthority ? 1 : 0,
      mintAuthority: fields.mintAuthority ?? PublicKey.default,
      supply: fields.supply,
      decimals: fields.decimals,
      isInitialized: true,
      freezeAuthorityOption: fields.freezeAuthority ? 1 : 0,
      freezeAuthority: fields.freezeAuthority ?? PublicKey.default,
    },
    data,
  );
  if (types.length === 0) return data;
  data[ACCOUNT_SIZE] = AccountType.Mint;
  let offset = TLV_START;
  const fee = fields.extensions?.transferFee;
  if (fee) {
    const value = Buffer.alloc(TransferFeeConfigLayout.span);
    const schedule = { epoch: fee.epoch, maximumFee: fee.maximumFee, transferFeeBasisPoints: fee.basisPoints };
    TransferFeeConfigLayout.encode(
      {
        transferFeeConfigAuthority: fee.feeAuthority,
        withdrawWithheldAuthority: fee.withdrawWithheldAuthority,
        withheldAmount: 0n,
        olderTransferFee: schedule,
        newerTransferFee: schedule,
      },
      value,
    );
    offset = writeTlv(data, offset, ExtensionType.TransferFeeConfig, value);
  }
  const permanentDelegate = fields.extensions?.permanentDelegate;
  if (permanentDelegate) {
    const value = Buffer.alloc(PermanentDelegateLayout.span);
    PermanentDelegateLayout.encode({ delegate: permanentDelegate }, value);
    writeTlv(data, offset, ExtensionType.PermanentDelegate, value);
  }
  return data;
}

/** Token account data; with extensions it is a Token-2022 account of exactly `getAccountLen(types)` bytes. */
export function encodeTokenAccount(fields: TokenAccountFields): Uint8Array {
  const types: ExtensionType[] = [];
  if (fields.extensions?.immutableOwner) types.push(ExtensionType.ImmutableOwner);
  if (fields.extensions?.transferFeeAmount) types.push(ExtensionType.TransferFeeAmount);
  const data = Buffer.alloc(types.length === 0 ? ACCOUNT_SIZE : getAccountLen(types));
  // Absent options leave zeros, as the program does.
  const zeroKey = PublicKey.default;
  AccountLayout.encode(
    {
      mint: fields.mint,
      owner: fields.owner,
      amount: fields.amount,
      delegateOption: fields.delegate ? 1 : 0,
      delegate: fields.delegate?.address ?? zeroKey,
      state: AccountState.Initialized,
      isNativeOption: 0,
      isNative: 0n,
      delegatedAmount: fields.delegate?.amount ?? 0n,
      closeAuthorityOption: 0,
      closeAuthority: zeroKey,
    },
    data,
  );
  if (types.length === 0) return data;
  data[ACCOUNT_SIZE] = AccountType.Account;
  let offset = TLV_START;
  if (fields.extensions?.immutableOwner) offset = writeTlv(data, offset, ExtensionType.ImmutableOwner, new Uint8Array(0));
  if (fields.extensions?.transferFeeAmount) {
    const value = Buffer.alloc(TransferFeeAmountLayout.span);
    TransferFeeAmountLayout.encode({ withheldAmount: 0n }, value);
    writeTlv(data, offset, ExtensionType.TransferFeeAmount, value);
  }
  return data;
}
