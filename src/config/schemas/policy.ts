// The policy file (policies/*.yaml): the deterministic fence every proposed action must pass.
// The policy engine (src/policy) interprets it; this file only says what a valid policy is.
import { z } from 'zod';
import { address, decimalString, durationString, name, tokenSymbol } from './common.js';

export const tokenEntrySchema = z.strictObject({
  /** The mint address, or "native" for SOL. A look-alike mint with the same symbol is a different token. */
  mint: z.union([z.literal('native'), address], { error: 'expected a mint address or "native" (SOL)' }),
  decimals: z.int().min(0).max(18),
  /** The Pyth price account that prices this token in USD. */
  pyth: address.optional(),
  /** Stablecoins are checked for depeg and count toward the stable share. */
  stable: z.boolean().default(false),
  /**
   * For a liquid-staking token: the SPL stake pool account that issues it. Its on-chain rate
   * (total lamports / pool tokens) values the holding in SOL and is checked against the token's price.
   */
  stakePool: address.optional(),
});

const perTokenAmounts = z.record(tokenSymbol, decimalString);

export const windowLimitSchema = z.strictObject({
  /** Rolling window length, e.g. "24h" or "7d". */
  window: durationString,
  usd: decimalString.optional(),
  tokens: perTokenAmounts.optional(),
});

export const actionKinds = ['transfer', 'swap', 'stake', 'unstake', 'vote', 'none'] as const;

export const policySchema = z.strictObject({
  name,
  description: z.string().max(2_000).default(''),
  /** Kill switch: when true every action is denied. `steward pause` does the same without editing this file. */
  paused: z.boolean().default(false),
  tokens: z.record(tokenSymbol, tokenEntrySchema),
  limits: z
    .strictObject({
      perTx: z
        .strictObject({
          usd: decimalString.optional(),
          tokens: perTokenAmounts.optional(),
        })
        .default({}),
      windows: z.array(windowLimitSchema).default([]),
      /** Never leave less than this in the treasury, per token. */
      reserves: perTokenAmounts.default({}),
    })
    .default({ perTx: {}, windows: [], reserves: {} }),
  allow: z
    .strictObject({
      actions: z.array(z.enum(actionKinds)).default(['none']),
      /** Destinations a transfer may pay. "treasury" means any account owned by a treasury owner. */
      destinations: z.array(z.union([z.literal('treasury'), address])).default(['treasury']),
      /** Programs a transaction may touch (besides System, Token, Token-2022, ATA, Memo, Compute Budget). */
      programs: z.array(address).default([]),
      /** Validator vote accounts a stake may delegate to. Absent: any validator (stake is approval-gated by default). */
      validators: z.array(address).optional(),
    })
    .default({ actions: ['none'], destinations: ['treasury'], programs: [] }),
  approval: z
    .strictObject({
      aboveUsd: decimalString.optional(),
      actions: z.array(z.enum(actionKinds)).default(['vote']),
      /** How long a pending approval stays valid, e.g. "24h". */
      expiresAfter: durationString.default('24h'),
    })
    .default({ actions: ['vote'], expiresAfter: '24h' }),
  swap: z
    .strictObject({
      maxSlippageBps: z.int().min(0).max(10_000).default(50),
      maxPriceImpactBps: z.int().min(0).max(10_000).default(100),
    })
    .default({ maxSlippageBps: 50, maxPriceImpactBps: 100 }),
  oracle: z
    .strictObject({
      maxStaleness: durationString.default('60s'),
      maxConfidenceBps: z.int().min(0).max(10_000).default(100),
    })
    .default({ maxStaleness: '60s', maxConfidenceBps: 100 }),
  /**
   * Optional UTC hours when actions may execute, e.g. [{ days: [mon,tue], from: "08:00", to: "18:00" }].
   * A range whose `to` is before its `from` runs past midnight into the next day.
   */
  activeHours: z
    .array(
      z.strictObject({
        days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
        from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time like "08:00"' }),
        to: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, { error: 'expected a time like "18:00"' }),
      }),
    )
    .optional(),
});

export type PolicyConfig = z.infer<typeof policySchema>;
export type PolicyTokenEntry = z.infer<typeof tokenEntrySchema>;
