// Which model an agent gets: its own `model:` block first, then the process settings
// (STEWARD_MODEL for a local file or hf: URI, STEWARD_OPENAI_BASE_URL for an endpoint). When
// nothing is configured this throws; the caller decides whether the generated test model is
// acceptable (the demo says yes, a production run says no).
import type { z } from 'zod';
import type { Settings } from '../config/index.js';
import type { modelSchema } from '../config/schemas/agent.js';
import { StewardError } from '../errors/index.js';
import type { StewardChatModel } from './chat-model.js';
import { LocalChatModel } from './local-chat-model.js';
import { resolveModelPath } from './model-source.js';
import { RemoteChatModel } from './remote-chat-model.js';

export type ModelConfigInput = z.input<typeof modelSchema>;
export type ModelSettings = Pick<Settings, 'model' | 'openaiBaseUrl' | 'openaiModel' | 'openaiApiKey' | 'modelsDir'>;

export type ModelChoice =
  | { kind: 'local'; reference: string; from: 'agent' | 'STEWARD_MODEL' }
  | { kind: 'remote'; baseUrl: string; model: string; apiKey: string; from: 'agent' | 'STEWARD_OPENAI_BASE_URL' }
  | { kind: 'none' };

/** Decides which backend serves an agent, without loading anything. */
export function chooseModel(
  config: ModelConfigInput | undefined,
  settings: ModelSettings,
  env: NodeJS.ProcessEnv = process.env,
): ModelChoice {
  if (config?.local) return { kind: 'local', reference: config.local, from: 'agent' };
  if (config?.endpoint) {
    const keyVariable = config.endpoint.apiKeyEnv ?? 'STEWARD_OPENAI_API_KEY';
    const apiKey = env[keyVariable] ?? (keyVariable === 'STEWARD_OPENAI_API_KEY' ? settings.openaiApiKey : '');
    return { kind: 'remote', baseUrl: config.endpoint.baseUrl, model: config.endpoint.model, apiKey: apiKey ?? '', from: 'agent' };
  }
  if (settings.model) return { kind: 'local', reference: settings.model, from: 'STEWARD_MODEL' };
  if (settings.openaiBaseUrl) {
    if (!settings.openaiModel) {
      throw new StewardError('CONFIG_INVALID', 'STEWARD_OPENAI_BASE_URL is set but STEWARD_OPENAI_MODEL is not', {
        hint: 'Set STEWARD_OPENAI_MODEL to the model name the endpoint serves.',
      });
    }
    return {
      kind: 'remote',
      baseUrl: settings.openaiBaseUrl,
      model: settings.openaiModel,
      apiKey: settings.openaiApiKey,
      from: 'STEWARD_OPENAI_BASE_URL',
    };
  }
  return { kind: 'none' };
}

export interface CreateChatModelOptions {
  /** Pull hf: URIs that are not in the models folder yet (default true). */
  download?: boolean;
  onProgress?: (progress: { totalSize: number; downloadedSize: number }) => void;
  env?: NodeJS.ProcessEnv;
}

/** Opens the chat model an agent's config (or the settings) names. Close it when done. */
export async function createChatModel(
  config: ModelConfigInput | undefined,
  settings: ModelSettings,
  options: CreateChatModelOptions = {},
): Promise<StewardChatModel> {
  const choice = chooseModel(config, settings, options.env);
  switch (choice.kind) {
    case 'local': {
      const path = await resolveModelPath(choice.reference, {
        modelsDir: settings.modelsDir,
        download: options.download ?? true,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      return LocalChatModel.open({
        path,
        ...(config?.temperature === undefined ? {} : { temperature: config.temperature }),
        ...(config?.maxTokens === undefined ? {} : { maxTokens: config.maxTokens }),
        ...(config?.seed === undefined ? {} : { seed: config.seed }),
        ...(config?.contextSize === undefined ? {} : { contextSize: config.contextSize }),
        ...(config?.threads === undefined ? {} : { threads: config.threads }),
        ...(config?.sequences === undefined ? {} : { sequences: config.sequences }),
        ...(config?.flashAttention === undefined ? {} : { flashAttention: config.flashAttention }),
      });
    }
    case 'remote':
      return new RemoteChatModel({
        baseUrl: choice.baseUrl,
        model: choice.model,
        apiKey: choice.apiKey,
        ...(config?.endpoint?.timeoutMs === undefined ? {} : { timeoutMs: config.endpoint.timeoutMs }),
        ...(config?.endpoint?.maxRetries === undefined ? {} : { maxRetries: config.endpoint.maxRetries }),
        ...(config?.endpoint?.structuredOutput === undefined ? {} : { structuredMode: config.endpoint.structuredOutput }),
        ...(config?.temperature === undefined ? {} : { temperature: config.temperature }),
        ...(config?.maxTokens === undefined ? {} : { maxTokens: config.maxTokens }),
        ...(config?.seed === undefined ? {} : { seed: config.seed }),
      });
    case 'none':
      throw new StewardError('CONFIG_INVALID', 'no model is configured', {
        hint: 'Add `model: { local: PATH_OR_HF_URI }` or `model: { endpoint: ... }` to the agent, or set STEWARD_MODEL or STEWARD_OPENAI_BASE_URL. `steward model make-test --out FILE` writes a tiny test model.',
      });
    default:
      return choice satisfies never;
  }
}
