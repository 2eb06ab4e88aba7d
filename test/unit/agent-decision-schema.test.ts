import { describe, expect, it } from 'vitest';
import { treasuryDecisionSchema } from '../../src/agent/decision-schema.js';
import { zodToJsonSchema } from '../../src/llm/json-schema.js';
import { proposedActionSchema } from '../../src/policy/index.js';

const schema = treasuryDecisionSchema(3, ['USDC', 'SOL']);
const grantee = '2dMsEow5mVnpDH8nL4MctcsQ8WQrPVcrxLd5d6NGbp7t';

describe('the decision schema the model is constrained to', () => {
  it('accepts every well-formed action the policy accepts', () => {
    const actions = [
      { kind: 'transfer', token: 'USDC', amount: '10', to: grantee, memo: 'm', reason: 'r' },
      { kind: 'swap', from: 'USDC', to: 'SOL', amount: '1', maxSlippageBps: 30 },
      { kind: 'stake', amount: '1', validator: grantee },
      { kind: 'unstake', stakeAccount: grantee },
      { kind: 'vote', proposal: grantee, choice: 'no' },
      { kind: 'none', reason: 'nothing to do' },
    ];
    for (const action of actions) {
      expect(proposedActionSchema.safeParse(action).success).toBe(true);
      expect(schema.safeParse({ assessment: 'a', actions: [action] }).success).toBe(true);
    }
  });

  it('lets a malformed address or amount through to the policy, which denies it with a reason', () => {
    const garbage = { kind: 'transfer', token: 'USDC', amount: '-5', to: '}p6u<1ui voteB6z' };
    expect(schema.safeParse({ assessment: 'a', actions: [garbage] }).success).toBe(true);
    expect(proposedActionSchema.safeParse(garbage).success).toBe(false);
  });

  it('refuses tokens outside the policy table, unknown kinds, extra keys and too many actions', () => {
    const base = { kind: 'transfer', amount: '1', to: grantee };
    expect(schema.safeParse({ assessment: 'a', actions: [{ ...base, token: 'USDC2' }] }).success).toBe(false);
    expect(schema.safeParse({ assessment: 'a', actions: [{ kind: 'teleport' }] }).success).toBe(false);
    expect(schema.safeParse({ assessment: 'a', actions: [{ ...base, token: 'USDC', extra: 1 }] }).success).toBe(false);
    expect(schema.safeParse({ assessment: 'a', actions: Array.from({ length: 4 }, () => ({ kind: 'none', reason: 'x' })) }).success).toBe(
      false,
    );
    expect(schema.safeParse({ assessment: 'a', actions: [] }).success).toBe(false);
  });

  it('is built once per limits and token list, and its JSON Schema is a fresh copy for every caller', () => {
    expect(treasuryDecisionSchema(3, ['USDC', 'SOL'])).toBe(schema);
    expect(treasuryDecisionSchema(2, ['USDC', 'SOL'])).not.toBe(schema);
    expect(treasuryDecisionSchema(3, ['USDC', 'SOL', 'JUP'])).not.toBe(schema);
    expect(
      treasuryDecisionSchema(2, ['USDC', 'SOL']).safeParse({
        assessment: 'a',
        actions: Array.from({ length: 3 }, () => ({ kind: 'none', reason: 'x' })),
      }).success,
    ).toBe(false);
    const first = zodToJsonSchema(schema);
    const second = zodToJsonSchema(schema);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    (first as { properties?: unknown }).properties = 'changed by a caller';
    expect(zodToJsonSchema(schema)).toEqual(second);
    expect(zodToJsonSchema(treasuryDecisionSchema(2, ['USDC', 'SOL']))).not.toEqual(second);
  });
});
