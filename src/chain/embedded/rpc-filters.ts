// getProgramAccounts-style filters (dataSize, memcmp, tokenAccountState), parsed once from a
// request's config and applied to account data; shared by getProgramAccounts and programSubscribe.
import { decodeBase58 } from '../../shared/base58.js';
import { invalidParam } from './rpc-params.js';
import { isTokenAccountData } from './token-parse.js';

export interface Filter {
  dataSize?: number;
  memcmp?: { offset: number; bytes: Uint8Array };
  tokenAccountState?: true;
}

export function parseFilters(value: unknown): Filter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParam('filters must be an array');
  if (value.length > 4) throw invalidParam(`too many filters provided; max 4`);
  return value.map((raw, i): Filter => {
    const filter = raw as Record<string, unknown>;
    if (filter && typeof filter === 'object' && 'dataSize' in filter) {
      if (!Number.isSafeInteger(filter.dataSize) || (filter.dataSize as number) < 0)
        throw invalidParam(`filters[${i}].dataSize must be a non-negative integer`);
      return { dataSize: filter.dataSize as number };
    }
    if (filter && typeof filter === 'object' && 'memcmp' in filter) {
      const memcmp = filter.memcmp as Record<string, unknown>;
      if (!memcmp || !Number.isSafeInteger(memcmp.offset) || (memcmp.offset as number) < 0 || typeof memcmp.bytes !== 'string') {
        throw invalidParam(`filters[${i}].memcmp must be { offset, bytes } with a non-negative offset and a string of bytes`);
      }
      const encoding = memcmp.encoding ?? 'base58';
      let bytes: Uint8Array | null;
      if (encoding === 'base58') {
        if (memcmp.bytes.length > 175) throw invalidParam(`filters[${i}].memcmp.bytes: base58 encoded bytes are too long (max 128 bytes)`);
        bytes = decodeBase58(memcmp.bytes);
      } else if (encoding === 'base64') {
        bytes = Buffer.from(memcmp.bytes, 'base64');
      } else {
        throw invalidParam(`filters[${i}].memcmp.encoding must be base58 or base64`);
      }
      if (!bytes) throw invalidParam(`filters[${i}].memcmp.bytes is not valid ${encoding}`);
      if (bytes.length > 128) throw invalidParam(`filters[${i}].memcmp.bytes: encoded bytes are too long (max 128 bytes)`);
      return { memcmp: { offset: memcmp.offset as number, bytes } };
    }
    if (filter && typeof filter === 'object' && 'tokenAccountState' in filter) return { tokenAccountState: true };
    throw invalidParam(`filters[${i}] must be { dataSize } or { memcmp }`);
  });
}

export function matches(data: Uint8Array, filters: Filter[]): boolean {
  for (const filter of filters) {
    if (filter.dataSize !== undefined && data.length !== filter.dataSize) return false;
    if (filter.memcmp) {
      const { offset, bytes } = filter.memcmp;
      if (offset + bytes.length > data.length) return false;
      if (Buffer.compare(data.subarray(offset, offset + bytes.length), bytes) !== 0) return false;
    }
    if (filter.tokenAccountState && !isTokenAccountData(data)) return false;
  }
  return true;
}
