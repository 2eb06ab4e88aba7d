// What a treasury agent must answer: a short assessment and at most N proposed actions. This is
// the schema the model is constrained to (a llama.cpp grammar locally, response_format remotely)
// and validated against. It has the policy's action shapes but is deliberately looser in what a
// grammar cannot express (address patterns): a malformed address must reach the policy engine,
// which denies it with a precise reason and journals it, rather than fail the whole decision.
// Token fields are limited to the policy's symbols, so no model can even name another token.
import { z } from 'zod';

const text = (max: number, description: string) => z.string().min(1).max(max).describe(description);
const amount = text(40, 'a decimal string in whole tokens, e.g. "250.5" (not base units, no exponent)');
const address = text(64, 'a base58 Solana address from the policy or the analysis');
const reason = z.string().max(500).optional().describe('one or two sentences: why this action, citing a computed figure');

/** The fields of each action kind (without `kind`): the decision schema's variants and the propose_* tools' arguments. */
export function actionShapes(symbols: readonly [string, ...string[]]) {
  const token = z.enum(symbols).describe('a token symbol from the policy token table');
  return {
    transfer: { token, amount, to: address, memo: z.string().max(200).optional(), reason },
    swap: { from: token, to: token, amount, maxSlippageBps: z.int().min(0).max(10_000), reason },
    stake: { amount, validator: address, reason },
    unstake: { stakeAccount: address, amount: amount.optional(), reason },
    vote: { proposal: address, choice: z.enum(['yes', 'no', 'abstain']), reason },
  };
}

export function modelActionSchema(symbols: readonly [string, ...string[]]) {
  const shapes = actionShapes(symbols);
  return z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('transfer'), ...shapes.transfer }),
    z.strictObject({ kind: z.literal('swap'), ...shapes.swap }),
    z.strictObject({ kind: z.literal('stake'), ...shapes.stake }),
    z.strictObject({ kind: z.literal('unstake'), ...shapes.unstake }),
    z.strictObject({ kind: z.literal('vote'), ...shapes.vote }),
    z.strictObject({ kind: z.literal('none'), reason: z.string().max(500).describe('why no action is needed') }),
  ]);
}

const decisionSchemas = new Map<string, ReturnType<typeof buildTreasuryDecisionSchema>>();

/** The schema for these limits, built once per process (its JSON Schema and grammar are then cached too). */
export function treasuryDecisionSchema(maxActions: number, symbols: readonly [string, ...string[]]) {
  const key = `${maxActions}\u0000${symbols.join('\u0000')}`;
  let schema = decisionSchemas.get(key);
  if (!schema) {
    schema = buildTreasuryDecisionSchema(maxActions, symbols);
    decisionSchemas.set(key, schema);
  }
  return schema;
}

function buildTreasuryDecisionSchema(maxActions: number, symbols: readonly [string, ...string[]]) {
  return z.strictObject({
    assessment: z.string().min(1).max(1_500).describe('two or three sentences on the treasury state, citing the computed figures'),
    actions: z
      .array(modelActionSchema(symbols))
      .min(1)
      .max(Math.max(1, maxActions))
      .describe('the actions to propose; a single {"kind":"none"} when nothing needs doing'),
  });
}

export type TreasuryDecision = z.output<ReturnType<typeof treasuryDecisionSchema>>;
