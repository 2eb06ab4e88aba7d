// Addresses in an action are re-checked as real 32-byte base58 keys: the model-facing pattern
// only bounds the alphabet and length. Decoding base58 dominates a verdict's cost, and agents
// name the same few addresses over and over, so results are memoized in a bounded cache.
import { isAddress, type Address } from '../../shared/address.js';
import { deny, type FiredRule } from '../verdict.js';

const CACHE_LIMIT = 4_096;
const checked = new Map<string, boolean>();

function isAddressCached(text: string): text is Address {
  let valid = checked.get(text);
  if (valid === undefined) {
    valid = isAddress(text);
    if (checked.size >= CACHE_LIMIT) checked.clear();
    checked.set(text, valid);
  }
  return valid;
}

export function checkAddress(text: string, field: string): Address | FiredRule {
  return isAddressCached(text) ? text : deny('address.invalid', `${field}: "${text.slice(0, 44)}" is not a valid Solana address`);
}
