// Amount parsing for an action: the decimal string becomes base units of the named token exactly,
// or the action is denied with the reason (too many decimals, negative, zero, exponent, not a
// number, past u64). Nothing is ever rounded.
import { parseAmount } from '../../shared/amount.js';
import type { CompiledToken } from '../compile-policy.js';
import { deny, type FiredRule } from '../verdict.js';

export function parseActionAmount(token: CompiledToken, text: string, field: string): bigint | FiredRule {
  const parsed = parseAmount(text, token.decimals);
  return parsed.ok ? parsed.value : deny('amount.invalid', `${field} (${token.symbol}): ${parsed.reason}`);
}
