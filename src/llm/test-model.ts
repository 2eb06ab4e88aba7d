// The generated test model on disk: written once per seed into a cache folder (never committed),
// atomically, so parallel test workers and the demo can all ask for it at the same time.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeTinyLlama, type TinyLlamaOptions } from './gguf/tiny-llama.js';

/** Bump when the generator changes, so stale cached files are never reused. */
const GENERATOR_VERSION = 1;

export const defaultTestModelDir = (): string => join(tmpdir(), 'steward-test-models');

export interface EnsureTestModelOptions {
  /** Cache folder; defaults to `<tmpdir>/steward-test-models`. */
  dir?: string;
  seed?: number;
}

/** Returns the path of the test model for `seed`, generating it when missing. */
export async function ensureTestModel(options: EnsureTestModelOptions = {}): Promise<string> {
  const seed = options.seed ?? 42;
  const dir = resolve(options.dir ?? defaultTestModelDir());
  const path = join(dir, `steward-test-v${GENERATOR_VERSION}-seed${seed}.gguf`);
  if (existsSync(path)) return path;
  writeTestModel(path, { seed });
  return path;
}

/** Writes a test model to `path`, streamed (temp file + rename, so readers never see half a file). */
export function writeTestModel(path: string, options: TinyLlamaOptions = {}): number {
  const target = resolve(path);
  mkdirSync(resolve(target, '..'), { recursive: true });
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  const bytes = writeTinyLlama(temp, options);
  renameSync(temp, target);
  return bytes;
}
