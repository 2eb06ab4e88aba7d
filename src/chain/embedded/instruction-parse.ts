// jsonParsed instructions, as a validator's RPC renders them: System, SPL Token (and
// Token-2022), SPL Memo and the Associated Token Account program are decoded into
// `{ program, programId, parsed: { type, info } }` (a memo's `parsed` is its text); any other
// instruction, or one these decoders do not know, stays "partially decoded":
// `{ programId, accounts: [base58], data: base58 }`. Both carry `stackHeight`.
import { encodeBase58 } from '../../shared/base58.js';
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM, uiTokenAmount } from './token-parse.js';

const SYSTEM_PROGRAM = '11111111111111111111111111111111';
const MEMO_PROGRAMS = new Set(['MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr', 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo']);
const ATA_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';

export interface InstructionInput {
  programId: string;
  /** Account addresses, in the instruction's order. */
  accounts: string[];
  data: Uint8Array;
  stackHeight: number | null;
}

type Info = Record<string, unknown>;
type Parsed = { type: string; info: Info } | string;

class Data {
  constructor(readonly bytes: Uint8Array) {}
  #view = () => new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  has = (length: number) => this.bytes.length >= length;
  u8 = (at: number) => this.bytes[at] as number;
  u32 = (at: number) => this.#view().getUint32(at, true);
  u64 = (at: number) => this.#view().getBigUint64(at, true);
  key = (at: number) => encodeBase58(this.bytes.subarray(at, at + 32));
}

function parseSystem(data: Data, a: string[]): Parsed | undefined {
  if (!data.has(4)) return undefined;
  const tag = data.u32(0);
  const need = (n: number) => a.length >= n;
  switch (tag) {
    case 0:
      if (!data.has(52) || !need(2)) return undefined;
      return {
        type: 'createAccount',
        info: { source: a[0], newAccount: a[1], lamports: Number(data.u64(4)), space: Number(data.u64(12)), owner: data.key(20) },
      };
    case 1:
      if (!data.has(36) || !need(1)) return undefined;
      return { type: 'assign', info: { account: a[0], owner: data.key(4) } };
    case 2:
      if (!data.has(12) || !need(2)) return undefined;
      return { type: 'transfer', info: { source: a[0], destination: a[1], lamports: Number(data.u64(4)) } };
    case 4:
      if (!need(3)) return undefined;
      return { type: 'advanceNonce', info: { nonceAccount: a[0], recentBlockhashesSysvar: a[1], nonceAuthority: a[2] } };
    case 5:
      if (!data.has(12) || !need(5)) return undefined;
      return {
        type: 'withdrawFromNonce',
        info: {
          nonceAccount: a[0],
          destination: a[1],
          recentBlockhashesSysvar: a[2],
          rentSysvar: a[3],
          nonceAuthority: a[4],
          lamports: Number(data.u64(4)),
        },
      };
    case 6:
      if (!data.has(36) || !need(3)) return undefined;
      return {
        type: 'initializeNonce',
        info: { nonceAccount: a[0], recentBlockhashesSysvar: a[1], rentSysvar: a[2], nonceAuthority: data.key(4) },
      };
    case 7:
      if (!data.has(36) || !need(2)) return undefined;
      return { type: 'authorizeNonce', info: { nonceAccount: a[0], nonceAuthority: a[1], newAuthorized: data.key(4) } };
    case 8:
      if (!data.has(12) || !need(1)) return undefined;
      return { type: 'allocate', info: { account: a[0], space: Number(data.u64(4)) } };
    default:
      return undefined;
  }
}

const AUTHORITY_TYPES = ['mintTokens', 'freezeAccount', 'accountOwner', 'closeAccount'];

/** Authority of a token instruction: a single signer, or a multisig and its signers. */
function authority(a: string[], at: number, name: string): Info {
  const signers = a.slice(at + 1);
  return signers.length > 0 ? { [`multisig${name[0]!.toUpperCase()}${name.slice(1)}`]: a[at], signers } : { [name]: a[at] };
}

function parseToken(data: Data, a: string[]): Parsed | undefined {
  if (!data.has(1)) return undefined;
  const tag = data.u8(0);
  const amount = () => data.u64(1).toString();
  const checked = () => uiTokenAmount(data.u64(1), data.u8(9));
  const need = (n: number, bytes = 1) => a.length >= n && data.has(bytes);
  switch (tag) {
    case 0:
    case 20: {
      if (!need(tag === 0 ? 2 : 1, 35)) return undefined;
      const freeze = data.u8(34) === 1 && data.has(67) ? { freezeAuthority: data.key(35) } : {};
      const info: Info = { mint: a[0], decimals: data.u8(1), mintAuthority: data.key(2), ...freeze };
      if (tag === 0) info.rentSysvar = a[1];
      return { type: tag === 0 ? 'initializeMint' : 'initializeMint2', info };
    }
    case 1:
      if (!need(4)) return undefined;
      return { type: 'initializeAccount', info: { account: a[0], mint: a[1], owner: a[2], rentSysvar: a[3] } };
    case 16:
      if (!need(3, 33)) return undefined;
      return { type: 'initializeAccount2', info: { account: a[0], mint: a[1], owner: data.key(1), rentSysvar: a[2] } };
    case 18:
      if (!need(2, 33)) return undefined;
      return { type: 'initializeAccount3', info: { account: a[0], mint: a[1], owner: data.key(1) } };
    case 3:
      if (!need(3, 9)) return undefined;
      return { type: 'transfer', info: { source: a[0], destination: a[1], amount: amount(), ...authority(a, 2, 'authority') } };
    case 4:
      if (!need(3, 9)) return undefined;
      return { type: 'approve', info: { source: a[0], delegate: a[1], amount: amount(), ...authority(a, 2, 'owner') } };
    case 5:
      if (!need(2)) return undefined;
      return { type: 'revoke', info: { source: a[0], ...authority(a, 1, 'owner') } };
    case 6: {
      if (!need(2, 3)) return undefined;
      const kind = AUTHORITY_TYPES[data.u8(1)] ?? 'unknown';
      const target = kind === 'mintTokens' || kind === 'freezeAccount' ? 'mint' : 'account';
      return {
        type: 'setAuthority',
        info: {
          [target]: a[0],
          authorityType: kind,
          newAuthority: data.u8(2) === 1 && data.has(35) ? data.key(3) : null,
          ...authority(a, 1, 'authority'),
        },
      };
    }
    case 7:
      if (!need(3, 9)) return undefined;
      return { type: 'mintTo', info: { mint: a[0], account: a[1], amount: amount(), ...authority(a, 2, 'mintAuthority') } };
    case 8:
      if (!need(3, 9)) return undefined;
      return { type: 'burn', info: { account: a[0], mint: a[1], amount: amount(), ...authority(a, 2, 'authority') } };
    case 9:
      if (!need(3)) return undefined;
      return { type: 'closeAccount', info: { account: a[0], destination: a[1], ...authority(a, 2, 'owner') } };
    case 10:
    case 11:
      if (!need(3)) return undefined;
      return {
        type: tag === 10 ? 'freezeAccount' : 'thawAccount',
        info: { account: a[0], mint: a[1], ...authority(a, 2, 'freezeAuthority') },
      };
    case 12:
      if (!need(4, 10)) return undefined;
      return {
        type: 'transferChecked',
        info: { source: a[0], mint: a[1], destination: a[2], tokenAmount: checked(), ...authority(a, 3, 'authority') },
      };
    case 13:
      if (!need(4, 10)) return undefined;
      return {
        type: 'approveChecked',
        info: { source: a[0], mint: a[1], delegate: a[2], tokenAmount: checked(), ...authority(a, 3, 'owner') },
      };
    case 14:
      if (!need(3, 10)) return undefined;
      return { type: 'mintToChecked', info: { mint: a[0], account: a[1], tokenAmount: checked(), ...authority(a, 2, 'mintAuthority') } };
    case 15:
      if (!need(3, 10)) return undefined;
      return { type: 'burnChecked', info: { account: a[0], mint: a[1], tokenAmount: checked(), ...authority(a, 2, 'authority') } };
    case 17:
      if (!need(1)) return undefined;
      return { type: 'syncNative', info: { account: a[0] } };
    case 21:
      if (!need(1)) return undefined;
      return { type: 'getAccountDataSize', info: { mint: a[0] } };
    case 22:
      if (!need(1)) return undefined;
      return { type: 'initializeImmutableOwner', info: { account: a[0] } };
    default:
      return undefined;
  }
}

function parseAta(data: Data, a: string[]): Parsed | undefined {
  const tag = data.has(1) ? data.u8(0) : 0;
  if ((tag !== 0 && tag !== 1) || a.length < 6) return undefined;
  return {
    type: tag === 0 ? 'create' : 'createIdempotent',
    info: { source: a[0], account: a[1], wallet: a[2], mint: a[3], systemProgram: a[4], tokenProgram: a[5] },
  };
}

/** The instruction as jsonParsed renders it. */
export function parsedInstructionJson(ix: InstructionInput): Record<string, unknown> {
  const data = new Data(ix.data);
  let program: string | undefined;
  let parsed: Parsed | undefined;
  if (ix.programId === SYSTEM_PROGRAM) [program, parsed] = ['system', parseSystem(data, ix.accounts)];
  else if (ix.programId === TOKEN_PROGRAM) [program, parsed] = ['spl-token', parseToken(data, ix.accounts)];
  else if (ix.programId === TOKEN_2022_PROGRAM) [program, parsed] = ['spl-token-2022', parseToken(data, ix.accounts)];
  else if (ix.programId === ATA_PROGRAM) [program, parsed] = ['spl-associated-token-account', parseAta(data, ix.accounts)];
  else if (MEMO_PROGRAMS.has(ix.programId)) {
    const text = new TextDecoder('utf-8', { fatal: true });
    try {
      [program, parsed] = ['spl-memo', text.decode(ix.data)];
    } catch {
      parsed = undefined;
    }
  }
  if (program !== undefined && parsed !== undefined) return { parsed, program, programId: ix.programId, stackHeight: ix.stackHeight };
  return { accounts: ix.accounts, data: encodeBase58(ix.data), programId: ix.programId, stackHeight: ix.stackHeight };
}
