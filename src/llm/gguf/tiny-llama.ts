// A tiny LLaMA-architecture model with random weights and a byte-level SentencePiece vocabulary,
// deterministic per seed. It is no good at reasoning and that is the point: it runs the real
// llama.cpp path (tokenizer, chat template, grammar, sequences) in milliseconds, and as a random
// proposer it is the best adversary the policy engine can get.
import type { GgufTensor, GgufValue } from './gguf-writer.js';
import { encodeGguf } from './gguf-writer.js';

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
}

export const TEST_MODEL_NAME = 'steward-tiny-random-llama';

/** A plain role-tagged template; explicit so llama.cpp never has to guess a format. */
export const TEST_MODEL_CHAT_TEMPLATE =
  "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n{% endfor %}" +
  '{% if add_generation_prompt %}<|assistant|>\n{% endif %}';

/** Token ids of byte tokens: <unk>, <s>, </s> come first, then <0x00>..<0xFF>. */
export const FIRST_BYTE_TOKEN_ID = 3;

// mulberry32: tiny, fast and good enough for weights; the same seed gives the same file.
function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
    '\u2581the', '\u2581hold', '\u2581vote', '\u2581transfer', '\u2581yes', '\u2581no', '\u2581risk',
    '{', '}', '[', ']', '"', ':', ',', '.', '{"', '":', '",', '"}',
  ];
  for (const piece of pieces) {
    tokens.push(piece);
    types.push(1);
    scores.push(-tokens.length);
  }
  return { tokens, types, scores };
}

/** Builds the model file in memory. */
export function buildTinyLlama(options: TinyLlamaOptions = {}): Buffer {
  const seed = options.seed ?? 42;
  const nEmbd = options.embeddingLength ?? 64;
  const nLayer = options.blockCount ?? 2;
  const nHead = options.headCount ?? 4;
  const nFf = options.feedForwardLength ?? 128;
  const nCtx = options.contextLength ?? 4096;
  const random = seededRandom(seed);
  const normal = (): number => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const weights = (count: number): Float32Array => {
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = normal() * 0.02;
    return data;
  };
  const ones = (count: number): Float32Array => new Float32Array(count).fill(1);

  const { tokens, types, scores } = vocabulary();
  const nVocab = tokens.length;
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.name': { type: 'string', value: options.name ?? TEST_MODEL_NAME },
    'general.file_type': { type: 'uint32', value: 0 },
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

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [nEmbd, nVocab], data: weights(nEmbd * nVocab) },
    { name: 'output_norm.weight', dims: [nEmbd], data: ones(nEmbd) },
    { name: 'output.weight', dims: [nEmbd, nVocab], data: weights(nEmbd * nVocab) },
  ];
  for (let layer = 0; layer < nLayer; layer++) {
    const p = `blk.${layer}.`;
    tensors.push(
      { name: `${p}attn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `${p}attn_q.weight`, dims: [nEmbd, nEmbd], data: weights(nEmbd * nEmbd) },
      { name: `${p}attn_k.weight`, dims: [nEmbd, nEmbd], data: weights(nEmbd * nEmbd) },
      { name: `${p}attn_v.weight`, dims: [nEmbd, nEmbd], data: weights(nEmbd * nEmbd) },
      { name: `${p}attn_output.weight`, dims: [nEmbd, nEmbd], data: weights(nEmbd * nEmbd) },
      { name: `${p}ffn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `${p}ffn_gate.weight`, dims: [nEmbd, nFf], data: weights(nEmbd * nFf) },
      { name: `${p}ffn_up.weight`, dims: [nEmbd, nFf], data: weights(nEmbd * nFf) },
      { name: `${p}ffn_down.weight`, dims: [nFf, nEmbd], data: weights(nFf * nEmbd) },
    );
  }
  return encodeGguf(metadata, tensors);
}
