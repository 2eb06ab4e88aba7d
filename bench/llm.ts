// LLM figures: prompt and decode tokens/s (1 and 4 sequences), the overhead of Steward's chat
// model over calling node-llama-cpp directly for the same tokens, and the prompt tokens saved
// by reusing a sequence's evaluated prefix. Speed targets live here, not in timed tests.
// Exports `run(options) → Figure[]` for bench/run.ts, and runs standalone:
//   node --import tsx bench/llm.ts [--model FILE] [--tokens N] [--smoke]
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { LlamaChat, type ChatHistoryItem, type LlamaContextSequence, type Token } from 'node-llama-cpp';
import { buildPrompt, ensureTestModel, LocalChatModel } from '../src/llm/index.js';
import type { Figure } from './lib.js';

interface LlmBenchOptions {
  size: 'full' | 'smoke';
  /** A GGUF file to measure besides the generated test model. */
  model?: string;
  /** Tokens per decode / per answer (default 64). */
  tokens?: number;
}

const GROUP = 'LLM (llama.cpp)';
const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The figures for one model file; `sequenceCounts` are the parallel sequences tokens/s is measured with. */
export async function measure(
  path: string,
  label: string,
  size: 'full' | 'smoke',
  decodeTokens: number,
  sequenceCounts: readonly number[] = [1, 4],
): Promise<Figure[]> {
  const figures: Figure[] = [];
  const add = (id: string, name: string, value: number, unit: string, method: string, details?: Record<string, unknown>): void => {
    figures.push({
      id: `llm.${label}.${id}`,
      group: GROUP,
      name: `${name} (${label})`,
      value,
      unit,
      method,
      ...(details ? { details } : {}),
    });
  };
  const steward = await LocalChatModel.open({ path, sequences: 4, maxTokens: decodeTokens, temperature: 0.8 });
  const { model, threads } = steward.runtime;
  const bias = steward.tokenBiasForTests;
  const setup = `${basename(path)}, ${(model.size / 2 ** 20).toFixed(1)} MiB, threads ${threads}, flash attention ${steward.runtime.flashAttention}, GPU ${steward.runtime.llama.gpu || 'none'} (${model.gpuLayers} layers offloaded)`;
  // A separate context for raw measurements, so the pool's sequences keep their history. A
  // sequence disposed after an interrupted generation may not be free again at once: one fresh
  // sequence per use (plus the direct comparison's).
  const raw = await model.createContext({
    sequences: sequenceCounts.reduce((a, b) => a + b, 1),
    threads,
    contextSize: 2048,
    flashAttention: steward.runtime.context.flashAttention,
  });
  try {
    const longPrompt = model.tokenize('The treasury holds USDC, SOL and JUP across several accounts. '.repeat(12), true);
    const decode = async (sequence: LlamaContextSequence, n: number, seed: number): Promise<number> => {
      await sequence.clearHistory();
      let count = 0;
      for await (const _token of sequence.evaluate(model.tokenize('Hello', true), {
        temperature: 0.8,
        seed,
        ...(bias ? { tokenBias: bias } : {}),
      })) {
        if (++count >= n) break;
      }
      return count;
    };
    for (const n of sequenceCounts) {
      const sequences = Array.from({ length: n }, () => raw.getSequence());
      let start = performance.now();
      await Promise.all(
        sequences.map(async (s) => {
          await s.clearHistory();
          await s.evaluateWithoutGeneratingNewTokens(longPrompt);
        }),
      );
      const prefillS = (performance.now() - start) / 1000;
      start = performance.now();
      const produced = await Promise.all(sequences.map((s, i) => decode(s, decodeTokens, i + 1)));
      const decodeS = (performance.now() - start) / 1000;
      const total = produced.reduce((a, b) => a + b, 0);
      add(
        `prompt-tps-${n}`,
        `prompt evaluation, ${n} sequence(s)`,
        round((longPrompt.length * n) / prefillS),
        'tok/s',
        `${longPrompt.length}-token prompt per sequence, fresh sequences; ${setup}`,
      );
      add(
        `decode-tps-${n}`,
        `decode, ${n} sequence(s)`,
        round(total / decodeS),
        'tok/s',
        `${decodeTokens} tokens per sequence, aggregate; ${setup}`,
      );
      for (const s of sequences) s.dispose();
    }

    // Overhead: the same prompt, seed and token budget through LlamaChat directly vs LocalChatModel,
    // interleaved after a warm-up call each, so neither side profits from running second.
    const messages = [new SystemMessage('You are a treasury agent.'), new HumanMessage('Decide about proposal 7.')];
    const history: ChatHistoryItem[] = [
      { type: 'system', text: 'You are a treasury agent.' },
      { type: 'user', text: 'Decide about proposal 7.' },
      { type: 'model', response: [] },
    ];
    const calls = size === 'smoke' ? 3 : 40;
    const direct = raw.getSequence();
    let directTotal = 0;
    let stewardTotal = 0;
    let directTokens = 0;
    let stewardTokens = 0;
    for (let i = -1; i < calls; i++) {
      let start = performance.now();
      const chat = new LlamaChat({ contextSequence: direct, chatWrapper: steward.runtime.chatWrapper, autoDisposeSequence: false });
      await chat.generateResponse(history, {
        maxTokens: decodeTokens,
        temperature: 0.8,
        seed: i + 1,
        ...(bias ? { tokenBias: bias } : {}),
        onToken: (t: Token[]) => {
          if (i >= 0) directTokens += t.length;
        },
      });
      chat.dispose({ disposeSequence: false });
      if (i >= 0) directTotal += performance.now() - start;
      start = performance.now();
      const tokens = (await steward.complete(messages, { seed: i + 1 })).usage.completionTokens;
      if (i >= 0) {
        stewardTotal += performance.now() - start;
        stewardTokens += tokens;
      }
    }
    direct.dispose();
    add(
      'overhead-pct',
      'Steward chat model overhead vs node-llama-cpp',
      round(((stewardTotal - directTotal) / directTotal) * 100, 1),
      '%',
      `${calls} calls each, same prompt/seed/maxTokens ${decodeTokens}, interleaved; ${setup}`,
      { directMsPerCall: round(directTotal / calls, 2), stewardMsPerCall: round(stewardTotal / calls, 2), directTokens, stewardTokens },
    );

    // Prefix reuse: proposals reviewed with one agent's fixed prompt prefix.
    const proposals = size === 'smoke' ? 3 : 20;
    const system = 'You are the treasury guardian of a DAO. Rules: never exceed the policy; explain every risk. '.repeat(8);
    let promptTokens = 0;
    let cached = 0;
    for (let i = 0; i < proposals; i++) {
      const prompt = buildPrompt({
        system,
        policy: 'Max 1,000 USDC per day; no transfers to unknown addresses.',
        task: `Review proposal ${i}.`,
        untrusted: [{ label: `proposal ${i}`, text: `Pay ${i * 10} USDC to contributor ${i}.` }],
      });
      const { usage } = await steward.complete(prompt.messages, { maxTokens: 8, seed: i });
      promptTokens += usage.promptTokens;
      cached += usage.cachedPromptTokens ?? 0;
    }
    add(
      'prefix-saved-pct',
      'prompt tokens not evaluated again (prefix reuse)',
      round((cached / promptTokens) * 100, 1),
      '%',
      `${proposals} proposals through buildPrompt with one fixed system+policy prefix, pooled sequences keep their KV cache; ${setup}`,
      { promptTokens, cachedPromptTokens: cached },
    );
  } finally {
    await raw.dispose();
    await steward.close();
  }
  return figures;
}

export async function run(options: LlmBenchOptions): Promise<Figure[]> {
  const tokens = options.tokens ?? (options.size === 'smoke' ? 8 : 64);
  const figures = await measure(await ensureTestModel(), 'test-model', options.size, tokens);
  if (options.model) figures.push(...(await measure(options.model, 'given-model', options.size, tokens)));
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { model: { type: 'string' }, tokens: { type: 'string' }, smoke: { type: 'boolean' } } });
  const figures = await run({
    size: values.smoke ? 'smoke' : 'full',
    ...(values.model ? { model: values.model } : {}),
    ...(values.tokens ? { tokens: Number(values.tokens) } : {}),
  });
  for (const figure of figures)
    console.log(
      `${figure.name.padEnd(62)} ${String(figure.value).padStart(8)} ${figure.unit}   ${figure.details ? JSON.stringify(figure.details) : ''}`,
    );
}
