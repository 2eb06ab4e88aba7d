// Reads a GGUF header in JavaScript and refuses files llama.cpp cannot load, before llama.cpp
// sees them: a missing `<arch>.feed_forward_length` or `<arch>.attention.head_count` makes
// llama.cpp abort the whole process (GGML_ASSERT), which no try/catch can stop.
import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import { StewardError } from '../errors/index.js';

/** Keys llama.cpp needs for every architecture it loads from a GGUF. */
const GENERIC_KEYS = ['general.architecture', 'tokenizer.ggml.model', 'tokenizer.ggml.tokens'] as const;

/** Per-architecture keys whose absence throws or aborts inside llama.cpp (found by probing llama). */
const TRANSFORMER_KEYS = ['context_length', 'embedding_length', 'block_count', 'feed_forward_length', 'attention.head_count'] as const;

/** Architectures that use the transformer keys above (the LLaMA family and its close relatives). */
const TRANSFORMER_ARCHITECTURES = new Set([
  'llama',
  'mistral',
  'mistral3',
  'qwen2',
  'qwen3',
  'qwen2moe',
  'qwen3moe',
  'gemma',
  'gemma2',
  'gemma3',
  'phi3',
  'granite',
  'olmo',
  'olmo2',
  'deepseek2',
  'command-r',
  'cohere2',
  'exaone',
  'internlm2',
  'stablelm',
  'starcoder2',
]);

function lookup(metadata: unknown, dotted: string): unknown {
  let node: unknown = metadata;
  for (const part of dotted.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The metadata keys of `info` that llama.cpp needs and the file lacks. */
export function missingRequiredKeys(info: Pick<GgufFileInfo, 'metadata'>): string[] {
  const missing: string[] = GENERIC_KEYS.filter((key) => lookup(info.metadata, key) === undefined);
  const architecture = lookup(info.metadata, 'general.architecture');
  if (typeof architecture === 'string' && TRANSFORMER_ARCHITECTURES.has(architecture)) {
    for (const key of TRANSFORMER_KEYS) {
      if (lookup(info.metadata, `${architecture}.${key}`) === undefined) missing.push(`${architecture}.${key}`);
    }
    // The layer norm epsilon is needed by every LLaMA-style block; without it loading fails.
    if (
      lookup(info.metadata, `${architecture}.attention.layer_norm_rms_epsilon`) === undefined &&
      lookup(info.metadata, `${architecture}.attention.layer_norm_epsilon`) === undefined
    ) {
      missing.push(`${architecture}.attention.layer_norm_rms_epsilon`);
    }
  }
  return missing;
}

/** Reads the header of a local GGUF file; a file that is not GGUF becomes MODEL_FILE_INVALID. */
export async function readModelHeader(path: string): Promise<GgufFileInfo> {
  try {
    return await readGgufFileInfo(path, { sourceType: 'filesystem', readTensorInfo: false, logWarnings: false });
  } catch (error) {
    throw new StewardError('MODEL_FILE_INVALID', `${path} is not a readable GGUF model file: ${(error as Error).message}`, {
      context: { path },
      cause: error,
      hint: 'Point the agent (model.local) or STEWARD_MODEL at a .gguf file, or pull one with `steward model pull hf:OWNER/REPO/FILE.gguf`.',
    });
  }
}

/** Refuses a GGUF file that would crash or fail inside llama.cpp; returns its header otherwise. */
export async function assertLoadableModelFile(path: string): Promise<GgufFileInfo> {
  const info = await readModelHeader(path);
  const missing = missingRequiredKeys(info);
  if (missing.length > 0) {
    throw new StewardError('MODEL_FILE_INVALID', `${path} lacks GGUF metadata that llama.cpp requires: ${missing.join(', ')}`, {
      context: { path, missing },
      details: missing.map((key) => `missing key: ${key}`),
      hint: 'The file is incomplete or was written by a broken converter; download it again or convert it with a current llama.cpp (convert_hf_to_gguf.py).',
    });
  }
  return info;
}
