// Proposed actions: what a model may ask for. This zod schema is also the JSON Schema the
// model's output is constrained to, so it stays grammar-friendly (strings, enums, bounded
// ints, no transforms). Everything here is untrusted: amounts stay decimal strings until the
// policy parses them per token (a bad amount is a deny with a reason, never a schema repair),
// and addresses are checked again when the action is resolved.
import { z } from 'zod';

/** Every action kind the engine knows. Anything else is denied. */
export const proposedActionKinds = ['transfer', 'swap', 'stake', 'unstake', 'vote', 'none'] as const;
export type ActionKind = (typeof proposedActionKinds)[number];

/** Kinds that move tokens out of a treasury account and therefore count against limits and windows. */
export const outflowKinds: readonly ActionKind[] = ['transfer', 'swap', 'stake'];

// Loose on purpose: "-5", "1e3" or "0.0000001" must reach the policy, which denies them with a
// precise reason. A stricter pattern would turn them into an opaque schema failure.
const amount = z.string().min(1).max(40).describe('a decimal string in whole tokens, e.g. "250.5" (not base units, no exponent)');
const base58 = z
  .string()
  .regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/)
  .describe('a base58 Solana address');
const token = z.string().min(1).max(44).describe('a token symbol from the policy token table (e.g. "USDC") or its mint address');
const reason = z.string().max(500).optional().describe('one or two sentences: why this action');

export const transferActionSchema = z.strictObject({
  kind: z.literal('transfer'),
  token,
  amount,
  to: base58.describe('the recipient wallet or token account'),
  memo: z.string().max(200).optional(),
  reason,
});

export const swapActionSchema = z.strictObject({
  kind: z.literal('swap'),
  from: token,
  to: token,
  amount: amount.describe('how much of `from` to sell, in whole tokens'),
  maxSlippageBps: z.int().min(0).max(10_000),
  reason,
});

export const stakeActionSchema = z.strictObject({
  kind: z.literal('stake'),
  amount: amount.describe('SOL to stake, in whole SOL'),
  validator: base58.describe('the vote account of the validator'),
  reason,
});

export const unstakeActionSchema = z.strictObject({
  kind: z.literal('unstake'),
  stakeAccount: base58.describe('the treasury stake account to deactivate'),
  /** Absent: deactivate the whole stake account. Present: split this much SOL off first. */
  amount: amount.optional(),
  reason,
});

export const voteActionSchema = z.strictObject({
  kind: z.literal('vote'),
  proposal: base58.describe('the governance proposal address'),
  /** relinquish: withdraw the vote this key cast (a record votes once; relinquish, then vote again). */
  choice: z.enum(['yes', 'no', 'abstain', 'relinquish']),
  reason,
});

export const noneActionSchema = z.strictObject({
  kind: z.literal('none'),
  reason: z.string().max(500).describe('why no action is needed'),
});

export const proposedActionSchema = z.discriminatedUnion('kind', [
  transferActionSchema,
  swapActionSchema,
  stakeActionSchema,
  unstakeActionSchema,
  voteActionSchema,
  noneActionSchema,
]);

export type ProposedAction = z.infer<typeof proposedActionSchema>;
export type TransferAction = z.infer<typeof transferActionSchema>;
export type SwapAction = z.infer<typeof swapActionSchema>;
export type StakeAction = z.infer<typeof stakeActionSchema>;
export type UnstakeAction = z.infer<typeof unstakeActionSchema>;
export type VoteAction = z.infer<typeof voteActionSchema>;
export type NoneAction = z.infer<typeof noneActionSchema>;

/** The JSON Schema a model's output is constrained to (llama.cpp grammar, OpenAI structured output). */
export function proposedActionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(proposedActionSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}

export type ParseActionResult = { ok: true; action: ProposedAction } | { ok: false; reason: string; path: string };

/**
 * Validates untrusted input (model output, a JSON file) as a proposed action. The failure names
 * the first offending field so it can be told back to the model or to an operator.
 */
export function parseProposedAction(input: unknown): ParseActionResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, path: '', reason: 'expected an object with a "kind" field' };
  }
  const kind = (input as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(proposedActionKinds as readonly string[]).includes(kind)) {
    const shown = typeof kind === 'string' ? JSON.stringify(kind.slice(0, 40)) : String(kind);
    return {
      ok: false,
      path: 'kind',
      reason: `unknown action kind ${shown}; known kinds: ${proposedActionKinds.join(', ')}`,
    };
  }
  const result = proposedActionSchema.safeParse(input);
  if (result.success) return { ok: true, action: result.data };
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  const detail = issue?.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : (issue?.message ?? 'invalid');
  return { ok: false, path, reason: `${kind} action: ${path ? `${path}: ` : ''}${detail}` };
}
