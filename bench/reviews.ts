// Figures 4 and 5 — proposal reviews with one local model: 16 open proposals (the demo realm's
// 5 plus 11 injected copies) reviewed by reviewRealm one by one (concurrency 1) and then with
// several context sequences of the same model (concurrency = sequences), same token cap; and the
// prompt tokens each review after the first really evaluates, against the tokens its prompt
// does not share with the previous review's (the system rules are a shared prefix that a
// sequence keeps evaluated between calls).
import { commonPrefixLength, toChatHistory } from '../src/llm/chat-history.js';
import { PublicKey } from '@solana/web3.js';
import type { BaseMessage } from '@langchain/core/messages';
import type { Token } from 'node-llama-cpp';
import { createConnection } from '../src/chain/index.js';
import { DEMO, DEMO_PROPOSALS, GOVERNANCE_PROGRAM_ID, startDemoChain } from '../src/demo/index.js';
import { indexTreasury, reviewRealm, treasuryContextFromSnapshot } from '../src/governance/index.js';
import { ensureTestModel, LocalChatModel, type Completion, type StructuredRequest } from '../src/llm/index.js';
import { loadConfig } from '../src/config/index.js';
import { getTreasurySnapshot } from '../src/treasury/index.js';
import { injectProposals } from './fixtures.js';
import { atLeast, atMost, modelLabel, round, type BenchOptions, type Figure } from './lib.js';

const PARALLEL = '4. Parallel reviews';
const PREFIX = '5. Prefix reuse';
const SEQUENCES = 4;

interface Call {
  messages: readonly BaseMessage[];
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
}

export async function run(options: BenchOptions): Promise<Figure[]> {
  const figures = await measure(await ensureTestModel(), true, options);
  if (options.model) figures.push(...(await measure(options.model, false, options)));
  return figures;
}

async function measure(path: string, generated: boolean, options: BenchOptions): Promise<Figure[]> {
  const smoke = options.size === 'smoke';
  const count = smoke ? DEMO_PROPOSALS.length : 16;
  const maxTokens = smoke ? 8 : 48;
  const config = loadConfig(process.cwd());
  const reviewer = config.agents.find(({ config: agent }) => agent.tasks.includes('proposals'))?.config;
  const policy = config.policies.find(({ config: p }) => p.name === reviewer?.policy)?.config;
  if (!reviewer || !policy) throw new Error('no proposal reviewer (and its policy) under agents/');

  const demo = await startDemoChain({ oracleIntervalMs: 1_000 });
  const model = await LocalChatModel.open({ path, sequences: SEQUENCES, maxTokens, temperature: 0.8, seed: 5 });
  try {
    injectProposals(demo.running.chain, Math.max(0, count - DEMO_PROPOSALS.length));
    const connection = createConnection(demo.running.url, { wsUrl: demo.running.wsUrl });
    const snapshot = await getTreasurySnapshot(connection, { owners: reviewer.treasury.owners, tokens: policy.tokens, oracle: policy.oracle, now: new Date() });
    const treasury = indexTreasury(treasuryContextFromSnapshot(snapshot));
    const calls: Call[] = [];
    const recording = {
      async generateStructured(request: StructuredRequest): Promise<Completion> {
        const completion = await model.generateStructured(request);
        calls.push({ messages: [...request.messages], promptTokens: completion.usage.promptTokens, cachedPromptTokens: completion.usage.cachedPromptTokens ?? 0, completionTokens: completion.usage.completionTokens });
        return completion;
      },
    };
    const review = async (concurrency: number) => {
      calls.length = 0;
      const started = performance.now();
      const result = await reviewRealm(connection, {
        programId: new PublicKey(reviewer.treasury.governanceProgram ?? GOVERNANCE_PROGRAM_ID),
        realm: new PublicKey(reviewer.treasury.realm ?? DEMO.realm),
        treasury,
        now: Math.floor(Date.now() / 1000),
        model: recording,
        force: true,
        maxTokens,
        concurrency,
      });
      const ms = performance.now() - started;
      const reviewed = result.outcomes.filter((o) => o.status === 'reviewed').length;
      if (reviewed !== count) throw new Error(`expected ${count} reviews, got ${reviewed}`);
      return { ms, calls: [...calls] };
    };

    if (!smoke) await review(SEQUENCES); // warm-up: grammar, chat template, page cache
    const sequential = await review(1);
    const parallel = await review(SEQUENCES);
    const ratio = sequential.ms / parallel.ms;
    const answered = (calls: readonly Call[]) => calls.reduce((n, c) => n + c.completionTokens, 0);

    // Prefix reuse in the one-by-one pass: one sequence serves every call in turn.
    const { model: llamaModel, chatWrapper } = model.runtime;
    const tokens = (messages: readonly BaseMessage[]) => chatWrapper.generateContextState({ chatHistory: toChatHistory(messages) }).contextText.tokenize(llamaModel.tokenizer);
    let evaluated = 0;
    let unique = 0;
    let total = 0;
    let previous: Token[] | null = null;
    // A review's first attempt (the prompt alone); retries after an invalid answer extend the same
    // conversation (decide's feedback turn) and would flatter the cache.
    const base = Math.min(...sequential.calls.map((call) => call.messages.length));
    const firsts = sequential.calls.filter((call) => call.messages.length === base);
    for (const call of firsts) {
      const current = tokens(call.messages);
      if (previous) {
        evaluated += call.promptTokens - call.cachedPromptTokens;
        unique += current.length - commonPrefixLength(previous, current);
        total += call.promptTokens;
      }
      previous = current;
    }
    const prefixRatio = unique > 0 ? evaluated / unique : Number.NaN;
    const later = Math.max(1, firsts.length - 1);
    const label = modelLabel(path, generated);
    const suffix = generated ? '' : '.given';
    return [
      {
        id: `reviews.parallel-speedup${suffix}`,
        group: PARALLEL,
        name: `${count} reviews, ${SEQUENCES} sequences of one model vs one by one (${label})`,
        value: round(ratio, 2),
        unit: '× throughput',
        target: '≥ 1.5× CPU, ≥ 3× GPU',
        met: atLeast(ratio, 1.5),
        method: `reviewRealm (decode, flags, simulation over the in-process embedded chain, model review capped at ${maxTokens} tokens) with concurrency ${SEQUENCES} vs concurrency 1, after one warm-up pass: ${round(sequential.ms / 1000, 2)} s one by one, ${round(parallel.ms / 1000, 2)} s in parallel (${round((count / parallel.ms) * 1000, 2)} vs ${round((count / sequential.ms) * 1000, 2)} reviews/s; ${answered(parallel.calls)} vs ${answered(sequential.calls)} answer tokens)`,
      },
      {
        id: `reviews.prefix-evaluated-vs-unique${suffix}`,
        group: PREFIX,
        name: `prompt tokens evaluated per review after the first ÷ its unique tokens (${label})`,
        value: round(prefixRatio, 3),
        unit: '×',
        target: '≤ 1.1×',
        met: atMost(prefixRatio, 1.1),
        method: `one-by-one pass, first attempts of reviews 2..${firsts.length} (${sequential.calls.length - firsts.length} retry calls after invalid answers not counted): evaluated = promptTokens − cachedPromptTokens from GenerationUsage (${round(evaluated / later, 1)}/review); unique = prompt tokens (chat template applied, model tokenizer) after the common prefix with the previous review's prompt (${round(unique / later, 1)}/review) of ${round(total / later, 1)} prompt tokens/review`,
      },
    ];
  } finally {
    await model.close();
    await demo.close();
  }
}
