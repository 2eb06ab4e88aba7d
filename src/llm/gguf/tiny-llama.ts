// A tiny LLaMA-architecture model with random weights and a byte-level SentencePiece vocabulary,
// deterministic per seed. It is no good at reasoning and that is the point: it runs the real
// llama.cpp path (tokenizer, chat template, grammar, sequences) in milliseconds, and as a random
// proposer it is the best adversary the policy engine can get.
import type { GgufTensorSource, GgufTensorType, GgufValue } from './gguf-writer.js';
import { streamGguf, writeGgufFile } from './gguf-writer.js';

export interface TinyLlamaOptions {
  seed?: number;
  embeddingLength?: number;
  blockCount?: number;
  headCount?: number;
  feedForwardLength?: number;
  contextLength?: number;
  /** `general.name`; the local backend recognises the test model by it. */
  name?: string;
  /** Jinja chat template stored as `tokenizer.chat_template`; null leaves it out. */
  chatTemplate?: string | null;
  /** Metadata keys to leave out, to produce files llama.cpp must refuse (tests only). */
  omitKeys?: readonly string[];
  /**
   * How the weight matrices are stored: 'f32' (default: normal draws, σ 0.02) or 'f16' (half the
   * size and drawn straight as random halves, fast enough for the GPU bench's billion weights);
   * norm vectors stay F32 either way, as in llama.cpp's files.
   */
  tensorType?: GgufTensorType;
}

export const TEST_MODEL_NAME = 'steward-tiny-random-llama';

/** A plain role-tagged template; explicit so llama.cpp never has to guess a format. */
export const TEST_MODEL_CHAT_TEMPLATE =
  "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n{% endfor %}" +
  '{% if add_generation_prompt %}<|assistant|>\n{% endif %}';

/** Token ids of byte tokens: <unk>, <s>, </s> come first, then <0x00>..<0xFF>. */
export const FIRST_BYTE_TOKEN_ID = 3;

// mulberry32: tiny, fast and good enough for weights; the same seed gives the same file.
function seededBits(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Random F16 weights straight from the bits, two per 32-bit draw: random sign and mantissa, an
 * exponent giving magnitudes from 2^-9 to 2^-5 (≈ 0.002–0.03, the scale of the F32 weights).
 * A billion of these take seconds, where normal draws plus conversion take minutes in JS.
 */
function randomHalves(bits: () => number, target: Uint16Array): void {
  for (let i = 0; i < target.length; i += 2) {
    const draw = bits();
    target[i] = (draw & 0x8000) | ((((draw >>> 10) & 3) + 6) << 10) | (draw & 0x3ff);
    if (i + 1 < target.length) target[i + 1] = ((draw >>> 16) & 0x8000) | ((((draw >>> 26) & 3) + 6) << 10) | ((draw >>> 16) & 0x3ff);
  }
}

function vocabulary(): { tokens: string[]; types: number[]; scores: number[] } {
  // SentencePiece token types: 1 normal, 2 unknown, 3 control, 6 byte.
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  const scores = [0, 0, 0];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
    scores.push(0);
  }
  const pieces = [
    '\u2581',
    ...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''),
    '\u2581the',
    '\u2581hold',
    '\u2581vote',
    '\u2581transfer',
    '\u2581yes',
    '\u2581no',
    '\u2581risk',
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    '.',
    '{"',
    '":',
    '",',
    '"}',
  ];
  for (const piece of pieces) {
    tokens.push(piece);
    types.push(1);
    scores.push(-tokens.length);
  }
  return { tokens, types, scores };
}

