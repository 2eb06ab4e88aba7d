// Token-2022 extensions that put a holder's funds in someone else's hands: a permanent
// delegate can move or burn them, a transfer hook can block or tax every transfer, a default
// frozen state or a pause switch can freeze them... Read from the mint's own bytes, never
// from token metadata text.
import {
  AccountState,
  ExtensionType,
  getDefaultAccountState,
  getExtensionTypes,
  getMintCloseAuthority,
  getPermanentDelegate,
  getTransferFeeConfig,
  getTransferHook,
  type Mint,
} from '@solana/spl-token';
import { PublicKey } from '@solana/web3.js';
import { formatAmount, toAddress, type Address } from '../shared/index.js';
import type { MintRisk } from './snapshot.js';

const ZERO = PublicKey.default;

function authorityOf(key: PublicKey | null | undefined): Address | null {
  return key && !key.equals(ZERO) ? toAddress(key) : null;
}

/** Extension names of a mint or account's TLV data ("PermanentDelegate", ...); unknown types by number. */
export function extensionNames(tlvData: Buffer): string[] {
  if (tlvData.length === 0) return [];
  return getExtensionTypes(tlvData).map((type) => ExtensionType[type] ?? `Unknown(${type})`);
}

/** The risks a Token-2022 mint's extensions pose to holders. Empty for classic SPL mints. */
export function mintRisks(mint: Mint): MintRisk[] {
  if (mint.tlvData.length === 0) return [];
  const risks: MintRisk[] = [];
  for (const type of getExtensionTypes(mint.tlvData)) {
    switch (type) {
      case ExtensionType.PermanentDelegate: {
        const delegate = authorityOf(getPermanentDelegate(mint)?.delegate);
        if (delegate)
          risks.push({
            kind: 'permanent-delegate',
            detail: 'a permanent delegate can move or burn this token from every holder, the treasury included, without its signature',
            authority: delegate,
          });
        break;
      }
      case ExtensionType.TransferFeeConfig: {
        const config = getTransferFeeConfig(mint);
        const fee = config?.newerTransferFee;
        const bps = fee?.transferFeeBasisPoints ?? 0;
        risks.push({
          kind: 'transfer-fee',
          detail: `every transfer pays a fee of ${bps} bps (at most ${formatAmount(fee?.maximumFee ?? 0n, mint.decimals)} tokens), which its authority can raise`,
          authority: authorityOf(config?.transferFeeConfigAuthority),
        });
        break;
      }
      case ExtensionType.TransferHook: {
        const hook = getTransferHook(mint);
        const program = authorityOf(hook?.programId);
        if (program)
          risks.push({
            kind: 'transfer-hook',
            detail: 'every transfer calls a program chosen by the issuer, which can block or charge it',
            authority: program,
          });
        break;
      }
      case ExtensionType.DefaultAccountState:
        if (getDefaultAccountState(mint)?.state === AccountState.Frozen) {
          risks.push({
            kind: 'default-frozen',
            detail: 'new accounts of this token start frozen until the freeze authority thaws them',
            authority: authorityOf(mint.freezeAuthority),
          });
        }
        break;
      case ExtensionType.NonTransferable:
        risks.push({ kind: 'non-transferable', detail: 'the token cannot be transferred: it cannot be sold or paid out', authority: null });
        break;
      case ExtensionType.ConfidentialTransferMint:
        risks.push({
          kind: 'confidential-transfer',
          detail: 'balances can move into confidential (encrypted) form that this observation cannot see',
          authority: null,
        });
        break;
      case ExtensionType.PausableConfig:
        risks.push({ kind: 'pausable', detail: 'its authority can pause every transfer, mint and burn of this token', authority: null });
        break;
      case ExtensionType.MintCloseAuthority:
        risks.push({
          kind: 'mint-close-authority',
          detail: 'the mint can be closed (and re-created with other rules) once its supply is zero',
          authority: authorityOf(getMintCloseAuthority(mint)?.closeAuthority),
        });
        break;
      case ExtensionType.InterestBearingConfig:
        risks.push({
          kind: 'interest-bearing',
          detail: 'the displayed amount accrues interest set by its authority; base units do not change',
          authority: null,
        });
        break;
      case ExtensionType.ScaledUiAmountConfig:
        risks.push({
          kind: 'scaled-ui-amount',
          detail: 'the displayed amount is scaled by a multiplier its authority can change',
          authority: null,
        });
        break;
      default:
        if (ExtensionType[type] === undefined) {
          risks.push({
            kind: 'unknown-extension',
            detail: `an extension this version of Steward does not know (type ${type})`,
            authority: null,
          });
        }
    }
  }
  return risks;
}
