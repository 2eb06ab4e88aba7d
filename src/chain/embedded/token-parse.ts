// Decoding of SPL Token and Token-2022 accounts and mints into the RPC's `jsonParsed` shape
// (agave account-decoder: parse_token.rs / parse_token_extension.rs), and the small readers
// the chain needs for token balances. Reads bytes directly: no web3.js objects per account.
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { encodeBase58 } from '../../shared/base58.js';

export const TOKEN_PROGRAM = TOKEN_PROGRAM_ID.toBase58();
export const TOKEN_2022_PROGRAM = TOKEN_2022_PROGRAM_ID.toBase58();
export const TOKEN_ACCOUNT_SIZE = 165;
export const MINT_SIZE = 82;
const MULTISIG_SIZE = 355;
const ACCOUNT_TYPE_MINT = 1;
const ACCOUNT_TYPE_ACCOUNT = 2;

export function isTokenProgram(owner: string): boolean {
  return owner === TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM;
}

const view = (data: Uint8Array) => new DataView(data.buffer, data.byteOffset, data.byteLength);
const u64 = (data: Uint8Array, offset: number) => view(data).getBigUint64(offset, true);
const key = (data: Uint8Array, offset: number) => encodeBase58(data.subarray(offset, offset + 32));
const optionKey = (data: Uint8Array, offset: number) => (view(data).getUint32(offset, true) === 0 ? null : key(data, offset + 4));
const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);
/** OptionalNonZeroPubkey of Token-2022 extensions: all zeroes means none. */
const nonZeroKey = (data: Uint8Array, offset: number) => (isZero(data.subarray(offset, offset + 32)) ? null : key(data, offset));

/** Whether `data` (owned by a token program) is a token account. */
export function isTokenAccountData(data: Uint8Array): boolean {
  if (data.length === TOKEN_ACCOUNT_SIZE) return true;
  return data.length > TOKEN_ACCOUNT_SIZE && data.length !== MULTISIG_SIZE && data[TOKEN_ACCOUNT_SIZE] === ACCOUNT_TYPE_ACCOUNT;
}

export function isMintData(data: Uint8Array): boolean {
  if (data.length === MINT_SIZE) return true;
  return data.length > TOKEN_ACCOUNT_SIZE && data.length !== MULTISIG_SIZE && data[TOKEN_ACCOUNT_SIZE] === ACCOUNT_TYPE_MINT;
}

export interface TokenAccountFields {
  mint: string;
  owner: string;
  amount: bigint;
  delegate: string | null;
  state: number;
  isNative: bigint | null;
  delegatedAmount: bigint;
  closeAuthority: string | null;
}

export function readTokenAccount(data: Uint8Array): TokenAccountFields {
  return {
    mint: key(data, 0),
    owner: key(data, 32),
    amount: u64(data, 64),
    delegate: optionKey(data, 72),
    state: data[108] ?? 0,
    isNative: view(data).getUint32(109, true) === 0 ? null : u64(data, 113),
    delegatedAmount: u64(data, 121),
    closeAuthority: optionKey(data, 129),
  };
}

export interface MintFields {
  mintAuthority: string | null;
  supply: bigint;
  decimals: number;
  isInitialized: boolean;
  freezeAuthority: string | null;
}

export function readMint(data: Uint8Array): MintFields {
  return {
    mintAuthority: optionKey(data, 0),
    supply: u64(data, 36),
    decimals: data[44] ?? 0,
    isInitialized: data[45] === 1,
    freezeAuthority: optionKey(data, 46),
  };
}

export interface UiTokenAmount {
  amount: string;
  decimals: number;
  uiAmount: number | null;
  uiAmountString: string;
}

