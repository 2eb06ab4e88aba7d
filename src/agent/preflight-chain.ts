// Preflight against the cluster (`validate --chain`, `doctor`, `start`): the cluster answers and
// is the one its name says (genesis hash), each policy mint exists there with the policy's
// decimals, each Pyth account parses, and an agent that signs holds a delegate allowance (or, for
// a Squads treasury, a spending limit that names it; drift flags are noted). One treasury read
// per agent (the same few requests a run makes), nothing written.
import type { PublicKey } from '@solana/web3.js';
import { KNOWN_GENESIS, namedClusterOf, resolveCluster, type ClusterIdentity, type OpenCluster } from '../chain/index.js';
import type { AgentConfig, PolicyConfig, StewardConfig } from '../config/index.js';
import { toStewardError } from '../errors/index.js';
import { compilePolicy } from '../policy/index.js';
import { getTreasurySnapshot } from '../treasury/index.js';
import { readSquadsFence } from './squads-fence.js';
import type { PreflightReport } from './preflight.js';

/** Snapshot problems that mean the policy does not fit this cluster (not a market condition). */
const CONFIG_MISMATCH = new Set([
  'mint-missing',
  'mint-unparseable',
  'decimals-mismatch',
  'price-missing',
  'price-unparseable',
  'account-wrong-owner',
]);

export interface ChainPreflightOptions {
  /** --url / STEWARD_RPC_URL as given: a cluster name there must match the genesis hash. */
  rpcUrl: string;
  /** The key each agent signs with (null: unknown, its allowances are not checked). */
  agentKey: (agent: AgentConfig) => PublicKey | null;
  /** Whether a run of the agent would sign (not a dry run): then it needs an allowance. */
  signs: (agent: AgentConfig) => boolean;
  now?: Date;
}

/** The public cluster `rpcUrl` names (a moniker, or a host name like api.devnet.solana.com), or null. */
function expectedCluster(rpcUrl: string): 'mainnet-beta' | 'devnet' | 'testnet' | null {
  const target = resolveCluster(rpcUrl);
  if (target.kind === 'embedded') return null;
  if (target.name === 'mainnet' || target.name === 'mainnet-beta') return 'mainnet-beta';
  if (target.name === 'devnet' || target.name === 'testnet') return target.name;
  return namedClusterOf(target.url);
}

/**
 * Reads the cluster for every agent; adds problems (`cluster` when it cannot be reached, `input`
 * when it does not match the configuration) and notes to `report`. Returns the identity when the
 * cluster answered.
 */
