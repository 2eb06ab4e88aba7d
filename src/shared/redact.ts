// Secrets must never reach a sink: a log line, an error message, a row in SQLite, a report.
// What counts as a secret: keypair bytes (a 64-number array, in data or written out in text), a
// base58 secret key (64 bytes whose second half is the public key of the first; a transaction
// signature has the same length and stays readable), API keys, and credentials in RPC URLs
// (user:pass@host, a query parameter named like a key, token, secret, auth, password or
// signature, a long opaque path segment as QuickNode and Alchemy URLs carry). Logging runs
// every record through `redact`; every other sink runs its text through `redactText`.
import { Keypair } from '@solana/web3.js';

export const REDACTED = '[redacted]';

/** Keys whose values are always secret, whatever they hold (compared case-insensitively). */
export const SECRET_KEYS = [
  'secretkey',
  'privatekey',
  'secret',
  'keypair',
  'mnemonic',
  'password',
  'passphrase',
  'apikey',
  'api_key',
  'openaiapikey',
  'authorization',
  'token_secret',
  'accesstoken',
  'bearer',
] as const;

/** A query parameter whose name says it holds a credential (x-api-key, apiKey, access_token, sig...). */
const SECRET_QUERY = /key|token|secret|auth|passw|signature|^sig$|credential/i;

/** Hosts of RPC providers that carry the API key in the URL path. */
const RPC_PROVIDER_HOST =
  /(^|\.)(quiknode\.pro|quicknode\.com|alchemy\.com|alchemyapi\.io|helius-rpc\.com|helius\.xyz|ankr\.com|getblock\.io|chainstack\.com|blockdaemon\.com|rpcpool\.com|syndica\.io|extrnode\.com|infura\.io|drpc\.org|nodereal\.io)$/i;

function isOpaqueSegment(segment: string, provider: boolean): boolean {
  if (provider) return /^[A-Za-z0-9_-]{16,}$/.test(segment);
  if (!/^[A-Za-z0-9_-]{24,}$/.test(segment)) return false;
  const bytes = /^[1-9A-HJ-NP-Za-km-z]+$/.test(segment) ? base58Decode(segment) : null;
  // An address (32 bytes) or a signature (64 bytes, not a secret key) is public.
  return !(bytes && (bytes.length === 32 || (bytes.length === 64 && !isBase58SecretKey(segment))));
}

/** Strips user info and secret-looking query parameters from a URL string. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a parseable URL, but it may still carry credentials: hide any user-info part.
    return url.replace(/\/\/[^/@\s]*@/, `//${REDACTED}@`);
  }
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = '';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY.test(key)) parsed.searchParams.set(key, REDACTED);
  }
  // Many RPC providers put the key in the path (QuickNode /<token>/, Alchemy /v2/<key>): hide long
  // opaque segments, all of them on a known provider's host; elsewhere a base58 address or
  // signature (an explorer link) stays readable.
  const provider = RPC_PROVIDER_HOST.test(parsed.hostname);
  parsed.pathname = parsed.pathname
    .split('/')
    .map((segment) => (isOpaqueSegment(segment, provider) ? REDACTED : segment))
    .join('/');
  return parsed.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
/** 64 numbers written out as a list: keypair bytes in text ("[1,223,5,...]"). */
const BYTE_LIST_IN_TEXT = /\[\s*\d{1,3}(?:\s*,\s*\d{1,3}){63}\s*,?\s*\]/g;
/** Base58 words as long as 64 encoded bytes (a secret key, or a transaction signature). */
const BASE58_64_IN_TEXT = /(?<![1-9A-HJ-NP-Za-km-z])[1-9A-HJ-NP-Za-km-z]{85,90}(?![1-9A-HJ-NP-Za-km-z])/g;
const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Decode(text: string): Uint8Array | null {
  let value = 0n;
  for (const char of text) {
    const digit = BASE58_ALPHABET.indexOf(char);
    if (digit < 0) return null;
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

/**
 * True when `text` is a base58 ed25519 secret key: 64 bytes whose second half is the public key
 * derived from the first. A transaction signature has the same shape and is not one.
 */
export function isBase58SecretKey(text: string): boolean {
  const bytes = base58Decode(text);
  if (!bytes || bytes.length !== 64) return false;
  try {
    Keypair.fromSecretKey(bytes); // validates the public half against the seed
    return true;
  } catch {
    return false;
  }
}

/** `text` with every secret it carries replaced by `[redacted]`: URLs' credentials, key material. */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(BYTE_LIST_IN_TEXT, REDACTED)
    .replace(BASE58_64_IN_TEXT, (word) => (isBase58SecretKey(word) ? REDACTED : word));
}

function isKeypairBytes(value: unknown): boolean {
  return Array.isArray(value) && value.length === 64 && value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255);
}

/** Returns a deep copy of `value` with every secret replaced by `[redacted]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return '[too deep]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Uint8Array) return value.length === 64 ? REDACTED : value;
  if (isKeypairBytes(value)) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return value;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const lower = key.toLowerCase();
      out[key] = SECRET_KEYS.some((secret) => lower === secret || lower.endsWith(secret)) ? REDACTED : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}
