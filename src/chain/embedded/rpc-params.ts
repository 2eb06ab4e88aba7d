// JSON-RPC errors and parameter readers for the embedded chain's RPC. Codes are the
// validator's (agave rpc custom_error.rs / jsonrpc-core); messages name the offending param so
// a client author sees what to fix.
import { decodeBase58 } from '../../shared/base58.js';

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;
export const RPC_PREFLIGHT_FAILURE = -32002;
export const RPC_SIGNATURE_VERIFICATION_FAILURE = -32003;
export const RPC_UNSUPPORTED_TRANSACTION_VERSION = -32015;
export const RPC_MIN_CONTEXT_SLOT_NOT_REACHED = -32016;

export const invalidParam = (message: string) => new RpcError(RPC_INVALID_PARAMS, `Invalid param: ${message}`);

export type Params = readonly unknown[];

export function asParams(value: unknown): Params {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw new RpcError(RPC_INVALID_PARAMS, 'Invalid params: `params` must be an array');
}

export function requireCount(params: Params, count: number): void {
  if (params.length < count) throw new RpcError(RPC_INVALID_PARAMS, `\`params\` should have at least ${count} argument(s)`);
}

export function pubkeyParam(params: Params, index: number, name: string): Uint8Array {
  requireCount(params, index + 1);
  return pubkeyValue(params[index], `${name} (params[${index}])`);
}

export function pubkeyValue(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string') throw invalidParam(`${where} must be a base-58 public key string`);
  const bytes = value.length <= 44 ? decodeBase58(value) : null;
  if (!bytes || bytes.length !== 32) throw invalidParam(`${where} is not a valid public key: "${value.slice(0, 64)}"`);
  return bytes;
}

export function stringParam(params: Params, index: number, name: string): string {
  requireCount(params, index + 1);
  const value = params[index];
  if (typeof value !== 'string') throw invalidParam(`${name} (params[${index}]) must be a string`);
  return value;
}

export function integerParam(params: Params, index: number, name: string): number {
  requireCount(params, index + 1);
  const value = params[index];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidParam(`${name} (params[${index}]) must be a non-negative integer`);
  }
  return value;
}

/** The optional config object at `index` ({} when absent). */
export function configParam(params: Params, index: number, name = 'config'): Record<string, unknown> {
  const value = params[index];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParam(`${name} (params[${index}]) must be an object`);
  return value as Record<string, unknown>;
}

const COMMITMENTS = new Set(['processed', 'confirmed', 'finalized', 'recent', 'single', 'singleGossip', 'root', 'max']);

export function checkCommitment(config: Record<string, unknown>, field = 'commitment'): void {
  const value = config[field];
  if (value !== undefined && (typeof value !== 'string' || !COMMITMENTS.has(value))) {
    throw invalidParam(`${field} must be one of processed, confirmed, finalized; got ${JSON.stringify(value)}`);
  }
}

export function optionalBoolean(config: Record<string, unknown>, field: string): boolean | undefined {
  const value = config[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParam(`${field} must be true or false`);
  return value;
}

export function optionalInteger(config: Record<string, unknown>, field: string): number | undefined {
  const value = config[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalidParam(`${field} must be a non-negative integer`);
  return value;
}

export type AccountEncoding = 'base58' | 'base64' | 'jsonParsed' | 'binary';

export function accountEncoding(config: Record<string, unknown>, fallback: AccountEncoding): AccountEncoding {
  const value = config.encoding;
  if (value === undefined || value === null) return fallback;
  if (value === 'base58' || value === 'base64' || value === 'jsonParsed' || value === 'binary') return value;
  if (value === 'base64+zstd') throw invalidParam('encoding base64+zstd is not supported by the embedded chain; use base64');
  throw invalidParam(`encoding must be one of base58, base64, jsonParsed; got ${JSON.stringify(value)}`);
}
