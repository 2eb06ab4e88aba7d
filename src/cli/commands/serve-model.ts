// `steward serve-model`: serves a local model as an OpenAI-compatible endpoint on 127.0.0.1, so
// several processes (or other tools) share one loaded model. Runs until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { StewardError } from '../../errors/index.js';
import { createChatModel, ensureTestModel, LocalChatModel, startModelServer } from '../../llm/index.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

export function registerServeModel(program: Command, io: CliIo): void {
  program
    .command('serve-model')
    .description(SUMMARY['serve-model'])
    .option('--model <fileOrUri>', 'model to serve (default STEWARD_MODEL; `test` for the generated test model)')
    .option('--port <n>', 'port', '8080')
    .action(async (options: { model?: string; port: string }, command: Command) => {
      const ctx = createContext(command, io);
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new StewardError('OPTION_INVALID', `--port must be an integer from 0 to 65535, got ${options.port}`, {
          hint: 'For example --port 8080.',
        });
      }
      const reference = options.model === 'test' ? await ensureTestModel() : (options.model ?? ctx.settings.model);
      if (!reference) {
        throw new StewardError('OPTION_INVALID', 'no model to serve', {
          hint: 'Pass --model FILE|hf:URI (or `--model test`), or set STEWARD_MODEL.',
        });
      }
      const model = await createChatModel({ local: reference }, ctx.settings);
      if (!(model instanceof LocalChatModel)) throw new StewardError('INTERNAL', 'serve-model needs a local model');
      const server = await startModelServer({ model, port });
      io.stdout(`serving ${reference} at ${server.url} (POST /chat/completions, GET /models); Ctrl+C stops`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      await model.close();
    });
}
