// Secrets must never reach a log line or an error message: keypair bytes, API keys, and
// credentials embedded in RPC URLs (user:pass@host, ?api-key=...). Logging runs every record
// through `redact`, and error paths run URLs through `redactUrl`.

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

const SECRET_QUERY = /^(api[-_]?key|key|token|access[-_]?token|auth|secret|password)$/i;

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
  // Many RPC providers put the key in the path (e.g. /v2/<key>): hide long opaque segments.
  parsed.pathname = parsed.pathname
    .split('/')
    .map((segment) => (/^[A-Za-z0-9_-]{24,}$/.test(segment) ? REDACTED : segment))
    .join('/');
  return parsed.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

function isKeypairBytes(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length === 64 &&
    value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255)
  );
}

/** Returns a deep copy of `value` with every secret replaced by `[redacted]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return '[too deep]';
  if (typeof value === 'string') return value.replace(URL_IN_TEXT, (url) => redactUrl(url));
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
