// What one observation of a treasury holds: every balance, mint, stake account, allowance and
// price read from chain at one slot, plus the problems met while reading. The zod schema is the
// single definition of the shape: the in-memory type is its output (bigint amounts), the stored
// JSON is its input (amounts as decimal strings), so a stored snapshot reads back exactly.
import { z } from 'zod';
import { address } from '../config/schemas/common.js';

/** A bigint in memory, a decimal string in JSON (JSON numbers lose precision past 2^53). */
const big = z.union([
  z.bigint(),
  z
    .string()
    .regex(/^-?\d+$/, { error: 'expected an integer as a decimal string' })
    .transform((text) => BigInt(text)),
]);

export const tokenProgramKinds = ['spl-token', 'token-2022'] as const;
export type TokenProgramKind = (typeof tokenProgramKinds)[number];

/** A Token-2022 feature that lets someone other than the holder move, freeze, tax or block the funds. */
export const mintRiskSchema = z.strictObject({
  kind: z.enum([
    'permanent-delegate',
    'transfer-fee',
    'transfer-hook',
    'default-frozen',
    'non-transferable',
    'confidential-transfer',
    'pausable',
    'mint-close-authority',
    'interest-bearing',
    'scaled-ui-amount',
    'unknown-extension',
  ]),
  /** What it means for the treasury, in one sentence. */
  detail: z.string(),
  /** The authority or program behind the risk, when there is one. */
  authority: address.nullable(),
});
export type MintRisk = z.output<typeof mintRiskSchema>;

export const tokenEntrySnapshotSchema = z.strictObject({
  symbol: z.string(),
  /** A mint address, or "native" for SOL. */
  mint: z.union([z.literal('native'), address]),
  decimals: z.int(),
  pyth: address.nullable(),
  stable: z.boolean(),
});
export type SnapshotTokenEntry = z.output<typeof tokenEntrySnapshotSchema>;

export const ownerBalanceSchema = z.strictObject({
  address,
  /** Lamports held directly by the owner account (0 when the account does not exist). */
  lamports: big,
  exists: z.boolean(),
});

export const tokenAccountSchema = z.strictObject({
  address,
  owner: address,
  mint: address,
  program: z.enum(tokenProgramKinds),
  amount: big,
  delegate: address.nullable(),
  /** What the delegate may still move: the on-chain limit. */
  delegatedAmount: big,
  frozen: z.boolean(),
  closeAuthority: address.nullable(),
  /** Token-2022 account extensions by name (e.g. "TransferHookAccount"). */
  extensions: z.array(z.string()),
});
export type SnapshotTokenAccount = z.output<typeof tokenAccountSchema>;

export const mintSchema = z.strictObject({
  address,
  program: z.enum(tokenProgramKinds),
  decimals: z.int(),
  supply: big,
  mintAuthority: address.nullable(),
  freezeAuthority: address.nullable(),
  extensions: z.array(z.string()),
  risks: z.array(mintRiskSchema),
});
export type SnapshotMint = z.output<typeof mintSchema>;

export const stakeActivations = ['activating', 'active', 'deactivating', 'inactive', 'unknown'] as const;

export const stakeAccountSchema = z.strictObject({
  address,
  lamports: big,
  /** The treasury owner this account was found by, and in which role. */
  owner: address,
  role: z.enum(['withdrawer', 'staker']),
  staker: address,
  withdrawer: address,
  state: z.enum(['initialized', 'delegated']),
  voter: address.nullable(),
  delegatedStake: big,
  activationEpoch: big.nullable(),
  deactivationEpoch: big.nullable(),
  activation: z.enum(stakeActivations),
  lockupUnixTimestamp: big,
  lockupEpoch: big,
});
export type SnapshotStakeAccount = z.output<typeof stakeAccountSchema>;

export const priceSchema = z.strictObject({
  symbol: z.string(),
  account: address,
  /** price = component × 10^exponent USD; null when the account could not be read as a Pyth price. */
  component: big.nullable(),
  confidenceComponent: big.nullable(),
  exponent: z.int().nullable(),
  status: z.string(),
  publishSlot: big.nullable(),
  /** Unix seconds of the aggregate price. */
  publishTime: big.nullable(),
  ageSeconds: z.number().nullable(),
  /** True only when fresh, Trading, positive and within the confidence bound. */
  trusted: z.boolean(),
  /** Why it is not trusted (empty when trusted). */
  reasons: z.array(z.string()),
});
export type SnapshotPrice = z.output<typeof priceSchema>;

export const allowanceSchema = z.strictObject({
  tokenAccount: address,
  mint: address,
  symbol: z.string().nullable(),
  delegate: address,
  remaining: big,
});
export type SnapshotAllowance = z.output<typeof allowanceSchema>;

export const problemSchema = z.strictObject({
  code: z.enum([
    'account-unparseable',
    'account-wrong-owner',
    'mint-missing',
    'mint-unparseable',
    'decimals-mismatch',
    'price-missing',
    'price-unparseable',
    'clock-missing',
    'slot-spread',
  ]),
  account: address.nullable(),
  message: z.string(),
});
export type SnapshotProblem = z.output<typeof problemSchema>;

export const snapshotSchema = z.strictObject({
  version: z.literal(1),
  /** The highest context slot of the answers; every answer was at or past `minSlot`. */
  slot: big,
  minSlot: big,
  /** The observer's clock (ISO), the reference for price staleness. */
  observedAt: z.string(),
  /** The chain's Clock sysvar at the time of the read, when the cluster served it. */
  chainClock: z.strictObject({ slot: big, epoch: big, unixTimestamp: big }).nullable(),
  agent: address.nullable(),
  oracle: z.strictObject({ maxStalenessSeconds: z.number(), maxConfidenceBps: z.int() }),
  tokens: z.array(tokenEntrySnapshotSchema),
  owners: z.array(ownerBalanceSchema),
  tokenAccounts: z.array(tokenAccountSchema),
  mints: z.array(mintSchema),
  stakeAccounts: z.array(stakeAccountSchema),
  prices: z.array(priceSchema),
  allowances: z.array(allowanceSchema),
  problems: z.array(problemSchema),
  /** RPC calls this observation issued, by method. */
  rpcCalls: z.record(z.string(), z.int()),
});
export type TreasurySnapshot = z.output<typeof snapshotSchema>;

/** JSON text for storage or `--json`: bigints become decimal strings. */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), indent);
}

/** Reads a stored snapshot back, validating every field. Throws a zod error on a malformed one. */
export function parseSnapshot(value: unknown): TreasurySnapshot {
  return snapshotSchema.parse(value);
}