export async function preflightChain(
  cluster: OpenCluster,
  config: StewardConfig,
  options: ChainPreflightOptions,
  report: PreflightReport,
): Promise<ClusterIdentity | null> {
  let identity: ClusterIdentity;
  try {
    identity = await cluster.identity();
  } catch (error) {
    report.problems.push({ kind: 'cluster', file: null, line: 0, column: 0, path: '', message: toStewardError(error).message });
    return null;
  }
  const expected = expectedCluster(options.rpcUrl);
  const actual = KNOWN_GENESIS[identity.genesisHash] ?? null;
  if (expected && actual !== expected) {
    report.problems.push({
      kind: 'input',
      file: null,
      line: 0,
      column: 0,
      path: '--url',
      message: `the cluster is configured as ${expected}, but ${identity.endpoint ?? cluster.label} answers genesis hash ${identity.genesisHash} (${actual ?? 'not a public cluster'})`,
    });
  }
  report.notes.push({ subject: 'cluster', text: `${identity.name} (${identity.key})` });

  const policies = new Map(config.policies.map((entry) => [entry.config.name, entry]));
  const seen = new Set<string>();
  for (const entry of config.agents) {
    const agent = entry.config;
    const policyEntry = policies.get(agent.policy);
    if (!policyEntry) continue;
    const policy: PolicyConfig = policyEntry.config;
    const key = options.agentKey(agent);
    let snapshot;
    try {
      snapshot = await getTreasurySnapshot(cluster.connection, {
        owners: agent.treasury.owners,
        agent: key?.toBase58() ?? null,
        tokens: policy.tokens,
        oracle: policy.oracle,
        now: options.now ?? new Date(),
      });
    } catch (error) {
      const failure = toStewardError(error);
      report.problems.push({
        kind: failure.kind === 'input' ? 'input' : 'cluster',
        file: entry.file,
        line: 1,
        column: 1,
        path: 'treasury',
        message: `reading the treasury of agent "${agent.name}" failed: ${failure.message}`,
      });
      continue;
    }
    // Mints and oracles belong to the policy: report each once, at the policy file.
    for (const problem of snapshot.problems) {
      if (!CONFIG_MISMATCH.has(problem.code)) continue;
      const id = `${policy.name}:${problem.code}:${problem.account ?? ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      report.problems.push({
        kind: 'input',
        file: policyEntry.file,
        line: 1,
        column: 1,
        path: 'tokens',
        message: `${problem.message} (on ${identity.name})`,
      });
    }
    const untrusted = snapshot.prices.filter((price) => !price.trusted).map((price) => `${price.symbol} (${price.reasons.join(', ')})`);
    if (untrusted.length > 0) report.notes.push({ subject: agent.name, text: `prices not trusted now: ${untrusted.join('; ')}` });
    if (!key) {
      if (options.signs(agent)) report.notes.push({ subject: agent.name, text: 'allowances: not checked (the agent key is unknown)' });
      continue;
    }
    const mine = snapshot.allowances
      .filter((allowance) => allowance.delegate === key.toBase58() && allowance.remaining > 0n)
      .map((allowance) => `${allowance.symbol ?? allowance.mint} on ${allowance.tokenAccount}`);
    // A Squads treasury: the agent spends through the multisig's spending limits that name it.
    if (agent.treasury.squads) {
      try {
        const compiled = compilePolicy(policy);
        const fence = await readSquadsFence(cluster.connection, { agent, policy: compiled, agentKey: key.toBase58(), snapshot });
        for (const limit of fence?.squads.spendingLimits ?? []) {
          if (limit.members.includes(key.toBase58()))
            mine.push(`Squads ${compiled.tokensByMint.get(limit.mint)?.symbol ?? limit.mint} limit per ${limit.period} (${limit.address})`);
        }
        for (const flag of fence?.flags ?? []) report.notes.push({ subject: agent.name, text: `Squads drift ${flag.id}: ${flag.message}` });
      } catch (error) {
        const failure = toStewardError(error);
        report.problems.push({
          kind: failure.kind === 'input' ? 'input' : 'cluster',
          file: entry.file,
          line: 1,
          column: 1,
          path: 'treasury.squads',
          message: `reading the Squads multisig of agent "${agent.name}" failed: ${failure.message}`,
        });
        continue;
      }
    }
    if (mine.length > 0) {
      report.notes.push({ subject: agent.name, text: `allowances: ${mine.join(', ')}` });
    } else if (options.signs(agent) && agent.tasks.includes('treasury')) {
      const what = agent.treasury.squads
        ? "holds no delegate allowance on the treasury's token accounts and no spending limit of the Squads multisig names it"
        : "holds no delegate allowance on the treasury's token accounts";
      report.problems.push({
        kind: 'input',
        file: entry.file,
        line: 1,
        column: 1,
        path: 'mode',
        message: `agent "${agent.name}" (${agent.mode}) signs as ${key.toBase58()}, which ${what} on ${identity.name}: every payment would be refused; have the DAO grant one (\`steward grant${agent.treasury.squads ? ' --squads' : ''}\`)`,
      });
    } else {
      report.notes.push({ subject: agent.name, text: `allowances: none for ${key.toBase58()}` });
    }
  }
  return identity;
}
