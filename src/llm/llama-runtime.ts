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
}

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
  try {
    const context = await model.createContext({
      sequences,
      threads,
      contextSize: options.contextSize ?? { min: 256, max: Math.min(4096, model.trainContextSize) },
    });
    const pool = new SequencePool(Array.from({ length: sequences }, () => context.getSequence()));
    return { path, llama, model, context, pool, prefixes: new SharedPrefixes(), info, threads, chatWrapper: resolveChatWrapper(model) };
  } catch (error) {
    await model.dispose();
    throw new StewardError('LLM_FAILED', `llama.cpp could not create a context for ${path}: ${(error as Error).message}`, {
      context: { path, sequences, threads },
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
