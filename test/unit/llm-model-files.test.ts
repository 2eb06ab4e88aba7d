// Model files without llama.cpp: the GGUF writer, the header check, source parsing, offline
// resolution of pulled hf: URIs, threads, flash attention, and which backend an agent gets.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertLoadableModelFile,
  buildTinyLlama,
  chooseModel,
  chooseFlashAttention,
  chooseThreads,
  ensureTestModel,
  parseModelSource,
  readModelHeader,
  resolveModelPath,
  toGbnfJsonSchema,
  writeTestModel,
  zodToJsonSchema,
} from '../../src/llm/index.js';
import { z } from 'zod';
import { tempDir } from '../helpers/tmp.js';

const settings = { model: '', openaiBaseUrl: '', openaiModel: '', openaiApiKey: '', modelsDir: '/m' };

describe('generated test model', () => {
  it('is deterministic per seed and carries a chat template', async () => {
    expect(buildTinyLlama({ seed: 1 }).equals(buildTinyLlama({ seed: 1 }))).toBe(true);
    expect(buildTinyLlama({ seed: 1 }).equals(buildTinyLlama({ seed: 2 }))).toBe(false);
    const dir = tempDir();
    const path = await ensureTestModel({ dir, seed: 5 });
    expect(await ensureTestModel({ dir, seed: 5 })).toBe(path);
    const header = await assertLoadableModelFile(path);
    expect(header.version).toBe(3);
    expect((header.metadata as { tokenizer?: { chat_template?: string } }).tokenizer?.chat_template).toContain('add_generation_prompt');
  });

  it('refuses headers without the keys llama.cpp aborts on, naming them', async () => {
    const path = join(tempDir(), 'bad.gguf');
    writeTestModel(path, { omitKeys: ['llama.attention.head_count', 'tokenizer.ggml.tokens'] });
    await expect(assertLoadableModelFile(path)).rejects.toMatchObject({
      code: 'MODEL_FILE_INVALID',
      details: ['missing key: tokenizer.ggml.tokens', 'missing key: llama.attention.head_count'],
    });
    await expect(readModelHeader(join(tempDir(), 'none.gguf'))).rejects.toMatchObject({ code: 'MODEL_FILE_INVALID' });
  });
});

describe('model sources', () => {
  it('tells URIs from paths', () => {
    expect(parseModelSource('hf:owner/repo/file.gguf')).toEqual({ kind: 'uri', uri: 'hf:owner/repo/file.gguf' });
    expect(parseModelSource('https://example.com/m.gguf').kind).toBe('uri');
    expect(parseModelSource('./models/m.gguf')).toMatchObject({ kind: 'file' });
    expect(() => parseModelSource('s3://bucket/m.gguf')).toThrow(/unsupported model URI scheme/);
  });

  it('resolves a pulled hf: URI offline and says how to pull a missing one', async () => {
    const dir = tempDir();
    const source = await ensureTestModel({ dir: tempDir() });
    copyFileSync(source, join(dir, 'hf_owner_repo_model-Q4_K_M.gguf'));
    expect(await resolveModelPath('hf:owner/repo/model-Q4_K_M.gguf', { modelsDir: dir, download: false })).toBe(
      join(dir, 'hf_owner_repo_model-Q4_K_M.gguf'),
    );
    await expect(resolveModelPath('hf:owner/repo/other.gguf', { modelsDir: dir, download: false })).rejects.toMatchObject({
      code: 'MODEL_FILE_INVALID',
      hint: 'Pull it first: steward model pull hf:owner/repo/other.gguf',
    });
    expect(await resolveModelPath(source, { modelsDir: dir })).toBe(source);
    await expect(resolveModelPath(join(dir, 'missing.gguf'), { modelsDir: dir })).rejects.toMatchObject({ code: 'MODEL_FILE_INVALID' });
    expect(readFileSync(source).subarray(0, 4).toString()).toBe('GGUF');
  });
});

describe('backend choice', () => {
  it('prefers the agent, then STEWARD_MODEL, then STEWARD_OPENAI_BASE_URL', () => {
    expect(chooseModel({ local: 'a.gguf' }, { ...settings, model: 'b.gguf' })).toMatchObject({
      kind: 'local',
      reference: 'a.gguf',
      from: 'agent',
    });
    expect(chooseModel(undefined, { ...settings, model: 'b.gguf', openaiBaseUrl: 'http://x/v1' })).toMatchObject({
      kind: 'local',
      from: 'STEWARD_MODEL',
    });
    expect(chooseModel({ temperature: 0 }, { ...settings, openaiBaseUrl: 'http://x/v1', openaiModel: 'm', openaiApiKey: 'k' })).toEqual({
      kind: 'remote',
      baseUrl: 'http://x/v1',
      model: 'm',
      apiKey: 'k',
      from: 'STEWARD_OPENAI_BASE_URL',
    });
    expect(
      chooseModel({ endpoint: { baseUrl: 'http://y/v1', model: 'n', apiKeyEnv: 'MY_KEY' } }, settings, { MY_KEY: 's3cret' }),
    ).toMatchObject({ kind: 'remote', apiKey: 's3cret', from: 'agent' });
    expect(chooseModel(undefined, settings)).toEqual({ kind: 'none' });
    expect(() => chooseModel(undefined, { ...settings, openaiBaseUrl: 'http://x/v1' })).toThrow(/STEWARD_OPENAI_MODEL/);
  });

  it('uses one thread for tiny models and never more threads than cores', () => {
    expect(chooseThreads(500_000, 4, 2)).toBe(1);
    expect(chooseThreads(4 * 2 ** 30, 4, 2)).toBe(2);
    expect(chooseThreads(4 * 2 ** 30, 8, 16)).toBe(8);
  });

  it('turns flash attention off for tiny models on a CPU only, and leaves the rest to llama.cpp', () => {
    expect(chooseFlashAttention(500_000, false)).toBe('off');
    expect(chooseFlashAttention(500_000, true)).toBe('auto');
    expect(chooseFlashAttention(4 * 2 ** 30, false)).toBe('auto');
    expect(chooseFlashAttention(4 * 2 ** 30, true)).toBe('auto');
  });
});

describe('decision schemas', () => {
  it('turn zod into the grammar subset, keeping enums, bounds on lengths and nullables', () => {
    const schema = z.strictObject({
      kind: z.enum(['a', 'b']),
      note: z.string().max(9).regex(/x/),
      n: z.int().nullable(),
      list: z.array(z.boolean()).max(2),
    });
    expect(toGbnfJsonSchema(zodToJsonSchema(schema))).toEqual({
      type: 'object',
      properties: {
        kind: { enum: ['a', 'b'] },
        note: { type: 'string', maxLength: 9 },
        n: { oneOf: [{ type: 'integer' }, { type: 'null' }] },
        list: { type: 'array', items: { type: 'boolean' }, maxItems: 2 },
      },
      required: ['kind', 'note', 'n', 'list'],
      additionalProperties: false,
    });
    expect(() => toGbnfJsonSchema({ type: 'object', properties: { x: {} } })).toThrow(/\$\.x|\.x/);
  });
});
