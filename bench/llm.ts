// LLM figures: prompt and decode tokens/s (1 and 4 sequences), the overhead of Steward's chat
// model over calling node-llama-cpp directly for the same tokens, and the prompt tokens saved
// by reusing a sequence's evaluated prefix. Speed targets live here, not in timed tests.
//   node --import tsx bench/llm.ts [--model FILE] [--tokens N]
import { parseArgs } from 'node:util';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { LlamaChat, type ChatHistoryItem, type LlamaContextSequence, type Token } from 'node-llama-cpp';
import { buildPrompt, ensureTestModel, LocalChatModel } from '../src/llm/index.js';

const { values } = parseArgs({ options: { model: { type: 'string' }, tokens: { type: 'string', default: '64' } } });
const path = values.model ?? (await ensureTestModel());
const decodeTokens = Number(values.tokens);

const steward = await LocalChatModel.open({ path, sequences: 4, maxTokens: decodeTokens, temperature: 0.8 });
const { model, context, threads } = steward.runtime;
const bias = steward.tokenBiasForTests;
console.log(`model ${path} (${(model.size / 2 ** 20).toFixed(1)} MiB), threads ${threads}, gpu ${steward.runtime.llama.gpu || 'none'}, gpu layers ${model.gpuLayers}`);

// A separate context for raw measurements, so the pool's sequences keep their history.
const raw = await model.createContext({ sequences: 4, threads, contextSize: 2048 });
const longPrompt = model.tokenize('The treasury holds USDC, SOL and JUP across several accounts. '.repeat(12), true);

async function decode(sequence: LlamaContextSequence, n: number, seed: number): Promise<number> {
  await sequence.clearHistory();
  let count = 0;
  for await (const _token of sequence.evaluate(model.tokenize('Hello', true), { temperature: 0.8, seed, ...(bias ? { tokenBias: bias } : {}) })) {
    if (++count >= n) break;
  }
  return count;
}

for (const n of [1, 4]) {
  const sequences = Array.from({ length: n }, () => raw.getSequence());
  let start = performance.now();
  await Promise.all(sequences.map(async (s) => {
    await s.clearHistory();
    await s.evaluateWithoutGeneratingNewTokens(longPrompt);
  }));
  const prefillS = (performance.now() - start) / 1000;
  start = performance.now();
  const produced = await Promise.all(sequences.map((s, i) => decode(s, decodeTokens, i + 1)));
  const decodeS = (performance.now() - start) / 1000;
  const total = produced.reduce((a, b) => a + b, 0);
  console.log(`${n} sequence(s): prompt ${((longPrompt.length * n) / prefillS).toFixed(0)} tok/s, decode ${(total / decodeS).toFixed(0)} tok/s aggregate`);
  for (const s of sequences) s.dispose();
}

// Overhead: the same prompt, seed and token budget through LlamaChat directly vs LocalChatModel.
const messages = [new SystemMessage('You are a treasury agent.'), new HumanMessage('Decide about proposal 7.')];
const history: ChatHistoryItem[] = [{ type: 'system', text: 'You are a treasury agent.' }, { type: 'user', text: 'Decide about proposal 7.' }, { type: 'model', response: [] }];
const calls = 40;
const direct = raw.getSequence();
let directTokens = 0;
let stewardTokens = 0;
let directTotal = 0;
let stewardTotal = 0;
// Interleaved, after a warm-up call each, so neither side profits from running second.
for (let i = -1; i < calls; i++) {
  let start = performance.now();
  const chat = new LlamaChat({ contextSequence: direct, chatWrapper: steward.runtime.chatWrapper, autoDisposeSequence: false });
  await chat.generateResponse(history, { maxTokens: decodeTokens, temperature: 0.8, seed: i, ...(bias ? { tokenBias: bias } : {}), onToken: (t: Token[]) => { if (i >= 0) directTokens += t.length; } });
  chat.dispose({ disposeSequence: false });
  if (i >= 0) directTotal += performance.now() - start;
  start = performance.now();
  const tokens = (await steward.complete(messages, { seed: i })).usage.completionTokens;
  if (i >= 0) {
    stewardTotal += performance.now() - start;
    stewardTokens += tokens;
  }
}
const directMs = directTotal / calls;
const stewardMs = stewardTotal / calls;
console.log(`overhead: node-llama-cpp ${directMs.toFixed(2)} ms/call (${directTokens / calls} tok), Steward chat model ${stewardMs.toFixed(2)} ms/call (${stewardTokens / calls} tok): ${(((stewardMs - directMs) / directMs) * 100).toFixed(1)}%`);

// Prefix reuse: 20 proposals reviewed with one agent's fixed prompt prefix.
const system = 'You are the treasury guardian of a DAO. Rules: never exceed the policy; explain every risk. '.repeat(8);
let promptTokens = 0;
let cached = 0;
for (let i = 0; i < 20; i++) {
  const prompt = buildPrompt({ system, policy: 'Max 1,000 USDC per day; no transfers to unknown addresses.', task: `Review proposal ${i}.`, untrusted: [{ label: `proposal ${i}`, text: `Pay ${i * 10} USDC to contributor ${i}.` }] });
  const { usage } = await steward.complete(prompt.messages, { maxTokens: 8, seed: i });
  promptTokens += usage.promptTokens;
  cached += usage.cachedPromptTokens ?? 0;
}
console.log(`prefix reuse: ${cached} of ${promptTokens} prompt tokens not evaluated again over 20 proposals (${((cached / promptTokens) * 100).toFixed(0)}% saved)`);

direct.dispose();
await raw.dispose();
await steward.close();
