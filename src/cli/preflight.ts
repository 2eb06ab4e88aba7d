// The preflight as commands run it: the agents' files and settings, then (with `chain`) the
// cluster. `validate`, `doctor` and `start` share it, so they find the same problems.
import { preflightAgents, type PreflightReport } from '../agent/preflight.js';
import { preflightChain } from '../agent/preflight-chain.js';
import { describeCluster, resolveCluster } from '../chain/index.js';
import type { StewardConfig } from '../config/index.js';
import type { OpenCluster } from '../chain/index.js';
import { redactUrl } from '../shared/redact.js';
import { agentKeyOf } from './agents.js';
import type { CliContext } from './context.js';

export interface CliPreflightOptions {
  /** Also read the cluster (mints, oracles, allowances, genesis hash). */
  chain: boolean;
  /** The cluster to read, when the caller has it open already; otherwise opened and closed here. */
  cluster?: OpenCluster;
}

export async function runPreflight(ctx: CliContext, config: StewardConfig, options: CliPreflightOptions): Promise<PreflightReport> {
  const target = resolveCluster(ctx.settings.rpcUrl);
  // On a fork (--fork URL) the agent signs with its own key, as `run --fork` does, and the test
  // model may stand in as on the embedded chain: nothing reaches the real cluster.
  const fork = ctx.forkUrl !== null;
  const report = await preflightAgents(config, ctx.settings, {
    env: process.env,
    embedded: target.kind === 'embedded' && !fork,
    fork,
    dryRun: false,
    clusterLabel: ctx.forkUrl !== null ? `a fork of ${redactUrl(ctx.forkUrl)}` : describeCluster(target),
  });
  if (!options.chain) return report;
  const cluster = options.cluster ?? (await ctx.openCluster());
  try {
    await runChainPreflight(ctx, config, cluster, report);
  } finally {
    if (!options.cluster) await cluster.close();
  }
  return report;
}

/** The cluster half of the preflight, on an open cluster; adds to `report`. */
export async function runChainPreflight(
  ctx: CliContext,
  config: StewardConfig,
  cluster: OpenCluster,
  report: PreflightReport,
): Promise<void> {
  await preflightChain(
    cluster,
    config,
    {
      rpcUrl: ctx.settings.rpcUrl,
      agentKey: (agent) => {
        try {
          return agentKeyOf(agent, ctx.settings, cluster, undefined, 'agent key')?.key ?? null;
        } catch {
          return null; // a broken keypair is already a problem of the files check
        }
      },
      signs: (agent) => agent.mode !== 'dry-run',
    },
    report,
  );
}
