// Reading an agent's treasury for the commands that show or change allowances (`allowance`,
// `grant`, `approvals`): the agent and its policy, the treasury snapshot, token names.
import type { PublicKey } from '@solana/web3.js';
import { resolveCluster, type OpenCluster } from '../chain/index.js';
import type { AgentConfig, PolicyConfig, Settings, StewardConfig } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { getTreasurySnapshot, type TreasurySnapshot } from '../treasury/index.js';
import { pickAgent, policyOf } from './agents.js';

/** The agent named, or the first agent with the treasury task, and its policy. */
export function treasuryAgent(config: StewardConfig, name: string | undefined): { agent: AgentConfig; policy: PolicyConfig } {
  const agent = pickAgent(config, name, 'treasury');
  return { agent, policy: policyOf(config, agent) };
}

/** Reads the agent's treasury as observe does (balances, token accounts, prices). */
export async function readTreasury(
  cluster: OpenCluster,
  settings: Settings,
  agent: AgentConfig,
  policy: PolicyConfig,
  agentKey: PublicKey | null,
  now: Date,
): Promise<TreasurySnapshot> {
  return getTreasurySnapshot(cluster.connection, {
    owners: agent.treasury.owners,
    agent: agentKey?.toBase58() ?? null,
    tokens: policy.tokens,
    oracle: policy.oracle,
    now,
    // Each embedded chain starts again at slot 0: no minimum slot from an older observation.
    minContextSlot: undefined,
  }).catch((error: unknown) => {
    if (error instanceof StewardError) throw error;
    throw new StewardError(
      'RPC_FAILED',
      `reading the treasury of agent "${agent.name}" from ${cluster.label} failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: `check the cluster (${resolveCluster(settings.rpcUrl).kind === 'embedded' ? 'embedded' : '--url'}) is reachable`,
        cause: error,
      },
    );
  });
}

/** Symbol and decimals of a mint: the policy's token table first, then the mint read from chain. */
export function tokenOf(snapshot: TreasurySnapshot, mint: string): { symbol: string; decimals: number | null } {
  const entry = snapshot.tokens.find((token) => token.mint === mint);
  if (entry) return { symbol: entry.symbol, decimals: entry.decimals };
  const onChain = snapshot.mints.find((m) => m.address === mint);
  return { symbol: `${mint.slice(0, 4)}…${mint.slice(-4)}`, decimals: onChain?.decimals ?? null };
}
