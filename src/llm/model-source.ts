// Where a model comes from: a GGUF path, or a URI (`hf:owner/repo/file.gguf`, `hf:owner/repo:Q4_K_M`,
// an https URL) pulled into the models folder. Resolution of an already-pulled URI needs no
// network; pulling shows progress and resumes partial downloads (node-llama-cpp's downloader).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveModelFile } from 'node-llama-cpp';
import { StewardError } from '../errors/index.js';

export type ModelSource = { kind: 'file'; path: string } | { kind: 'uri'; uri: string };

/** Anything with a scheme (`hf:`, `https:`) is a URI; everything else is a file path. */
export function parseModelSource(reference: string): ModelSource {
  const text = reference.trim();
  if (text === '') {
    throw new StewardError('OPTION_INVALID', 'empty model reference', {
      hint: 'Give a .gguf path or an hf: URI like hf:OWNER/REPO/FILE.gguf.',
    });
  }
  if (/^(hf|huggingface):/i.test(text) || /^https?:\/\//i.test(text)) return { kind: 'uri', uri: text };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new StewardError('OPTION_INVALID', `unsupported model URI scheme in "${text}"`, {
      hint: 'Use a file path, an hf: URI (hf:OWNER/REPO/FILE.gguf or hf:OWNER/REPO:QUANT) or an https URL.',
    });
  }
  return { kind: 'file', path: resolve(text) };
}

export interface ResolveModelOptions {
  modelsDir: string;
  /** false: only find what is already in the models folder (offline). */
  download?: boolean;
  onProgress?: (progress: { totalSize: number; downloadedSize: number }) => void;
  signal?: AbortSignal;
}

/** The local file path for a model reference, pulling URIs first when `download` is true. */
export async function resolveModelPath(reference: string, options: ResolveModelOptions): Promise<string> {
  const source = parseModelSource(reference);
  if (source.kind === 'file') {
    if (!existsSync(source.path)) {
      throw new StewardError('MODEL_FILE_INVALID', `model file ${source.path} does not exist`, {
        context: { path: source.path },
        hint: 'Check the path in model.local or STEWARD_MODEL, or pull a model with `steward model pull hf:OWNER/REPO/FILE.gguf`.',
      });
    }
    return source.path;
  }
  const directory = resolve(options.modelsDir);
  try {
    return await resolveModelFile(source.uri, {
      directory,
      download: options.download === false ? false : 'auto',
      cli: false,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    const offline = options.download === false;
    throw new StewardError(
      offline ? 'MODEL_FILE_INVALID' : 'LLM_FAILED',
      `could not resolve model ${source.uri}${offline ? ` in ${directory}` : ''}: ${(error as Error).message}`,
      {
        context: { uri: source.uri, modelsDir: directory },
        cause: error,
        hint: offline
          ? `Pull it first: steward model pull ${source.uri}`
          : 'Check the URI (hf:OWNER/REPO/FILE.gguf), your network, and HF_TOKEN for gated models; an interrupted pull resumes when run again.',
      },
    );
  }
}
