// JSON text of RPC answers. A validator writes an account's rentEpoch as the integer
// u64::MAX (18446744073709551615) for rent-exempt accounts; a JavaScript number cannot hold
// it (JSON.stringify would write 18446744073709552000, above u64::MAX, which bigint-aware
// clients such as @solana/kit reject). Account JSON carries a marker instead, replaced here by
// the exact digits. The pattern includes the key and both quotes, so no string value (a
// program log line, a memo) can ever be turned into a number.
export const RENT_EPOCH_U64_MAX = '\u0000u64::MAX';
const MARKED = `"rentEpoch":${JSON.stringify(RENT_EPOCH_U64_MAX)}`;

export function rpcJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes(MARKED) ? text.replaceAll(MARKED, '"rentEpoch":18446744073709551615') : text;
}
