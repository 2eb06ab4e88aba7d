// `steward model pull|info|make-test`: model files. `pull` brings an hf: URI or URL into the
// models folder with a progress bar (an interrupted pull resumes), `info` reads a GGUF header
// (local file, or a URI without downloading it), `make-test` writes the tiny random test model.
import { basename, resolve } from 'node:path';
import { statSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import { StewardError } from '../../errors/index.js';
import { missingRequiredKeys, parseModelSource, readModelHeader, resolveModelPath, writeTestModel } from '../../llm/index.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

function describeHeader(info: GgufFileInfo, source: string, sizeBytes: number | undefined): string[] {
  const metadata = info.metadata as unknown as {
    general?: { architecture?: string; name?: string; file_type?: number };
    tokenizer?: { chat_template?: string; ggml?: { model?: string; tokens?: readonly string[] } };
  } & Record<string, { context_length?: number; block_count?: number; embedding_length?: number } | undefined>;
  const architecture = metadata.general?.architecture ?? '(missing)';
  const arch = metadata[architecture];
  const fileType = metadata.general?.file_type;
  const template = metadata.tokenizer?.chat_template;
  const missing = missingRequiredKeys(info);
  return [
    `model          ${source}`,
    `name           ${metadata.general?.name ?? '(none)'}`,
    `architecture   ${architecture}`,
    `size           ${sizeBytes === undefined ? 'unknown' : `${(sizeBytes / 2 ** 20).toFixed(1)} MiB`}`,
    `file type      ${fileType === undefined ? 'unknown' : `${fileType} (${fileTypeName(fileType)})`}`,
    `context length ${arch?.context_length ?? 'unknown'}`,
    `layers         ${arch?.block_count ?? 'unknown'} × ${arch?.embedding_length ?? '?'} wide`,
    `vocabulary     ${metadata.tokenizer?.ggml?.tokens?.length ?? 'unknown'} tokens (${metadata.tokenizer?.ggml?.model ?? 'unknown'} tokenizer)`,
    `chat template  ${template ? `${template.length} characters: ${JSON.stringify(template.slice(0, 80))}${template.length > 80 ? '…' : ''}` : '(none; a chat format will be guessed)'}`,
    `loadable       ${missing.length === 0 ? 'yes' : `NO, missing ${missing.join(', ')}`}`,
  ];
}

// llama.cpp's llama_ftype numbering for the common cases.
const FILE_TYPES: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  32: 'BF16',
};
function fileTypeName(value: number): string {
  return FILE_TYPES[value] ?? 'other';
}

export function registerModel(program: Command, io: CliIo): void {
  const model = program.command('model').description(SUMMARY['model']);

  model
    .command('pull <uri>')
    .description('download an hf: URI (hf:OWNER/REPO/FILE.gguf or hf:OWNER/REPO:QUANT) or URL into the models folder; resumes')
    .action(async (uri: string, _options: unknown, command: Command) => {
      const ctx = createContext(command, io);
      if (parseModelSource(uri).kind !== 'uri') {
        throw new StewardError('OPTION_INVALID', `${uri} is a file path, not a URI to pull`, {
          hint: 'Use `steward model info FILE` for local files.',
        });
      }
      const bar = new cliProgress.SingleBar(
        { format: 'pull [{bar}] {percentage}% {value}/{total} MiB', hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      try {
        const path = await resolveModelPath(uri, {
          modelsDir: ctx.settings.modelsDir,
          onProgress: ({ totalSize, downloadedSize }) => {
            const total = Math.max(1, Math.round(totalSize / 2 ** 20));
            if (!started) {
              bar.start(total, 0);
              started = true;
            }
            bar.setTotal(total);
            bar.update(Math.round(downloadedSize / 2 ** 20));
          },
        });
        if (started) bar.stop();
        io.stdout(`pulled ${uri} -> ${path}`);
      } finally {
        if (started) bar.stop();
      }
    });

  model
    .command('info <fileOrUri>')
    .description('architecture, size, quantization, context length and chat template of a GGUF file or URI')
    .action(async (reference: string, _options: unknown, command: Command) => {
      createContext(command, io);
      const source = parseModelSource(reference);
      if (source.kind === 'file') {
        const info = await readModelHeader(source.path);
        io.stdout(describeHeader(info, source.path, statSync(source.path).size).join('\n'));
        return;
      }
      try {
        const info = await readGgufFileInfo(source.uri, { sourceType: 'network', readTensorInfo: false, logWarnings: false });
        io.stdout(describeHeader(info, source.uri, undefined).join('\n'));
      } catch (error) {
        throw new StewardError('LLM_FAILED', `could not read the header of ${source.uri}: ${(error as Error).message}`, {
          cause: error,
          hint: 'Check the URI and your network (HF_TOKEN for gated models), or pull the file and run info on it.',
        });
      }
    });

  model
    .command('make-test')
    .description('write the tiny random-weight LLaMA test model (deterministic per seed)')
    .requiredOption('--out <file>', 'where to write the .gguf file')
    .option('--seed <n>', 'random seed', '42')
    .action((options: { out: string; seed: string }) => {
      const seed = Number(options.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
        throw new StewardError('OPTION_INVALID', `--seed must be an integer from 0 to 2147483647, got ${options.seed}`, {
          hint: 'For example --seed 7.',
        });
      }
      const size = writeTestModel(resolve(options.out), { seed });
      io.stdout(`wrote ${options.out} (${basename(options.out)}, ${size} bytes, seed ${seed})`);
    });
}
