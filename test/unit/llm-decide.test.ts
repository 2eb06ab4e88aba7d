// decide()'s loop against a scripted model: what the model sees after an invalid answer, and
// what the error keeps. (The real-model path is covered in test/model.)
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isStewardError } from '../../src/errors/index.js';
import { checkAnswer, decide, type StructuredRequest } from '../../src/llm/index.js';

function scripted(answers: string[]) {
  const requests: StructuredRequest[] = [];
  return {
    requests,
    async generateStructured(request: StructuredRequest) {
      requests.push({ ...request, messages: [...request.messages] });
      const text = answers.shift();
      if (text === undefined) throw new Error('scripted model called more often than scripted');
      return { text, usage: { promptTokens: 10, completionTokens: 5, cachedPromptTokens: 4 } };
    },
  };
}

const schema = z.strictObject({ action: z.enum(['hold', 'vote']), amount: z.string().regex(/^\d+$/) });

describe('decide', () => {
  it('returns the validated value, the raw text and summed usage', async () => {
    const model = scripted(['{"action":"hold","amount":"5"}']);
    const decision = await decide({ model, schema, prompt: [] });
    expect(decision).toEqual({
      value: { action: 'hold', amount: '5' },
      raw: '{"action":"hold","amount":"5"}',
      attempts: 1,
      usage: { promptTokens: 10, completionTokens: 5, cachedPromptTokens: 4 },
    });
    expect(model.requests[0]?.jsonSchema).toMatchObject({ type: 'object', required: ['action', 'amount'] });
  });

  it('feeds back every problem path by path and retries', async () => {
    const model = scripted(['{"action":"sell","amount":"x"}', '{"action":"vote","amount":"7"}']);
    const decision = await decide({ model, schema, prompt: [] });
    expect(decision.attempts).toBe(2);
    expect(decision.usage.promptTokens).toBe(20);
    const retry = model.requests[1]?.messages ?? [];
    expect(retry.map((m) => m.getType())).toEqual(['ai', 'human']);
    expect(retry[1]?.text).toMatch(/- \$\.action: .*\n- \$\.amount: /);
  });

  it('throws LLM_OUTPUT_INVALID after maxAttempts, keeping every raw answer, never repairing', async () => {
    const model = scripted(['{"action":"hold"', '{"action":"hold","amount":"1e3"}']);
    const error = await decide({ model, schema, prompt: [], maxAttempts: 2 }).catch((e: unknown) => e);
    if (!isStewardError(error, 'LLM_OUTPUT_INVALID')) throw error;
    expect(error.code).toBe('LLM_OUTPUT_INVALID');
    expect(error.context.raw).toBe('{"action":"hold","amount":"1e3"}');
    expect(error.context.invalid?.length).toBe(2);
    expect(error.format()).toMatchInlineSnapshot(`
      "error[LLM_OUTPUT_INVALID]: the model gave no valid decision in 2 attempt(s)
        $.amount: Invalid string: must match pattern /^\\\\d+$/
      hint: Nothing was executed. Use a stronger model, raise model.maxTokens if answers were cut off, or simplify the instructions.
      see: docs/ERRORS.md#llm"
    `);
  });

  it('says when JSON is cut off', () => {
    expect(checkAnswer(schema, '{"a":')).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^\$: the answer is not valid JSON .*token limit$/)],
    });
    expect(checkAnswer(schema, '')).toMatchObject({ ok: false, problems: [expect.stringContaining('empty')] });
  });

  it('refuses a nonsensical maxAttempts', async () => {
    await expect(decide({ model: scripted([]), schema, prompt: [], maxAttempts: 0 })).rejects.toMatchObject({ code: 'ARGUMENT_INVALID' });
  });
});