/** Metadata and tensors (values drawn in file order from one seeded stream) of a test model. */
function tinyLlama(options: TinyLlamaOptions): { metadata: Record<string, GgufValue>; tensors: GgufTensorSource[] } {
  const seed = options.seed ?? 42;
  const nEmbd = options.embeddingLength ?? 64;
  const nLayer = options.blockCount ?? 2;
  const nHead = options.headCount ?? 4;
  const nFf = options.feedForwardLength ?? 128;
  const nCtx = options.contextLength ?? 4096;
  const matrixType = options.tensorType ?? 'f32';
  const bits = seededBits(seed);
  const random = (): number => bits() / 4294967296;
  const normal = (): number => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  // The writer fills tensors in file order, so every weight comes from the same place in the
  // stream whether the file is built in memory or streamed, and whatever the storage type.
  const weights = (name: string, dims: number[]): GgufTensorSource =>
    matrixType === 'f16'
      ? { name, dims, type: 'f16', fillBits: (target) => randomHalves(bits, target) }
      : {
          name,
          dims,
          type: 'f32',
          fill(target) {
            for (let i = 0; i < target.length; i++) target[i] = normal() * 0.02;
          },
        };
  const ones = (name: string, dims: number[]): GgufTensorSource => ({ name, dims, type: 'f32', fill: (target) => target.fill(1) });

  const { tokens, types, scores } = vocabulary();
  const nVocab = tokens.length;
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.name': { type: 'string', value: options.name ?? TEST_MODEL_NAME },
    // llama_ftype: 0 all F32, 1 mostly F16.
    'general.file_type': { type: 'uint32', value: matrixType === 'f16' ? 1 : 0 },
    'llama.context_length': { type: 'uint32', value: nCtx },
    'llama.embedding_length': { type: 'uint32', value: nEmbd },
    'llama.block_count': { type: 'uint32', value: nLayer },
    'llama.feed_forward_length': { type: 'uint32', value: nFf },
    'llama.attention.head_count': { type: 'uint32', value: nHead },
    'llama.attention.head_count_kv': { type: 'uint32', value: nHead },
    'llama.rope.dimension_count': { type: 'uint32', value: nEmbd / nHead },
    'llama.rope.freq_base': { type: 'float32', value: 10000 },
    'llama.attention.layer_norm_rms_epsilon': { type: 'float32', value: 1e-5 },
    'llama.vocab_size': { type: 'uint32', value: nVocab },
    'tokenizer.ggml.model': { type: 'string', value: 'llama' },
    'tokenizer.ggml.tokens': { type: 'array', of: 'string', value: tokens },
    'tokenizer.ggml.scores': { type: 'array', of: 'float32', value: scores },
    'tokenizer.ggml.token_type': { type: 'array', of: 'int32', value: types },
    'tokenizer.ggml.bos_token_id': { type: 'uint32', value: 1 },
    'tokenizer.ggml.eos_token_id': { type: 'uint32', value: 2 },
    'tokenizer.ggml.unknown_token_id': { type: 'uint32', value: 0 },
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
    'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
  };
  const template = options.chatTemplate === undefined ? TEST_MODEL_CHAT_TEMPLATE : options.chatTemplate;
  if (template !== null) metadata['tokenizer.chat_template'] = { type: 'string', value: template };
  for (const key of options.omitKeys ?? []) delete metadata[key];

  const tensors: GgufTensorSource[] = [
    weights('token_embd.weight', [nEmbd, nVocab]),
    ones('output_norm.weight', [nEmbd]),
    weights('output.weight', [nEmbd, nVocab]),
  ];
  for (let layer = 0; layer < nLayer; layer++) {
    const p = `blk.${layer}.`;
    tensors.push(
      ones(`${p}attn_norm.weight`, [nEmbd]),
      weights(`${p}attn_q.weight`, [nEmbd, nEmbd]),
      weights(`${p}attn_k.weight`, [nEmbd, nEmbd]),
      weights(`${p}attn_v.weight`, [nEmbd, nEmbd]),
      weights(`${p}attn_output.weight`, [nEmbd, nEmbd]),
      ones(`${p}ffn_norm.weight`, [nEmbd]),
      weights(`${p}ffn_gate.weight`, [nEmbd, nFf]),
      weights(`${p}ffn_up.weight`, [nEmbd, nFf]),
      weights(`${p}ffn_down.weight`, [nFf, nEmbd]),
    );
  }
  return { metadata, tensors };
}

/** Builds the model file in memory (small models: tests, the cached test model). */
export function buildTinyLlama(options: TinyLlamaOptions = {}): Buffer {
  const { metadata, tensors } = tinyLlama(options);
  const chunks: Buffer[] = [];
  streamGguf(metadata, tensors, (chunk) => chunks.push(Buffer.from(chunk)));
  return Buffer.concat(chunks);
}

/**
 * Streams the model file to `path` in chunks and returns its size in bytes: the same bytes as
 * buildTinyLlama, for models of any size (2048 wide, 16 blocks, 5632 feed-forward in F16 is
 * 0.82 B weights, 1.6 GB, with a few tens of MB of memory).
 */
export function writeTinyLlama(path: string, options: TinyLlamaOptions = {}): number {
  const { metadata, tensors } = tinyLlama(options);
  return writeGgufFile(path, metadata, tensors);
}
