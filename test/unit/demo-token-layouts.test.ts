import { describe, expect, it } from 'vitest';
import { Keypair, PublicKey } from '@solana/web3.js';
import {
  ExtensionType,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  getExtensionTypes,
  getPermanentDelegate,
  getTransferFeeAmount,
  getTransferFeeConfig,
  unpackAccount,
  unpackMint,
} from '@solana/spl-token';
import { encodeMint, encodeTokenAccount } from '../../src/demo/seed/token-layouts.js';

const key = (label: string): PublicKey => Keypair.fromSeed(new Uint8Array(32).fill(label.length)).publicKey;
const info = (data: Uint8Array, owner: PublicKey) => ({ data: Buffer.from(data), owner, lamports: 1, executable: false });

describe('token layouts', () => {
  it('writes a classic mint that spl-token unpacks field by field', () => {
    const address = key('m');
    const data = encodeMint({ mintAuthority: key('auth'), freezeAuthority: null, supply: 1_200_000_000_000n, decimals: 6 });
    expect(data.length).toBe(82);
    const mint = unpackMint(address, info(data, TOKEN_PROGRAM_ID), TOKEN_PROGRAM_ID);
    expect(mint.supply).toBe(1_200_000_000_000n);
    expect(mint.decimals).toBe(6);
    expect(mint.mintAuthority?.equals(key('auth'))).toBe(true);
    expect(mint.freezeAuthority).toBeNull();
    expect(mint.isInitialized).toBe(true);
  });

  it('writes a Token-2022 mint with transfer fee and permanent delegate in TLV order', () => {
    const issuer = key('issuer');
    const data = encodeMint({
      mintAuthority: key('auth'),
      freezeAuthority: issuer,
      supply: 5n,
      decimals: 6,
      extensions: {
        transferFee: { feeAuthority: issuer, withdrawWithheldAuthority: issuer, basisPoints: 10, maximumFee: 100_000_000n, epoch: 0n },
        permanentDelegate: issuer,
      },
    });
    expect(data.length).toBe(314);
    const mint = unpackMint(key('m2'), info(data, TOKEN_2022_PROGRAM_ID), TOKEN_2022_PROGRAM_ID);
    expect(getExtensionTypes(mint.tlvData)).toEqual([ExtensionType.TransferFeeConfig, ExtensionType.PermanentDelegate]);
    expect(getPermanentDelegate(mint)?.delegate.equals(issuer)).toBe(true);
    const fee = getTransferFeeConfig(mint);
    expect(fee?.newerTransferFee).toEqual({ epoch: 0n, maximumFee: 100_000_000n, transferFeeBasisPoints: 10 });
    expect(fee?.transferFeeConfigAuthority.equals(issuer)).toBe(true);
    expect(mint.freezeAuthority?.equals(issuer)).toBe(true);
  });

  it('writes a token account with a delegate allowance', () => {
    const data = encodeTokenAccount({ mint: key('m'), owner: key('owner'), amount: 10n, delegate: { address: key('agent1'), amount: 7n } });
    expect(data.length).toBe(165);
    const account = unpackAccount(key('a'), info(data, TOKEN_PROGRAM_ID), TOKEN_PROGRAM_ID);
    expect(account.amount).toBe(10n);
    expect(account.delegate?.equals(key('agent1'))).toBe(true);
    expect(account.delegatedAmount).toBe(7n);
    expect(account.isInitialized).toBe(true);
    expect(account.isFrozen).toBe(false);
    expect(account.closeAuthority).toBeNull();
  });

  it('leaves the delegate empty when none is granted', () => {
    const data = encodeTokenAccount({ mint: key('m'), owner: key('owner'), amount: 10n });
    const account = unpackAccount(key('a'), info(data, TOKEN_PROGRAM_ID), TOKEN_PROGRAM_ID);
    expect(account.delegate).toBeNull();
    expect(account.delegatedAmount).toBe(0n);
  });

  it('writes a Token-2022 associated account with ImmutableOwner then TransferFeeAmount', () => {
    const data = encodeTokenAccount({
      mint: key('m'),
      owner: key('owner'),
      amount: 3n,
      extensions: { immutableOwner: true, transferFeeAmount: true },
    });
    expect(data.length).toBe(182);
    const account = unpackAccount(key('a'), info(data, TOKEN_2022_PROGRAM_ID), TOKEN_2022_PROGRAM_ID);
    expect(getExtensionTypes(account.tlvData)).toEqual([ExtensionType.ImmutableOwner, ExtensionType.TransferFeeAmount]);
    expect(getTransferFeeAmount(account)?.withheldAmount).toBe(0n);
    expect(account.amount).toBe(3n);
  });
});
