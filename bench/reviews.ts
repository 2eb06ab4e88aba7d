// Figures 4 and 5 — proposal reviews with one local model: 16 open proposals (the demo realm's
// 5 plus 11 injected copies) reviewed by reviewRealm one by one (concurrency 1) and then with
// 2, 4 and 8 context sequences of the same model (concurrency = sequences), same token cap, all
// in one run so every ratio compares passes taken under the same load; and the prompt tokens each
// review after the first really evaluates, against the tokens its prompt does not share with the
// previous review's (the system rules are a shared prefix that a sequence keeps evaluated).
// Each pass starts with every sequence cleared.
//
// `measureParallelReviews` is importable (the GPU script runs it with its own model and counts).
import { commonPrefixLength, toChatHistory } from '../src/llm/chat-history.js';
import { loadavg } from 'node:os';
import { PublicKey } from '@solana/web3.js';
import type { BaseMessage } from '@langchain/core/messages';
import type { Token } from 'node-llama-cpp';
import { createConnection } from '../src/chain/index.js';
import { DEMO, DEMO_PROPOSALS, GOVERNANCE_PROGRAM_ID, startDemoChain } from '../src/demo/index.js';
import { indexTreasury, reviewRealm, treasuryContextFromView } from '../src/governance/index.js';
import { ensureTestModel, LocalChatModel, type Completion, type StructuredRequest } from '../src/llm/index.js';
import { loadConfig } from '../src/config/index.js';
import { buildTreasuryView, getTreasurySnapshot } from '../src/treasury/index.js';
import { injectProposals } from './fixtures.js';
import { atLeast, atMost, modelLabel, round, type BenchOptions, type Figure } from './lib.js';

const PARALLEL = '4. Parallel reviews';
const PREFIX = '5. Prefix reuse';
/** The headline comparison: 16 reviews with 4 sequences vs one by one. */
const HEADLINE_SEQUENCES = 4;

interface Call {
  messages: readonly BaseMessage[];
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  prefillMs: number;
  decodeMs: number;
}

export interface ReviewPass {
  sequences: number;
  ms: number;
  /** CPU time of this process (llama.cpp threads included) during the pass. */
  cpuMs: number;
  /** 1-minute load average when the pass started and ended. */
  load: [number, number];
  calls: Call[];
}

export interface ParallelReviewsOptions {
  /** GGUF file; the generated test model when absent. */
  path?: string;
  /** Whether `path` is a generated (random-weight) model: labels the figures; default: no path given. */
  generated?: boolean;
  /** Sequence counts to compare with one by one (1 is always measured, first and last). */
  sequences?: readonly number[];
  /** Proposals reviewed per pass (the demo's 5 plus injected copies). */
  count?: number;
  maxTokens?: number;
  /** Skip the warm-up review (grammar, chat template, page cache) and the closing one-by-one pass (smoke size). */
  noWarmUp?: boolean;
  /** Label in figure names; the file name (or "generated test model") when absent. */
  label?: string;
  /** Suffix of figure ids (".given" for a --model). */
  idSuffix?: string;
}

export async function run(options: BenchOptions): Promise<Figure[]> {
  const smoke = options.size === 'smoke';
  const common = smoke ? { sequences: [2], count: DEMO_PROPOSALS.length, maxTokens: 8, noWarmUp: true } : {};
  const figures = await measureParallelReviews(common);
  if (options.model) figures.push(...(await measureParallelReviews({ ...common, path: options.model, idSuffix: '.given' })));
  return figures;
}

