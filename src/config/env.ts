// Process-wide settings: command-line flags beat environment variables beat defaults.
// `.env` in the working directory is loaded when present (never required, never committed).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Every environment variable Steward reads, with its default and meaning (mirrored in .env.example). */
export const ENV_VARS = {
  STEWARD_RPC_URL: { default: 'embedded', help: 'cluster: a URL, mainnet-beta | devnet | testnet | localhost, or "embedded"' },
  STEWARD_CONFIRM_URL: {
    default: '',
    help: 'a second RPC endpoint that must agree before a sent transaction is settled (landed or expired)',
  },
  STEWARD_JUPITER_URL: {
    default: 'https://lite-api.jup.ag/swap/v1',
    help: 'Jupiter-compatible swap API the swap builder asks for quotes and swap instructions',
  },
  STEWARD_KEYPAIR: { default: '', help: 'path to the agent keypair (Solana CLI JSON) when an agent file names none' },
  STEWARD_MODEL: { default: '', help: 'local GGUF path or hf: URI used when an agent names no model' },
  STEWARD_OPENAI_BASE_URL: { default: '', help: 'OpenAI-compatible endpoint used when an agent names no model' },
  STEWARD_OPENAI_MODEL: { default: '', help: 'model name at that endpoint' },
  STEWARD_OPENAI_API_KEY: { default: '', help: 'API key for that endpoint (secret)' },
  STEWARD_DB: { default: '.steward/steward.db', help: 'SQLite database path' },
  STEWARD_MODELS_DIR: { default: '.steward/models', help: 'where pulled and generated models are kept' },
  STEWARD_PROGRAMS_DIR: {
    default: '',
    help: 'folder of program binaries (<ID>.so or spl_governance.so) the embedded chain loads; then .steward/programs, ~/.cache/steward/programs; "none": no search',
  },
  STEWARD_REPORTS_DIR: { default: 'reports', help: 'where run and review reports are written' },
  STEWARD_CONFIG_DIR: { default: '.', help: 'folder holding agents/ and policies/' },
  STEWARD_LOG_LEVEL: { default: 'info', help: 'trace | debug | info | warn | error | silent' },
} as const;

export type EnvVar = keyof typeof ENV_VARS;

export interface Settings {
  rpcUrl: string;
  /** Second RPC endpoint for settling sent transactions; '' for none. */
  confirmUrl: string;
  /** Jupiter-compatible swap API (quotes and swap instructions). */
  jupiterUrl: string;
  keypair: string;
  model: string;
  openaiBaseUrl: string;
  openaiModel: string;
  openaiApiKey: string;
  db: string;
  modelsDir: string;
  reportsDir: string;
  configDir: string;
  logLevel: string;
}

/** Loads `.env` from `dir` into process.env without overriding variables already set. */
export function loadEnv(dir = process.cwd()): void {
  const path = resolve(dir, '.env');
  if (existsSync(path)) process.loadEnvFile(path);
}

export function resolveSettings(flags: Partial<Settings> = {}, env: NodeJS.ProcessEnv = process.env): Settings {
  const pick = (flag: string | undefined, name: EnvVar): string => {
    if (flag !== undefined && flag !== '') return flag;
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return ENV_VARS[name].default;
  };
  return {
    rpcUrl: pick(flags.rpcUrl, 'STEWARD_RPC_URL'),
    confirmUrl: pick(flags.confirmUrl, 'STEWARD_CONFIRM_URL'),
    jupiterUrl: pick(flags.jupiterUrl, 'STEWARD_JUPITER_URL'),
    keypair: pick(flags.keypair, 'STEWARD_KEYPAIR'),
    model: pick(flags.model, 'STEWARD_MODEL'),
    openaiBaseUrl: pick(flags.openaiBaseUrl, 'STEWARD_OPENAI_BASE_URL'),
    openaiModel: pick(flags.openaiModel, 'STEWARD_OPENAI_MODEL'),
    openaiApiKey: pick(flags.openaiApiKey, 'STEWARD_OPENAI_API_KEY'),
    db: pick(flags.db, 'STEWARD_DB'),
    modelsDir: pick(flags.modelsDir, 'STEWARD_MODELS_DIR'),
    reportsDir: pick(flags.reportsDir, 'STEWARD_REPORTS_DIR'),
    configDir: pick(flags.configDir, 'STEWARD_CONFIG_DIR'),
    logLevel: pick(flags.logLevel, 'STEWARD_LOG_LEVEL'),
  };
}
