// Reading an agent's treasury for the flows that show or change allowances and limits
// (`allowance`, `grant`, `status`, approvals): the treasury snapshot as observe reads it, and
// token names. A run's observation (positions, analysis) is observe-treasury.ts.
import type { PublicKey } from '@solana/web3.js';
import { resolveCluster, type OpenCluster } from '../chain/index.js';
import type { AgentConfig, PolicyConfig, Settings } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { getTreasurySnapshot, type TreasurySnapshot } from '../treasury/index.js';

/** Reads the agent's treasury as observe does (balances, token accounts, prices). */
export async function readAgentTreasury(
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
