// Zero values for Anchor IDL types, so an encoder caller (the demo seed, tests) can start from a
// complete account of the protocol's published layout and set only the fields it means, and
// fixed-point helpers for the byte-array numbers some IDLs use (MarginFi's I80F48).
import anchor, { type BorshAccountsCoder, type Idl } from '@coral-xyz/anchor';
import { PublicKey } from '@solana/web3.js';
import { StewardError } from '../../errors/index.js';

// anchor is CommonJS: Node's ESM loader sees BN only on the default export.
export const BN = anchor.BN;
export type BN = InstanceType<typeof anchor.BN>;

type IdlTypeNode = string | { [key: string]: unknown };

function zeroOf(idl: Idl, type: IdlTypeNode): unknown {
  if (typeof type === 'string') {
    switch (type) {
      case 'bool':
        return false;
      case 'u8':
      case 'i8':
      case 'u16':
      case 'i16':
      case 'u32':
      case 'i32':
      case 'f32':
      case 'f64':
        return 0;
      case 'u64':
      case 'i64':
      case 'u128':
      case 'i128':
      case 'u256':
      case 'i256':
        return new BN(0);
      case 'pubkey':
      case 'publicKey':
        return PublicKey.default;
      case 'string':
        return '';
      case 'bytes':
        return Buffer.alloc(0);
      default:
        throw new StewardError('INTERNAL', `no zero value for IDL type ${type}`, { context: { type } });
    }
  }
  if ('array' in type) {
    const [inner, length] = type.array as [IdlTypeNode, number];
    return Array.from({ length }, () => zeroOf(idl, inner));
  }
  if ('option' in type || 'coption' in type) return null;
  if ('vec' in type) return [];
  if ('defined' in type) {
    const defined = type.defined as string | { name: string };
    return zeroOfDefined(idl, typeof defined === 'string' ? defined : defined.name);
  }
  throw new StewardError('INTERNAL', `no zero value for IDL type ${JSON.stringify(type)}`);
}

/** snake_case → camelCase, as anchor converts the IDLs it builds coders from (Orca's coder). */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (value && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()), camelCaseKeys(item)]),
    );
  }
  return value;
}

/** A complete zero value of a named IDL type (struct fields zeroed, enums at their first variant). */
export function zeroOfDefined(idl: Idl, name: string): Record<string, unknown> {
  const definition = idl.types?.find((candidate) => candidate.name === name);
  if (!definition)
    throw new StewardError('INTERNAL', `IDL ${idl.metadata.name} has no type ${name}`, { context: { idl: idl.metadata.name, type: name } });
  const type = definition.type as { kind: string; fields?: Array<{ name: string; type: IdlTypeNode }>; variants?: Array<{ name: string }> };
  if (type.kind === 'struct') return Object.fromEntries((type.fields ?? []).map((field) => [field.name, zeroOf(idl, field.type)]));
  if (type.kind === 'enum') {
    const first = type.variants?.[0];
    if (!first) throw new StewardError('INTERNAL', `IDL enum ${name} has no variants`, { context: { type: name } });
    return { [first.name]: {} };
  }
  throw new StewardError('INTERNAL', `IDL type ${name} is a ${type.kind}, not a struct or enum`, {
    context: { type: name, kind: type.kind },
  });
}

const I80F48_FRACTION_BITS = 48n;
const I128_SIGN = 1n << 127n;
const U128 = 1n << 128n;

/** A signed I80F48 from its 16 little-endian bytes, as the raw bigint (value × 2^48). */
export function i80f48Raw(bytes: ArrayLike<number>): bigint {
  let raw = 0n;
  for (let index = 15; index >= 0; index--) raw = (raw << 8n) | BigInt(bytes[index] ?? 0);
  return raw >= I128_SIGN ? raw - U128 : raw;
}

/** 16 little-endian bytes of an I80F48 whose raw value (value × 2^48) is given. */
export function i80f48Bytes(raw: bigint): number[] {
  let value = raw < 0n ? raw + U128 : raw;
  const bytes: number[] = [];
  for (let index = 0; index < 16; index++) {
    bytes.push(Number(value & 0xffn));
    value >>= 8n;
  }
  return bytes;
}

/** ppm (1 000 000 = 1.0) as an I80F48 raw value, exact. */
export function ppmToI80f48Raw(ppm: bigint): bigint {
  return (ppm << I80F48_FRACTION_BITS) / 1_000_000n;
}

/** An I80F48 raw value in ppm, rounded half up (weights: exact enough for risk figures). */
export function i80f48RawToPpm(raw: bigint): bigint {
  return (raw * 1_000_000n + (1n << (I80F48_FRACTION_BITS - 1n))) >> I80F48_FRACTION_BITS;
}

/** shares × share value, both I80F48 raw, as whole base units (truncated toward zero). */
export function i80f48MulToUnits(sharesRaw: bigint, valueRaw: bigint): bigint {
  const product = sharesRaw * valueRaw;
  const shift = I80F48_FRACTION_BITS * 2n;
  return product >= 0n ? product >> shift : -(-product >> shift);
}

interface AccountLayoutEntry {
  layout: { span: number; encode(value: unknown, buffer: Buffer): number };
}

/**
 * Encodes an account with the IDL's own layout, as BorshAccountsCoder.encode does, but
 * synchronously and into a buffer of the account's size (anchor's encode writes into a fixed
 * 1000-byte buffer, too small for accounts like MarginfiAccount).
 */
export function encodeAccount(coder: BorshAccountsCoder, name: string, value: unknown): Buffer {
  const entry = (coder as unknown as { accountLayouts: Map<string, AccountLayoutEntry> }).accountLayouts.get(name);
  if (!entry) throw new StewardError('ARGUMENT_INVALID', `the IDL coder has no account ${name}`, { context: { account: name } });
  const buffer = Buffer.alloc(Math.max(entry.layout.span, 0) || 10_240);
  const length = entry.layout.encode(value, buffer);
  return Buffer.concat([coder.accountDiscriminator(name), buffer.subarray(0, length)]);
}
