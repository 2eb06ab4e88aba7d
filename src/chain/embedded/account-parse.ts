// jsonParsed account data beyond the token programs, as a validator renders it: durable-nonce
// accounts (`program: "nonce"`), address lookup tables (`program: "address-lookup-table"`), stake
// accounts (stake-parse.ts) and sysvars (sysvar-parse.ts). Anything else unparseable falls back to
// base64 in accountJson.
import { encodeBase58 } from '../../shared/base58.js';
import { STAKE_PROGRAM, parseStake } from './stake-parse.js';
import { SYSVAR_OWNER, parseSysvar } from './sysvar-parse.js';
import { parseTokenData } from './token-parse.js';
import type { ParsedAccountData } from './parsed-account.js';

const SYSTEM_PROGRAM = '11111111111111111111111111111111';
const LOOKUP_TABLE_PROGRAM = 'AddressLookupTab1e1111111111111111111111111';
const NONCE_LENGTH = 80;
const LOOKUP_TABLE_META = 56;

export type { ParsedAccountData };

function parseNonce(data: Uint8Array): ParsedAccountData | null {
  if (data.length !== NONCE_LENGTH) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const state = view.getUint32(4, true);
  if (state === 0) return { program: 'nonce', parsed: { type: 'uninitialized', info: {} }, space: NONCE_LENGTH };
  if (state !== 1) return null;
  return {
    program: 'nonce',
    parsed: {
      type: 'initialized',
      info: {
        authority: encodeBase58(data.subarray(8, 40)),
        blockhash: encodeBase58(data.subarray(40, 72)),
        feeCalculator: { lamportsPerSignature: view.getBigUint64(72, true).toString() },
      },
    },
    space: NONCE_LENGTH,
  };
}

function parseLookupTable(data: Uint8Array): ParsedAccountData | null {
  if (data.length < LOOKUP_TABLE_META || (data.length - LOOKUP_TABLE_META) % 32 !== 0) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const kind = view.getUint32(0, true);
  if (kind === 0) return { program: 'address-lookup-table', parsed: { type: 'uninitialized', info: {} }, space: data.length };
  if (kind !== 1) return null;
  const addresses: string[] = [];
  for (let at = LOOKUP_TABLE_META; at < data.length; at += 32) addresses.push(encodeBase58(data.subarray(at, at + 32)));
  const info: Record<string, unknown> = {
    deactivationSlot: view.getBigUint64(4, true).toString(),
    lastExtendedSlot: view.getBigUint64(12, true).toString(),
    lastExtendedSlotStartIndex: data[20],
  };
  if (data[21] === 1) info.authority = encodeBase58(data.subarray(22, 54));
  info.addresses = addresses;
  return { program: 'address-lookup-table', parsed: { type: 'lookupTable', info }, space: data.length };
}

/**
 * The jsonParsed form of an account's data, or null when the RPC falls back to base64. `address`
 * is needed for sysvars only (they share one owner).
 */
export function parseAccountData(
  owner: string,
  data: Uint8Array,
  mintDecimals: (mint: string) => number | null,
  address?: string,
): ParsedAccountData | null {
  if (owner === SYSTEM_PROGRAM) return parseNonce(data);
  if (owner === STAKE_PROGRAM) return parseStake(data);
  if (owner === SYSVAR_OWNER) return address === undefined ? null : parseSysvar(address, data);
  if (owner === LOOKUP_TABLE_PROGRAM) return parseLookupTable(data);
  return parseTokenData(owner, data, mintDecimals);
}
