// The agent file (agents/*.yaml): who the agent is, what it watches, which policy fences it,
// which key signs for it, which model thinks for it, and when it runs.
import { Cron } from 'croner';
import { z } from 'zod';
import { address, decimalString, name, percentString, tokenSymbol } from './common.js';

const cronExpression = z.string({ error: 'expected a cron expression like "0 */15 * * * *"' }).refine(
  (text) => {
    try {
      new Cron(text, { paused: true }).stop();
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected a valid cron expression (5 or 6 fields, seconds optional), e.g. "0 */15 * * * *"' },
);

const timezone = z.string({ error: 'expected an IANA time zone like "Europe/Berlin"' }).refine(
  (text) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: text });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected an IANA time zone like "UTC" or "Europe/Berlin"' },
);

export const scheduleSchema = z.strictObject({
  cron: cronExpression,
  timezone: timezone.default('UTC'),
  /** A random delay up to this many seconds before each run, so many instances do not hit the RPC at once. */
  jitterSeconds: z.int().min(0).max(3600).default(0),
});

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name like "STEWARD_AGENT_KEYPAIR"' });

export const signerSchema = z.union(
  [
    z.strictObject({ keypair: z.string().min(1, { error: 'expected a path to a Solana CLI keypair file' }) }),
    z.strictObject({ env: envName }),
  ],
  { error: 'expected either `keypair: PATH` (a Solana CLI keypair file) or `env: VARIABLE`' },
);

export const modelSchema = z
  .strictObject({
    /** A GGUF file path or an `hf:` URI, run locally by llama.cpp. */
    local: z.string().min(1).optional(),
    /** An OpenAI-compatible chat-completions endpoint. */
    endpoint: z
      .strictObject({
        baseUrl: z.url({ error: 'expected an http(s) URL like "http://127.0.0.1:8080/v1"' }),
        model: z.string().min(1),
        apiKeyEnv: envName.default('STEWARD_OPENAI_API_KEY'),
        timeoutMs: z.int().min(1_000).max(600_000).default(60_000),
        maxRetries: z.int().min(0).max(10).default(2),
        /** How structured answers are requested: response_format json_schema, or a forced tool call for servers without it. */
        structuredOutput: z.enum(['json_schema', 'tool_calling']).default('json_schema'),
      })
      .optional(),
    temperature: z.number().min(0).max(2).default(0.2),
    maxTokens: z.int().min(16).max(32_768).default(768),
    seed: z.int().min(0).optional(),
    contextSize: z.int().min(256).max(1_048_576).optional(),
    /** Local only: CPU threads for llama.cpp; default 1 for tiny models, else one per core. */
    threads: z.int().min(1).max(256).optional(),
    /** Local only: parallel sequences in the shared context (agents decide concurrently up to this). */
    sequences: z.int().min(1).max(64).optional(),
    /**
     * Local only: llama.cpp flash attention. Default: off for tiny models on a CPU (its CPU kernel
     * decodes them 3× slower at long contexts), else 'auto' (llama.cpp's choice).
     */
    flashAttention: z.enum(['auto', 'on', 'off']).optional(),
  })
  .refine((model) => !(model.local && model.endpoint), {
    error: 'expected either `local` or `endpoint`, not both',
  });

export const treasurySchema = z.strictObject({
  /** Addresses whose SOL, token and stake accounts form the treasury (native treasury, governances). */
  owners: z.array(address).min(1, { error: 'expected at least one treasury owner address' }),
  realm: address.optional(),
  governanceProgram: address.optional(),
  /**
   * A Squads v4 multisig whose vault holds (part of) the treasury. List the vault's address in
   * `owners` too (`steward allowance` prints it); the agent spends from it only through
   * spending limits that name it (`steward grant --squads`).
   */
  squads: z
    .strictObject({
      multisig: address,
      vaultIndex: z.int().min(0).max(255).default(0),
    })
    .optional(),
  /** Target allocation by token symbol, e.g. { USDC: "50%", SOL: "30%" }. */
  targets: z.record(tokenSymbol, percentString).optional(),
  /** Expected monthly spend in USD, for runway. */
  monthlySpendUsd: decimalString.optional(),
  /** A stablecoin further than this from $1 is flagged as depegged. */
  depegThresholdBps: z.int().min(1).max(5_000).default(50),
});

export const agentModes = ['dry-run', 'approve-all', 'autonomous'] as const;
export const agentDecisions = ['single-shot', 'tool-agent'] as const;

/** Bounds of a tool-calling decision (decision: tool-agent): the loop ends at whichever comes first. */
export const toolAgentSchema = z.strictObject({
  /** Model calls per run. */
  maxSteps: z.int().min(1).max(50).default(8),
  /** Tool calls per run, read tools included. */
  maxToolCalls: z.int().min(1).max(200).default(16),
  /** Prompt and completion tokens per run, summed over model calls; no model call starts once they are spent. */
  maxTokens: z.int().min(256).max(1_000_000).default(16_000),
});
export const agentTasks = ['treasury', 'proposals'] as const;

export const agentSchema = z.strictObject({
  name,
  description: z.string().max(2_000).default(''),
  tasks: z.array(z.enum(agentTasks)).min(1, { error: 'expected at least one task: treasury, proposals' }),
  schedule: scheduleSchema.optional(),
  /** The `name` of the policy (policies/*.yaml) that fences this agent. */
  policy: name,
  signer: signerSchema.optional(),
  model: modelSchema.optional(),
  treasury: treasurySchema,
  /** dry-run: simulate only; approve-all: every action waits for a human; autonomous: policy decides. */
  mode: z.enum(agentModes).default('dry-run'),
  maxActionsPerRun: z.int().min(0).max(20).default(3),
  /** single-shot: one schema-constrained answer; tool-agent: a LangChain agent that calls Steward's tools. */
  decision: z.enum(agentDecisions).default('single-shot'),
  toolAgent: toolAgentSchema.prefault({}),
  /** The operator's instructions, in their own words. */
  instructions: z.string().min(1, { error: 'expected the agent instructions (a few sentences)' }).max(8_000),
});

export type AgentConfig = z.infer<typeof agentSchema>;
export type AgentModelConfig = z.infer<typeof modelSchema>;
