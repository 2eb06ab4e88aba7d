// What a treasury agent must answer: a short assessment and at most N proposed actions, each
// exactly the policy engine's action schema. The same schema constrains local generation (as a
// llama.cpp grammar) and validates every answer; whatever parses is still only a proposal.
import { z } from 'zod';
import { proposedActionSchema } from '../policy/index.js';

export function treasuryDecisionSchema(maxActions: number) {
  return z.strictObject({
    assessment: z.string().min(1).max(1_500).describe('two or three sentences on the treasury state, citing the computed figures'),
    actions: z
      .array(proposedActionSchema)
      .min(1)
      .max(Math.max(1, maxActions))
      .describe('the actions to propose; a single {"kind":"none"} when nothing needs doing'),
  });
}

export type TreasuryDecision = z.output<ReturnType<typeof treasuryDecisionSchema>>;
