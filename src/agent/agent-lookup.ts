// Which agent a command or flow works on, which policy fences it and where its signer comes from:
// the config lookups the CLI, the console and the approval and grant flows share, so they answer
// the same way everywhere.
import type { PublicKey } from '@solana/web3.js';
import type { AgentConfig, PolicyConfig, StewardConfig } from '../config/index.js';
import { StewardError } from '../errors/index.js';

function agentsHint(config: StewardConfig): string {
  return `agents defined: ${config.agents.map((entry) => entry.config.name).join(', ') || 'none'} (see agents/*.yaml)`;
}

/** The agent named `name`; a clear error listing the defined agents otherwise. */
export function findAgent(config: StewardConfig, name: string): AgentConfig {
  const found = config.agents.find((entry) => entry.config.name === name);
  if (!found) throw new StewardError('AGENT_NOT_FOUND', `no agent named "${name}"`, { hint: agentsHint(config), context: { agent: name } });
  return found.config;
}

/**
 * The agent named, or by default the first agent with `task` (for proposals: one that names a
 * realm), else the first agent at all.
 */
export function pickAgent(config: StewardConfig, name: string | undefined, task: 'treasury' | 'proposals'): AgentConfig {
  if (name !== undefined) return findAgent(config, name);
  const agents = config.agents.map((entry) => entry.config);
  const fit =
    task === 'proposals'
      ? (agents.find((agent) => agent.tasks.includes('proposals') && agent.treasury.realm) ?? agents.find((agent) => agent.treasury.realm))
      : agents.find((agent) => agent.tasks.includes('treasury'));
  const agent = fit ?? agents[0];
  if (!agent)
    throw new StewardError('CONFIG_NOT_FOUND', 'no agent is defined', {
      hint: 'add an agent file under agents/ (see agents/treasury-guardian.yaml)',
    });
  return agent;
}

export function policyOf(config: StewardConfig, agent: AgentConfig): PolicyConfig {
  const policy = config.policies.find((entry) => entry.config.name === agent.policy)?.config;
  if (!policy) {
    throw new StewardError('CONFIG_INVALID', `agent "${agent.name}" names policy "${agent.policy}", which does not exist`, {
      hint: `policies defined: ${config.policies.map((entry) => entry.config.name).join(', ') || 'none'}; run \`steward validate\``,
    });
  }
  return policy;
}

/** The agent named, or the first agent with the treasury task, and its policy. */
export function treasuryAgent(config: StewardConfig, name: string | undefined): { agent: AgentConfig; policy: PolicyConfig } {
  const agent = pickAgent(config, name, 'treasury');
  return { agent, policy: policyOf(config, agent) };
}

/** Where the agent's signer comes from, for the output: the agent file, its env variable, else $STEWARD_KEYPAIR. */
export function signerSource(agent: AgentConfig): string {
  if (agent.signer && 'keypair' in agent.signer) return `agents/${agent.name}.yaml signer.keypair`;
  if (agent.signer && 'env' in agent.signer && process.env[agent.signer.env]) return `$${agent.signer.env}`;
  return '$STEWARD_KEYPAIR';
}

/** The agent's public key as a command resolved it, with where it came from. */
export interface AgentKey {
  key: PublicKey;
  /** Where the key came from, for the output: "--agent-key", "$STEWARD_KEYPAIR", "the demo agent key". */
  source: string;
}
