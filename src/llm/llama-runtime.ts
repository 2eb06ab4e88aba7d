// The process-wide llama.cpp state: ONE `Llama` (backend chosen by node-llama-cpp: CUDA, Vulkan,
// Metal, else CPU) and ONE loaded model per model file, shared by every agent naming that file.
// Each loaded model owns one context with several sequences behind a pool. Leases are counted;
// the last release frees the context and the model's memory.
import { availableParallelism } from 'node:os';
import { realpathSync } from 'node:fs';
import {
  getLlama,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatWrapper,
  type GgufFileInfo,
  type Llama,
  type LlamaContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { StewardError } from '../errors/index.js';
import { assertLoadableModelFile } from './model-file-check.js';
import { SharedPrefixes } from './shared-prefix.js';
import { SequencePool } from './sequence-pool.js';

export interface LoadOptions {
  /** Parallel sequences in the shared context (first loader decides). */
  sequences?: number;
  /** CPU threads for evaluation; default from the model size and the cores. */
  threads?: number;
  /** Context size per sequence, in tokens. */
  contextSize?: number;
  /** Flash attention: 'auto' lets llama.cpp decide; default from the model size and the backend (chooseFlashAttention). */
  flashAttention?: FlashAttentionSetting;
}

export type FlashAttentionSetting = 'auto' | 'on' | 'off';

export interface LoadedModel {
  readonly path: string;
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly pool: SequencePool;
  /** The system prompt's evaluated state, shared between the pool's sequences (shared-prefix.ts). */
  readonly prefixes: SharedPrefixes;
  readonly info: GgufFileInfo;
  readonly threads: number;
  /** What the context was created with: on, off, or llama.cpp's own choice ('auto'). */
  readonly flashAttention: FlashAttentionSetting;
  /** Resolved once: resolving a Jinja template tries every known format and costs ~1 s per call. */
  readonly chatWrapper: ChatWrapper;
}

export interface ModelLease {
  readonly loaded: LoadedModel;
  /** Gives the lease back; the last one frees the model. Safe to call twice. */
  release(): Promise<void>;
}

let llamaPromise: Promise<Llama> | undefined;
const models = new Map<string, { promise: Promise<LoadedModel>; leases: number }>();

/** The one `Llama` of this process. */
export function getSharedLlama(): Promise<Llama> {
  llamaPromise ??= getLlama({ gpu: 'auto', build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error }).catch((error: unknown) => {
    llamaPromise = undefined;
    throw new StewardError('LLM_FAILED', `llama.cpp could not start: ${(error as Error).message}`, {
      cause: error,
      hint: 'Run `steward doctor` to see the backend; reinstall with `npm ci` so node-llama-cpp brings its prebuilt binaries.',
    });
  });
  return llamaPromise;
}

const TINY_MODEL_BYTES = 64 * 2 ** 20;

/**
 * Threads for a model: tiny models are dominated by thread synchronisation, so 1 thread is
 * hundreds of times faster than oversubscribing a small machine; larger models get one thread
 * per core llama.cpp can use (never more than the machine has: oversubscription stalls decode).
 */
export function chooseThreads(modelBytes: number, mathCores: number, cores = availableParallelism()): number {
  if (modelBytes < TINY_MODEL_BYTES) return 1;
  return Math.max(1, Math.min(mathCores, cores));
}

/**
 * Flash attention for a model: off for tiny models on the CPU, else llama.cpp's choice ('auto',
 * which turns it on wherever the backend supports it, the CPU included). Measured on the generated
 * test model (2 blocks, 16-wide heads) on a 2-core x86 CPU: llama.cpp's CPU flash-attention kernel
 * decoded 3× slower at a 2,300-token context (1.80 vs 0.58 ms per token) while evaluating prompts
 * 2.6× faster (66 vs 176 ms for 2,300 tokens); a proposal review, ~1,000 prompt tokens and up to
 * 144 answer tokens, took 6.6 s for 16 with it and 4.5 s without. In a real model the weights
 * dominate each step and the kernel's cost matters less, so the size threshold is the same one
 * that picks a single thread. `model.flashAttention` in the agent file overrides it.
 */
export function chooseFlashAttention(modelBytes: number, onGpu: boolean): FlashAttentionSetting {
  return !onGpu && modelBytes < TINY_MODEL_BYTES ? 'off' : 'auto';
}

const flashAttentionOption = (setting: FlashAttentionSetting): boolean | 'auto' => (setting === 'auto' ? 'auto' : setting === 'on');

async function load(path: string, options: LoadOptions): Promise<LoadedModel> {
  const info = await assertLoadableModelFile(path);
  const llama = await getSharedLlama();
  let model: LlamaModel;
  try {
    // gpuLayers 'auto' (the default) lets node-llama-cpp offload what fits in free VRAM.
    model = await llama.loadModel({ modelPath: path });
  } catch (error) {
    throw new StewardError('LLM_FAILED', `llama.cpp could not load ${path}: ${(error as Error).message}`, {
      context: { path },
      cause: error,
      hint: 'Check free memory (`steward doctor`), or use a smaller quantization of the model.',
    });
  }
  const threads = options.threads ?? chooseThreads(model.size, llama.cpuMathCores);
  const sequences = options.sequences ?? 4;
  const flashAttention = options.flashAttention ?? chooseFlashAttention(model.size, model.gpuLayers > 0);
  try {
    const context = await model.createContext({
      sequences,
      threads,
      flashAttention: flashAttentionOption(flashAttention),
      contextSize: options.contextSize ?? { min: 256, max: Math.min(4096, model.trainContextSize) },
    });
    const pool = new SequencePool(Array.from({ length: sequences }, () => context.getSequence()));
    return {
      path,
      llama,
      model,
      context,
      pool,
      prefixes: new SharedPrefixes(),
      info,
      threads,
      flashAttention,
      chatWrapper: resolveChatWrapper(model),
    };
  } catch (error) {
    await model.dispose();
    throw new StewardError('LLM_FAILED', `llama.cpp could not create a context for ${path}: ${(error as Error).message}`, {
      context: { path, sequences, threads, flashAttention },
      cause: error,
      hint: 'Lower model.contextSize or model.sequences in the agent file, or free memory.',
    });
  }
}

/** Loads `path` once per process (concurrent callers share the load) and leases it. */
export async function acquireModel(path: string, options: LoadOptions = {}): Promise<ModelLease> {
  let key: string;
  try {
    key = realpathSync(path);
  } catch (error) {
    throw new StewardError('MODEL_FILE_INVALID', `model file ${path} does not exist`, {
      context: { path },
      cause: error,
      hint: 'Check the model path.',
    });
  }
  let entry = models.get(key);
  if (!entry) {
    entry = { promise: load(key, options), leases: 0 };
    models.set(key, entry);
    entry.promise.catch(() => models.delete(key));
  }
  entry.leases++;
  const held = entry;
  let loaded: LoadedModel;
  try {
    loaded = await held.promise;
  } catch (error) {
    held.leases--;
    throw error;
  }
  let released = false;
  return {
    loaded,
    async release() {
      if (released) return;
      released = true;
      held.leases--;
      if (held.leases > 0 || models.get(key) !== held) return;
      models.delete(key);
      loaded.pool.close();
      loaded.prefixes.close();
      await loaded.context.dispose();
      await loaded.model.dispose();
    },
  };
}

/** Files currently loaded, with their lease counts (doctor and tests). */
export function loadedModels(): Array<{ path: string; leases: number }> {
  return [...models.entries()].map(([path, entry]) => ({ path, leases: entry.leases }));
}
