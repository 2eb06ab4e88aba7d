// The generated test model as the fallback for an agent that names no model: acceptable where
// its random decisions cannot move real money (a dry run, the embedded demo chain, a fork: an
// embedded copy of a real cluster to which nothing is ever sent), refused
// where they could (an autonomous or approve-all run on a real cluster). One rule, used by the
// run itself and by the preflight of `validate`, `doctor` and `start`.
import type { AgentConfig } from '../config/index.js';
import { StewardError } from '../errors/index.js';

export interface FallbackContext {
  /** The cluster is the embedded demo chain. */
  embedded: boolean;
  /** The cluster is a fork (`--fork URL`): transactions land on the fork only, never upstream. */
  fork?: boolean | undefined;
  /** This run is a dry run (`--dry-run`), whatever the agent's mode. */
  dryRun: boolean;
  /** The cluster, as printed. */
  clusterLabel: string;
}

/** Whether an agent without a model may run on the generated test model here. */
export function testModelAllowed(agent: AgentConfig, context: FallbackContext): boolean {
  return context.embedded || context.fork === true || context.dryRun || agent.mode === 'dry-run';
}

/** The line an operator sees when the test model stands in. */
export function testModelNotice(agent: AgentConfig): string {
  return `agent "${agent.name}" has no model configured: using the generated test model with RANDOM weights (its decisions are noise; the policy and the chain still decide). Set STEWARD_MODEL or model: in the agent file for real judgement.`;
}

/** The refusal for an agent without a model whose run could move real funds. */
export function testModelRefused(agent: AgentConfig, context: FallbackContext): StewardError {
  return new StewardError(
    'CONFIG_INVALID',
    `agent "${agent.name}" has no model configured, and a ${agent.mode} run on ${context.clusterLabel} does not use the generated test model: its weights are random`,
    {
      hint: 'set STEWARD_MODEL (a GGUF path or hf: URI) or STEWARD_OPENAI_BASE_URL, or `model:` in the agent file; or run with --dry-run, on the embedded chain or on a fork (--fork URL)',
      context: { agent: agent.name },
    },
  );
}
