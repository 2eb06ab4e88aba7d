// Token lookup: an action names a token by its symbol in the policy table or by its exact mint.
// Anything else, including a look-alike mint that claims a known symbol, is unknown and denied.
import type { CompiledPolicy, CompiledToken } from '../compile-policy.js';
import { deny, type FiredRule } from '../verdict.js';

export function resolveToken(policy: CompiledPolicy, name: string, field: string): CompiledToken | FiredRule {
  const bySymbol = policy.tokens.get(name);
  if (bySymbol) return bySymbol;
  const byMint = policy.tokensByMint.get(name);
  if (byMint && name !== 'native') return byMint;
  const caseless = [...policy.tokens.keys()].find((symbol) => symbol.toLowerCase() === name.toLowerCase());
  const hint = caseless ? ` (symbols are case-sensitive: did you mean "${caseless}"?)` : '';
  return deny(
    'token.unknown',
    `${field}: "${name.slice(0, 44)}" is not in the policy's token table${hint}; known: ${[...policy.tokens.keys()].join(', ')}`,
  );
}

/** The native SOL entry of the table (mint "native"), which stake and unstake move. */
export function nativeToken(policy: CompiledPolicy): CompiledToken | FiredRule {
  return (
    policy.tokensByMint.get('native') ?? deny('token.unknown', 'the policy has no native SOL token (mint: native), which staking moves')
  );
}

export function isRule(value: object): value is FiredRule {
  return 'effect' in value;
}
