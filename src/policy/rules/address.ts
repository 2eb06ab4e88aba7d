// Addresses in an action are re-checked as real 32-byte base58 keys: the model-facing pattern
// only bounds the alphabet and length.
import { isAddress, type Address } from '../../shared/address.js';
import { deny, type FiredRule } from '../verdict.js';

export function checkAddress(text: string, field: string): Address | FiredRule {
  return isAddress(text) ? text : deny('address.invalid', `${field}: "${text.slice(0, 44)}" is not a valid Solana address`);
}
