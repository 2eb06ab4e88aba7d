// A token bias that keeps generated text valid UTF-8 for byte-fallback vocabularies. A model that
// can emit raw byte tokens may emit a lone 0x80..0xFF byte; it detokenizes to U+FFFD and breaks
// string validation. Used for the random test model (real models emit whole characters anyway).
import { TokenBias, type LlamaModel, type Token } from 'node-llama-cpp';

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** Forbids byte tokens for non-ASCII bytes and control characters other than newline. */
export function asciiByteTokenBias(model: LlamaModel, tokens: readonly string[]): TokenBias {
  const bias = new TokenBias(model.tokenizer);
  tokens.forEach((text, id) => {
    const match = BYTE_TOKEN.exec(text);
    if (!match?.[1]) return;
    const byte = Number.parseInt(match[1], 16);
    if (byte >= 0x7f || (byte < 0x20 && byte !== 0x0a)) bias.set(id as Token, 'never');
  });
  return bias;
}
