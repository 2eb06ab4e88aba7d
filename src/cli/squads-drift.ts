// The drift between the two fences of a Squads-held treasury, as `status` and `validate --chain`
// show it: the same reading and flags as `steward allowance` (src/agent/squads-fence.ts), one
// line per flag with what to change. A treasury the agent file does not tie to a multisig has
// none; a multisig that cannot be read is reported as such, never as "no drift".
import type { PublicKey } from '@solana/web3.js';
import { readSquadsFence } from '../agent/squads-fence.js';
import type { OpenCluster } from '../chain/index.js';
import type { AgentConfig, PolicyConfig, Settings } from '../config/index.js';
import { toStewardError } from '../errors/index.js';
import { compilePolicy } from '../policy/index.js';
import { terminalText } from '../shared/index.js';
import type { DriftFlag } from '../squads/index.js';
import type { TreasurySnapshot } from '../treasury/index.js';
import { readAgentTreasury } from '../agent/agent-treasury.js';

export interface AgentSquadsDrift {
  multisig: string;
  /** The vault index the agent file names. */
  vaultIndex: number;
  /** Spending limits that name the agent key. */
  agentLimits: number;
  flags: DriftFlag[];
  /** Why the multisig could not be read (then `flags` is empty and says nothing). */
  error: string | null;
}

/**
 * Reads the agent's multisig and computes the drift flags; null when the agent file names no
 * Squads multisig. `snapshot`: a treasury read the caller already holds (else one is made).
 */
export async function readAgentSquadsDrift(
  cluster: OpenCluster,
  settings: Settings,
  agent: AgentConfig,
  policy: PolicyConfig,
  agentKey: PublicKey,
  snapshot?: TreasurySnapshot,
): Promise<AgentSquadsDrift | null> {
  const config = agent.treasury.squads;
  if (!config) return null;
  const base = { multisig: config.multisig, vaultIndex: config.vaultIndex };
  try {
    const treasury = snapshot ?? (await readAgentTreasury(cluster, settings, agent, policy, agentKey, new Date()));
    const key = agentKey.toBase58();
    const fence = await readSquadsFence(cluster.connection, { agent, policy: compilePolicy(policy), agentKey: key, snapshot: treasury });
    const agentLimits = fence ? fence.squads.spendingLimits.filter((limit) => limit.members.includes(key)).length : 0;
    return { ...base, agentLimits, flags: fence?.flags ?? [], error: null };
  } catch (error) {
    return { ...base, agentLimits: 0, flags: [], error: toStewardError(error).message };
  }
}

/** Terminal lines, indented for a per-agent block. */
export function squadsDriftLines(drift: AgentSquadsDrift, indent = '  '): string[] {
  const head = `${indent}squads:    multisig ${drift.multisig} (vault ${drift.vaultIndex})`;
  if (drift.error) return [`${head}: could not be read — ${terminalText(drift.error)}`];
  if (drift.flags.length === 0)
    return [
      `${head}: ${drift.agentLimits} spending limit(s) for the agent; drift none (the on-chain limits keep every policy window, resets counted)`,
    ];
  return [
    `${head}: ${drift.agentLimits} spending limit(s) for the agent; ${drift.flags.length} DRIFT flag(s) (\`steward allowance\` for the limits)`,
    ...drift.flags.flatMap((flag) => [
      `${indent}  DRIFT ${flag.id}${flag.priceDependent ? ' (price-dependent)' : ''}: ${terminalText(flag.message)}`,
      `${indent}        fix: ${terminalText(flag.fix)}`,
    ]),
  ];
}