/** The RPC's UiTokenAmount: uiAmount is a float for display, uiAmountString is exact. */
export function uiTokenAmount(amount: bigint, decimals: number): UiTokenAmount {
  const scale = 10n ** BigInt(decimals);
  const whole = amount / scale;
  const fraction = decimals === 0 ? '' : (amount % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole.toString();
  return { amount: amount.toString(), decimals, uiAmount: Number(text), uiAmountString: text };
}

const STATES = ['uninitialized', 'initialized', 'frozen'] as const;

export interface ParsedTokenData {
  program: 'spl-token' | 'spl-token-2022';
  parsed: { type: 'account' | 'mint' | 'multisig'; info: Record<string, unknown> };
  space: number;
}

/**
 * Parses a token-program account into the jsonParsed shape, or returns null when it is not a
 * token account, mint or multisig (the RPC then falls back to base64). `mintDecimals` looks up
 * a mint's decimals for token accounts; an account whose mint is gone is not parseable.
 */
export function parseTokenData(owner: string, data: Uint8Array, mintDecimals: (mint: string) => number | null): ParsedTokenData | null {
  if (!isTokenProgram(owner)) return null;
  const program = owner === TOKEN_PROGRAM ? 'spl-token' : 'spl-token-2022';
  const is2022 = program === 'spl-token-2022';
  if (isTokenAccountData(data) && (is2022 || data.length === TOKEN_ACCOUNT_SIZE)) {
    const account = readTokenAccount(data);
    const decimals = mintDecimals(account.mint);
    if (decimals === null || account.state === 0) return null;
    const info: Record<string, unknown> = {
      isNative: account.isNative !== null,
      mint: account.mint,
      owner: account.owner,
      state: STATES[account.state] ?? 'uninitialized',
      tokenAmount: uiTokenAmount(account.amount, decimals),
    };
    if (account.delegate !== null) {
      info.delegate = account.delegate;
      info.delegatedAmount = uiTokenAmount(account.delegatedAmount, decimals);
    }
    if (account.isNative !== null) info.rentExemptReserve = uiTokenAmount(account.isNative, decimals);
    if (account.closeAuthority !== null) info.closeAuthority = account.closeAuthority;
    if (is2022 && data.length > TOKEN_ACCOUNT_SIZE) info.extensions = parseExtensions(data, decimals);
    return { program, parsed: { type: 'account', info }, space: data.length };
  }
  if (isMintData(data) && (is2022 || data.length === MINT_SIZE)) {
    const mint = readMint(data);
    if (!mint.isInitialized) return null;
    const info: Record<string, unknown> = {
      decimals: mint.decimals,
      freezeAuthority: mint.freezeAuthority,
      isInitialized: true,
      mintAuthority: mint.mintAuthority,
      supply: mint.supply.toString(),
    };
    if (is2022 && data.length > TOKEN_ACCOUNT_SIZE) info.extensions = parseExtensions(data, mint.decimals);
    return { program, parsed: { type: 'mint', info }, space: data.length };
  }
  if (data.length === MULTISIG_SIZE) {
    const signers: string[] = [];
    const n = data[1] ?? 0;
    for (let i = 0; i < n; i++) signers.push(key(data, 3 + 32 * i));
    return {
      program,
      parsed: { type: 'multisig', info: { isInitialized: data[2] === 1, numRequiredSigners: data[0], numValidSigners: n, signers } },
      space: data.length,
    };
  }
  return null;
}

const feeJson = (data: Uint8Array, offset: number) => ({
  epoch: Number(u64(data, offset)),
  maximumFee: Number(u64(data, offset + 8)),
  transferFeeBasisPoints: view(data).getUint16(offset + 16, true),
});

function readBorshString(data: Uint8Array, offset: number): [string, number] {
  const length = view(data).getUint32(offset, true);
  return [Buffer.from(data.subarray(offset + 4, offset + 4 + length)).toString('utf8'), offset + 4 + length];
}

/** Token-2022 TLV extensions (type u16, length u16, value) after the account-type byte. */
function parseExtensions(data: Uint8Array, decimals: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let offset = TOKEN_ACCOUNT_SIZE + 1;
  while (offset + 4 <= data.length) {
    const type = view(data).getUint16(offset, true);
    const length = view(data).getUint16(offset + 2, true);
    const value = data.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    if (type === 0) break;
    try {
      out.push(parseExtension(type, value, decimals));
    } catch {
      out.push({ extension: 'unparseableExtension' });
    }
  }
  return out;
}

function parseExtension(type: number, v: Uint8Array, decimals: number): Record<string, unknown> {
  switch (type) {
    case 1:
      return {
        extension: 'transferFeeConfig',
        state: {
          transferFeeConfigAuthority: nonZeroKey(v, 0),
          withdrawWithheldAuthority: nonZeroKey(v, 32),
          withheldAmount: Number(u64(v, 64)),
          olderTransferFee: feeJson(v, 72),
          newerTransferFee: feeJson(v, 90),
        },
      };
    case 2:
      return { extension: 'transferFeeAmount', state: { withheldAmount: Number(u64(v, 0)) } };
    case 3:
      return { extension: 'mintCloseAuthority', state: { closeAuthority: nonZeroKey(v, 0) } };
    case 6:
      return { extension: 'defaultAccountState', state: { accountState: STATES[v[0] ?? 0] ?? 'uninitialized' } };
    case 7:
      return { extension: 'immutableOwner' };
    case 8:
      return { extension: 'memoTransfer', state: { requireIncomingTransferMemos: v[0] === 1 } };
    case 9:
      return { extension: 'nonTransferable' };
    case 10:
      return {
        extension: 'interestBearingConfig',
        state: {
          rateAuthority: nonZeroKey(v, 0),
          initializationTimestamp: Number(view(v).getBigInt64(32, true)),
          preUpdateAverageRate: view(v).getInt16(40, true),
          lastUpdateTimestamp: Number(view(v).getBigInt64(42, true)),
          currentRate: view(v).getInt16(50, true),
        },
      };
    case 11:
      return { extension: 'cpiGuard', state: { lockCpi: v[0] === 1 } };
    case 12:
      return { extension: 'permanentDelegate', state: { delegate: nonZeroKey(v, 0) } };
    case 13:
      return { extension: 'nonTransferableAccount' };
    case 14:
      return { extension: 'transferHook', state: { authority: nonZeroKey(v, 0), programId: nonZeroKey(v, 32) } };
    case 15:
      return { extension: 'transferHookAccount', state: { transferring: v[0] === 1 } };
    case 18:
      return { extension: 'metadataPointer', state: { authority: nonZeroKey(v, 0), metadataAddress: nonZeroKey(v, 32) } };
    case 19: {
      let offset = 64;
      const [name, a] = readBorshString(v, offset);
      const [symbol, b] = readBorshString(v, a);
      const [uri, c] = readBorshString(v, b);
      offset = c;
      const count = view(v).getUint32(offset, true);
      offset += 4;
      const additionalMetadata: [string, string][] = [];
      for (let i = 0; i < count; i++) {
        const [k, x] = readBorshString(v, offset);
        const [val, y] = readBorshString(v, x);
        additionalMetadata.push([k, val]);
        offset = y;
      }
      return {
        extension: 'tokenMetadata',
        state: { updateAuthority: nonZeroKey(v, 0), mint: key(v, 32), name, symbol, uri, additionalMetadata },
      };
    }
    case 20:
      return { extension: 'groupPointer', state: { authority: nonZeroKey(v, 0), groupAddress: nonZeroKey(v, 32) } };
    case 22:
      return { extension: 'groupMemberPointer', state: { authority: nonZeroKey(v, 0), memberAddress: nonZeroKey(v, 32) } };
    case 26:
      return { extension: 'pausableConfig', state: { authority: nonZeroKey(v, 0), paused: v[32] === 1 } };
    case 27:
      return { extension: 'pausableAccount' };
    default:
      void decimals;
      return { extension: 'unparseableExtension' };
  }
}
