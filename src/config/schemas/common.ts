// Building blocks shared by the agent and policy file schemas. Messages read as "expected ..."
// because the loader appends ", got <value>" with the value found in the file.
import { z } from 'zod';
import { isAddress, type Address } from '../../shared/address.js';

/** A positive decimal string such as "2500.00". Parsed into base units later, per token. */
export const decimalString = z
  .string({ error: 'expected a decimal string like "2500.00"' })
  .regex(/^\d+(\.\d+)?$/, { error: 'expected a decimal string like "2500.00"' });

/** A percentage written as "40%" or "12.5%". */
export const percentString = z
  .string({ error: 'expected a percentage like "40%"' })
  .regex(/^\d+(\.\d+)?%$/, { error: 'expected a percentage like "40%"' })
  .refine((text) => Number.parseFloat(text) <= 100, { error: 'expected a percentage between "0%" and "100%"' });

export const address = z
  .string({ error: 'expected a base58 Solana address' })
  .refine((text): text is Address => isAddress(text), { error: 'expected a base58 Solana address (32 bytes)' })
  .transform((text) => text as Address);

/** Token symbols as the policy's token table names them: USDC, SOL, jitoSOL... */
export const tokenSymbol = z
  .string({ error: 'expected a token symbol like "USDC"' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/, { error: 'expected a token symbol like "USDC" (letters, digits, . _ -)' });

export const name = z
  .string({ error: 'expected a name like "treasury-guardian"' })
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'expected a name of lowercase letters, digits and dashes' });

/** A duration like "24h", "7d", "90m", "30s". */
export const durationString = z
  .string({ error: 'expected a duration like "24h" or "7d"' })
  .regex(/^\d+(s|m|h|d)$/, { error: 'expected a duration like "30s", "90m", "24h" or "7d"' });

export { durationMs } from '../../shared/duration.js';
