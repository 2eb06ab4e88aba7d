// Real llama.cpp inference on the generated test model: structured output that always parses,
// a pool that never leaks sequences, prefix reuse, and broken files refused before llama.cpp.
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isStewardError } from '../../src/errors/index.js';
import { buildPrompt, decide, ensureTestModel, LocalChatModel, loadedModels, writeTestModel } from '../../src/llm/index.js';
import { tempDir } from '../helpers/tmp.js';
import { MAX_SNAPSHOTS } from '../../src/llm/shared-prefix.js';

const decisionSchema = z.strictObject({
  action: z.enum(['hold', 'transfer', 'vote']),
  vote: z.enum(['yes', 'no', 'abstain']),
  rationale: z.string().max(40),
  risks: z.array(z.string().max(12)).max(2),
  urgent: z.boolean(),
});

let path: string;
let model: LocalChatModel;

beforeAll(async () => {
  path = await ensureTestModel({ dir: tempDir('steward-llm-'), seed: 7 });
  model = await LocalChatModel.open({ path, sequences: 4, maxTokens: 512, temperature: 0.8 });
});
afterAll(async () => {
  await model.close();
});

describe('local chat model on the generated GGUF', () => {
  it('gives 200 structured decisions over 4 parallel sequences that all parse and validate', async () => {
    const system = 'You are a treasury agent. Decide what to do and answer with JSON.';
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        decide({
          model,
          schema: decisionSchema,
          maxAttempts: 1,
          prompt: buildPrompt({
            system,
            task: `Decide about proposal ${i}.`,
            untrusted: [{ label: `proposal ${i}`, text: `Send ${i} USDC to Bob.` }],
          }),
        }),
      ),
    );
    expect(results).toHaveLength(200);
    for (const result of results) {
      expect(decisionSchema.parse(JSON.parse(result.raw))).toEqual(result.value);
      expect(result.attempts).toBe(1);
      expect(result.usage.promptTokens).toBeGreaterThan(0);
    }
    expect(model.runtime.pool.available).toBe(4);
    expect(model.runtime.pool.waiting).toBe(0);
    // Every sequence shared the system prefix with its previous prompt: most of it was not evaluated again.
    const cached = results.reduce((sum, r) => sum + (r.usage.cachedPromptTokens ?? 0), 0);
    const prompt = results.reduce((sum, r) => sum + r.usage.promptTokens, 0);
    expect(cached / prompt).toBeGreaterThan(0.3);
  });

  it('returns every sequence to the pool after 1,000 calls, failed and aborted ones included', async () => {
    const messages = [new SystemMessage('s'), new HumanMessage('hi')];
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => model.complete(messages, { maxTokens: 1, seed: batch * 10 + i })));
    }
    const aborted = new AbortController();
    aborted.abort();
    await expect(model.complete(messages, { maxTokens: 4, signal: aborted.signal })).rejects.toMatchObject({ code: 'LLM_FAILED' });
    expect(model.runtime.pool.available).toBe(4);
    expect(model.runtime.context.sequencesLeft).toBe(0); // all 4 created up front, none extra
  });

  it('reuses the evaluated prefix of a sequence when the next prompt shares it', async () => {
    const solo = await LocalChatModel.open({ path, maxTokens: 4 });
    try {
      const system = new SystemMessage('Fixed rules of the agent. '.repeat(30));
      const first = await solo.complete([system, new HumanMessage('proposal A')], { seed: 1 });
      const second = await solo.complete([system, new HumanMessage('proposal B')], { seed: 2 });
      expect(second.usage.cachedPromptTokens).toBeGreaterThan(first.usage.promptTokens * 0.8);
      expect(second.usage.cachedPromptTokens).toBeLessThan(second.usage.promptTokens);
    } finally {
      await solo.close();
    }
  });

  it('evaluates a system prompt once for parallel sequences and loads its state into the others', async () => {
    const { prefixes, pool } = model.runtime;
    // Empty sequences, so none holds the prompt: each would otherwise evaluate it on its own.
    await Promise.all(Array.from({ length: pool.size }, () => pool.use((sequence) => sequence.clearHistory())));
    const before = { ...prefixes.counts };
    const system = new SystemMessage('Rules shared by parallel reviews, evaluated once. '.repeat(20));
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => model.complete([system, new HumanMessage(`Review proposal ${i}.`)], { seed: i, maxTokens: 4 })),
    );
    expect(prefixes.counts.evaluated - before.evaluated).toBe(1);
    expect(prefixes.counts.loaded - before.loaded).toBe(3);
    const evaluated = results.map((r) => r.usage.promptTokens - (r.usage.cachedPromptTokens ?? 0)).sort((a, b) => a - b);
    const prompt = results[0]?.usage.promptTokens ?? 0;
    // One generation evaluated the whole prompt; the other three only what follows the system prompt.
    expect(evaluated[3]).toBeGreaterThan(prompt * 0.9);
    for (const tail of evaluated.slice(0, 3)) expect(tail).toBeLessThan(prompt * 0.1);
    // A later prompt with the same system text on a sequence that holds it loads nothing.
    const again = await model.complete([system, new HumanMessage('Review proposal 4.')], { seed: 4, maxTokens: 4 });
    expect(prefixes.counts.loaded - before.loaded).toBe(3);
    expect(again.usage.cachedPromptTokens).toBeGreaterThan(prompt * 0.9);
    expect(pool.available).toBe(4);
    // More system prompts than snapshots are kept: the oldest snapshots' files are removed.
    for (let i = 0; i < MAX_SNAPSHOTS + 2; i++) {
      const other = new SystemMessage(`Rules of agent ${i}, each its own system prompt. `.repeat(20));
      await model.complete([other, new HumanMessage('Review.')], { seed: i, maxTokens: 1 });
    }
    await new Promise((done) => setTimeout(done, 50));
    expect(prefixes.stateFiles().length).toBeLessThanOrEqual(MAX_SNAPSHOTS);
  });

  it('shares one loaded model between handles on the same file and frees it after the last close', async () => {
    const [a, b] = await Promise.all([LocalChatModel.open({ path }), LocalChatModel.open({ path })]);
    expect(a.runtime).toBe(b.runtime);
    expect(a.runtime).toBe(model.runtime);
    expect(loadedModels().find((entry) => entry.path === model.runtime.path)?.leases).toBe(3);
    await a.close();
    await b.close();
    expect(loadedModels().find((entry) => entry.path === model.runtime.path)?.leases).toBe(1);
  });

  it('runs the tiny model without flash attention on a CPU, and with it when the agent file asks', async () => {
    if (model.runtime.llama.gpu === false) {
      expect(model.runtime.flashAttention).toBe('off');
      expect(model.runtime.context.flashAttention).toBe(false);
    } else {
      expect(model.runtime.flashAttention).toBe('auto');
    }
    // Another file: the first loader of a file decides its context.
    const other = await ensureTestModel({ dir: tempDir('steward-llm-fa-'), seed: 8 });
    const withIt = await LocalChatModel.open({ path: other, sequences: 1, maxTokens: 8, flashAttention: 'on' });
    try {
      expect(withIt.runtime.flashAttention).toBe('on');
      expect(withIt.runtime.context.flashAttention).toBe(true);
      const answer = await withIt.complete([new HumanMessage('Say yes.')], {
        jsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      });
      expect(answer.usage.completionTokens).toBeGreaterThan(0);
    } finally {
      await withIt.close();
    }
  });

  it('fails with LLM_OUTPUT_INVALID, keeping the raw output, when the grammar cannot enforce the schema', async () => {
    // A 20-digit numeric string cannot come out of a random model; the grammar only fixes the shape.
    const strict = z.strictObject({ amount: z.string().regex(/^\d{20}$/) });
    const error = await decide({ model, schema: strict, maxAttempts: 2, maxTokens: 48, prompt: [new HumanMessage('amount?')] }).catch(
      (e: unknown) => e,
    );
    expect(isStewardError(error) && error.code).toBe('LLM_OUTPUT_INVALID');
    if (!isStewardError(error, 'LLM_OUTPUT_INVALID')) throw error;
    expect(error.context.attempts).toBe(2);
    expect(typeof error.context.raw).toBe('string');
    expect(error.details[0]).toMatch(/^\$(\.amount)?: /);
  });

  it('refuses a GGUF missing a key whose absence aborts llama.cpp, and the process lives on', async () => {
    const dir = tempDir('steward-bad-gguf-');
    for (const key of ['llama.attention.head_count', 'llama.feed_forward_length']) {
      const bad = `${dir}/${key}.gguf`;
      writeTestModel(bad, { omitKeys: [key] });
      const error = await LocalChatModel.open({ path: bad }).catch((e: unknown) => e);
      expect(isStewardError(error) && error.code).toBe('MODEL_FILE_INVALID');
      expect((error as Error).message).toContain(key);
    }
    const notGguf = `${dir}/text.gguf`;
    (await import('node:fs')).writeFileSync(notGguf, 'not a model');
    await expect(LocalChatModel.open({ path: notGguf })).rejects.toMatchObject({ code: 'MODEL_FILE_INVALID' });
    const answer = await model.complete([new HumanMessage('still alive?')], { maxTokens: 2 });
    expect(answer.usage.completionTokens).toBeGreaterThan(0);
  });

  it('identifies the model by file name and SHA-256', async () => {
    const identity = await model.modelIdentity();
    expect(identity).toMatchObject({ backend: 'local', model: expect.stringMatching(/\.gguf$/) });
    expect(identity.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
