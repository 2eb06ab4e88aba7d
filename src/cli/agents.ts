// Which agent a command works on, which policy fences it, and which key is the agent's: the
// lookups every command needs, in one place so they answer the same way everywhere.
import { PublicKey } from '@solana/web3.js';
import type { AgentConfig, PolicyConfig, Settings, StewardConfig } from '../config/index.js';
import { loadAgentSigner } from '../agent/signer.js';
import type { OpenCluster } from '../chain/index.js';
import { DEMO } from '../demo/index.js';
import { StewardError } from '../errors/index.js';
import { isAddress } from '../shared/index.js';

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

export interface AgentKey {
  key: PublicKey;
  /** Where the key came from, for the output: "--agent-key", "$STEWARD_KEYPAIR", "the demo agent key". */
  source: string;
}

export function signerSource(agent: AgentConfig): string {
  if (agent.signer && 'keypair' in agent.signer) return `agents/${agent.name}.yaml signer.keypair`;
  if (agent.signer && 'env' in agent.signer && process.env[agent.signer.env]) return `$${agent.signer.env}`;
  return '$STEWARD_KEYPAIR';
}

/**
 * The agent's public key: the explicit address, else the agent's signer (agent file or its env
 * variable), else — on the embedded demo chain only — the demo agent key. Null when none applies.
 */
export function agentKeyOf(
  agent: AgentConfig,
  settings: Settings,
  cluster: OpenCluster,
  explicit: string | undefined,
  flag: string,
): AgentKey | null {
  if (explicit !== undefined) {
    if (!isAddress(explicit))
      throw new StewardError('ADDRESS_INVALID', `${flag} "${explicit}" is not a Solana address`, {
        hint: "pass the base58 public key of the agent's signer",
      });
    return { key: new PublicKey(explicit), source: flag };
  }
  const signer = loadAgentSigner(agent, process.env, settings.keypair);
  if (signer) return { key: signer.publicKey, source: signerSource(agent) };
  if (cluster.demo) return { key: DEMO.agent, source: 'the demo agent key (embedded chain; no signer configured)' };
  return null;
}