/** Figures 4 and 5 for one model file with one parallel pass of `sequences` (the GPU script's entry). */
export function measure(path: string, generated: boolean, options: BenchOptions, sequences = HEADLINE_SEQUENCES): Promise<Figure[]> {
  const smoke = options.size === 'smoke';
  return measureParallelReviews({
    path,
    generated,
    sequences: [sequences],
    ...(generated ? {} : { idSuffix: '.given' }),
    ...(smoke ? { count: DEMO_PROPOSALS.length, maxTokens: 8, noWarmUp: true } : {}),
  });
}

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export async function measureParallelReviews(options: ParallelReviewsOptions = {}): Promise<Figure[]> {
  const path = options.path ?? (await ensureTestModel());
  const generated = options.generated ?? options.path === undefined;
  const sequenceCounts = [...new Set(options.sequences ?? [2, 4, 8])].filter((n) => n > 1).sort((a, b) => a - b);
  const count = options.count ?? 16;
  const maxTokens = options.maxTokens ?? 48;
  const config = loadConfig(process.cwd());
  const reviewer = config.agents.find(({ config: agent }) => agent.tasks.includes('proposals'))?.config;
  const policy = config.policies.find(({ config: p }) => p.name === reviewer?.policy)?.config;
  if (!reviewer || !policy) throw new Error('no proposal reviewer (and its policy) under agents/');

  const demo = await startDemoChain({ oracleIntervalMs: 1_000 });
  // One context with as many sequences as the largest pass uses; a pass with fewer leaves the rest idle.
  const model = await LocalChatModel.open({ path, sequences: Math.max(1, ...sequenceCounts), maxTokens, temperature: 0.8, seed: 5 });
  try {
    injectProposals(demo.running.chain, Math.max(0, count - DEMO_PROPOSALS.length));
    const connection = createConnection(demo.running.url, { wsUrl: demo.running.wsUrl });
    const snapshot = await getTreasurySnapshot(connection, {
      owners: reviewer.treasury.owners,
      tokens: policy.tokens,
      oracle: policy.oracle,
      now: new Date(),
    });
    const treasury = indexTreasury(treasuryContextFromView(buildTreasuryView(snapshot)));
    const calls: Call[] = [];
    const recording = {
      async generateStructured(request: StructuredRequest): Promise<Completion> {
        const completion = await model.generateStructured(request);
        calls.push({
          messages: [...request.messages],
          promptTokens: completion.usage.promptTokens,
          cachedPromptTokens: completion.usage.cachedPromptTokens ?? 0,
          completionTokens: completion.usage.completionTokens,
          prefillMs: completion.usage.prefillMs ?? 0,
          decodeMs: completion.usage.decodeMs ?? 0,
        });
        return completion;
      },
    };
    const params = {
      programId: new PublicKey(reviewer.treasury.governanceProgram ?? GOVERNANCE_PROGRAM_ID),
      realm: new PublicKey(reviewer.treasury.realm ?? DEMO.realm),
      treasury,
      now: Math.floor(Date.now() / 1000),
      model: recording,
      force: true,
      maxTokens,
    };
    // Every pass starts from empty sequences: the same proposals are reviewed in every pass, and
    // the pool sends a prompt to the sequence holding its longest prefix, so a pass would
    // otherwise find the previous pass's conversations still evaluated.
    const { pool } = model.runtime;
    const clearSequences = () => Promise.all(Array.from({ length: pool.size }, () => pool.use((sequence) => sequence.clearHistory())));
    const review = async (sequences: number): Promise<ReviewPass> => {
      await clearSequences();
      calls.length = 0;
      const load = loadavg()[0] ?? 0;
      const cpu = cpuMs();
      const started = performance.now();
      const result = await reviewRealm(connection, { ...params, concurrency: sequences });
      const ms = performance.now() - started;
      const reviewed = result.outcomes.filter((o) => o.status === 'reviewed').length;
      if (reviewed !== count) throw new Error(`expected ${count} reviews, got ${reviewed}`);
      return { sequences, ms, cpuMs: cpuMs() - cpu, load: [round(load), round(loadavg()[0] ?? 0)], calls: [...calls] };
    };

    if (!options.noWarmUp) {
      // Warm-up: grammar, chat template, page cache (one review per sequence).
      await reviewRealm(connection, { ...params, concurrency: Math.max(1, ...sequenceCounts) });
    }
    // One by one first and last, so a load that changes during the run shows as a gap between the two.
    const first = await review(1);
    const passes = [];
    for (const sequences of sequenceCounts) passes.push(await review(sequences));
    const last = sequenceCounts.length > 0 && !options.noWarmUp ? await review(1) : first;
    const serialMs = (first.ms + last.ms) / 2;
    const label = options.label ?? modelLabel(path, generated);
    const suffix = options.idSuffix ?? '';
    const answered = (list: readonly Call[]) => list.reduce((n, c) => n + c.completionTokens, 0);
    const evaluated = (list: readonly Call[]) => list.reduce((n, c) => n + c.promptTokens - c.cachedPromptTokens, 0);
    // One by one, the calls do not overlap: their prefill and decode times add up to the model's
    // share of the pass, the part parallel sequences could share (decode) and the part they cannot
    // on one thread (prompt evaluation).
    const split = (pass: ReviewPass) => {
      if (pass.sequences !== 1) return '';
      const sum = (pick: (c: Call) => number) => round(pass.calls.reduce((n, c) => n + pick(c), 0) / 1000, 2);
      return ` (prefill ${sum((c) => c.prefillMs)} s, decode ${sum((c) => c.decodeMs)} s)`;
    };
    const describe = (pass: ReviewPass) =>
      `${pass.sequences} seq: ${round(pass.ms / 1000, 2)} s wall${split(pass)}, ${round(pass.cpuMs / 1000, 2)} CPU-s, ${evaluated(pass.calls)} prompt tokens evaluated, ${answered(pass.calls)} answer tokens in ${pass.calls.length} calls, load ${pass.load[0]}→${pass.load[1]}`;
    const figures: Figure[] = passes.map((pass) => {
      const ratio = serialMs / pass.ms;
      const headline = pass.sequences === HEADLINE_SEQUENCES;
      return {
        id: `reviews.parallel-speedup-${pass.sequences}${suffix}`,
        group: PARALLEL,
        name: `${count} reviews, ${pass.sequences} sequences of one model vs one by one (${label})`,
        value: round(ratio, 2),
        unit: '× throughput',
        ...(headline ? { target: '≥ 1.5× CPU, ≥ 3× GPU', met: atLeast(ratio, 1.5) } : {}),
        load: { before: pass.load[0], after: pass.load[1] },
        method: `reviewRealm (decode, flags, simulation over the in-process embedded chain, model review capped at ${maxTokens} tokens) with concurrency ${pass.sequences} vs concurrency 1, one context of ${Math.max(1, ...sequenceCounts)} sequences (threads ${model.runtime.threads}, flash attention ${model.runtime.flashAttention}), passes in one run after a warm-up; one by one = mean of the first and last pass. ${describe(first)}; ${describe(pass)}; ${describe(last)}. CPU-s per review: ${round(pass.cpuMs / count / 1000, 3)} vs ${round((first.cpuMs + last.cpuMs) / 2 / count / 1000, 3)} one by one`,
        details: {
          serialMs: [round(first.ms), round(last.ms)],
          parallelMs: round(pass.ms),
          cpuMs: { serial: [round(first.cpuMs), round(last.cpuMs)], parallel: round(pass.cpuMs) },
          reviewsPerSecond: round((count / pass.ms) * 1000, 3),
          promptTokensEvaluated: evaluated(pass.calls),
          answerTokens: answered(pass.calls),
          calls: pass.calls.length,
        },
      };
    });

    // Prefix reuse in the first one-by-one pass: one sequence serves every call in turn.
    const { model: llamaModel, chatWrapper } = model.runtime;
    const tokens = (messages: readonly BaseMessage[]) =>
      chatWrapper.generateContextState({ chatHistory: toChatHistory(messages) }).contextText.tokenize(llamaModel.tokenizer);
    let evaluatedTokens = 0;
    let unique = 0;
    let total = 0;
    let previous: Token[] | null = null;
    // A review's first attempt (the prompt alone); retries after an invalid answer extend the same
    // conversation (decide's feedback turn) and would flatter the cache.
    const base = Math.min(...first.calls.map((call) => call.messages.length));
    const firsts = first.calls.filter((call) => call.messages.length === base);
    for (const call of firsts) {
      const current = tokens(call.messages);
      if (previous) {
        evaluatedTokens += call.promptTokens - call.cachedPromptTokens;
        unique += current.length - commonPrefixLength(previous, current);
        total += call.promptTokens;
      }
      previous = current;
    }
    const prefixRatio = unique > 0 ? evaluatedTokens / unique : Number.NaN;
    const later = Math.max(1, firsts.length - 1);
    figures.push({
      id: `reviews.prefix-evaluated-vs-unique${suffix}`,
      group: PREFIX,
      name: `prompt tokens evaluated per review after the first ÷ its unique tokens (${label})`,
      value: round(prefixRatio, 3),
      unit: '×',
      target: '≤ 1.1×',
      met: atMost(prefixRatio, 1.1),
      load: { before: first.load[0], after: first.load[1] },
      method: `one-by-one pass, first attempts of reviews 2..${firsts.length} (${first.calls.length - firsts.length} retry calls after invalid answers not counted): evaluated = promptTokens − cachedPromptTokens from GenerationUsage (${round(evaluatedTokens / later, 1)}/review); unique = prompt tokens (chat template applied, model tokenizer) after the common prefix with the previous review's prompt (${round(unique / later, 1)}/review) of ${round(total / later, 1)} prompt tokens/review`,
    });
    return figures;
  } finally {
    await model.close();
    await demo.close();
  }
}
