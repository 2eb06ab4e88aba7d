// The second fence of a Squads-held treasury, read as one view: the multisig and its spending
// limits, the policy tokens the vault holds, the allow-list resolved to what Squads compares
// (a destination token account stands for its owner; "treasury" for the treasury's owners),
// the limits the policy compiles to, and the drift flags. `allowance`, `status`,
// `validate --chain` and `grant --squads` all read it here, so they agree.
import { PublicKey, type Connection } from '@solana/web3.js';
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import type { AgentConfig } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import type { CompiledPolicy } from '../policy/index.js';
import { formatAmount } from '../shared/index.js';
import { rpcCall } from '../chain/index.js';
import {
  checkSquadsDrift,
  compileSpendingLimits,
  readSquadsTreasury,
  remainingAt,
  vaultAddress,
  type CompileLimitsResult,
  type DriftFlag,
  type SquadsTreasury,
} from '../squads/index.js';
import { buildTreasuryView, type TreasurySnapshot } from '../treasury/index.js';
import { policyPrices } from './policy-context.js';

export interface SquadsRef {
  multisig: PublicKey;
  vaultIndex: number;
  vault: PublicKey;
}

export interface SquadsFence {
  ref: SquadsRef;
  squads: SquadsTreasury;
  /** Policy tokens the vault holds (SPL: a vault token account; SOL: lamports). */
  symbols: string[];
  /** The allow-list as wallets. */
  destinations: string[];
  compiled: CompileLimitsResult;
  flags: DriftFlag[];
}

/** The agent's Squads treasury, or null when it names none; the vault must be among the owners. */
export function squadsRefOf(agent: AgentConfig): SquadsRef | null {
  const config = agent.treasury.squads;
  if (!config) return null;
  const multisig = new PublicKey(config.multisig);
  const vault = vaultAddress(multisig, config.vaultIndex);
  if (!(agent.treasury.owners as readonly string[]).includes(vault.toBase58())) {
    throw new StewardError(
      'CONFIG_INVALID',
      `agent "${agent.name}": treasury.squads names multisig ${config.multisig}, but its vault ${vault.toBase58()} (index ${config.vaultIndex}) is not in treasury.owners`,
      {
        hint: `add ${vault.toBase58()} to treasury.owners so observation reads the vault's holdings`,
        context: { agent: agent.name },
      },
    );
  }
  return { multisig, vaultIndex: config.vaultIndex, vault };
}

/** The allow-list as spending_limit_use compares it: the wallet that owns the destination token account. */
export async function resolveDestinations(connection: Connection, policy: CompiledPolicy, owners: readonly string[]): Promise<string[]> {
  const out = new Set<string>(policy.destinations.treasury ? owners : []);
  const addresses = [...policy.destinations.addresses];
  const infos =
    addresses.length === 0
      ? []
      : await rpcCall('getMultipleAccounts', connection.rpcEndpoint, () =>
          connection.getMultipleAccountsInfo(
            addresses.map((a) => new PublicKey(a)),
            'confirmed',
          ),
        );
  addresses.forEach((address, i) => {
    const info = infos[i];
    const isToken = info && (info.owner.equals(TOKEN_PROGRAM_ID) || info.owner.equals(TOKEN_2022_PROGRAM_ID)) && info.data.length >= 64;
    // A token account's owner sits at bytes 32..64.
    out.add(isToken ? new PublicKey(info.data.subarray(32, 64)).toBase58() : address);
  });
  return [...out].sort();
}

export async function readSquadsFence(
  connection: Connection,
  params: { agent: AgentConfig; policy: CompiledPolicy; agentKey: string; snapshot: TreasurySnapshot; ref?: SquadsRef },
): Promise<SquadsFence | null> {
  const ref = params.ref ?? squadsRefOf(params.agent);
  if (!ref) return null;
  const squads = await readSquadsTreasury(connection, { multisig: ref.multisig, vaultIndex: ref.vaultIndex });
  const vault = ref.vault.toBase58();
  const held = new Set<string>(params.snapshot.tokenAccounts.filter((account) => account.owner === vault).map((account) => account.mint));
  // SOL counts as held when the vault has lamports (a Squads SOL limit pays them out).
  if (params.snapshot.owners.some((owner) => owner.address === vault && owner.lamports > 0n)) held.add('native');
  const symbols = [...params.policy.tokens.values()].filter((token) => held.has(token.mint)).map((token) => token.symbol);
  const owners = [...new Set<string>([...params.agent.treasury.owners, vault])];
  const destinations = await resolveDestinations(connection, params.policy, owners);
  const prices = policyPrices(buildTreasuryView(params.snapshot));
  const compiled = compileSpendingLimits({ policy: params.policy, symbols, prices, agent: params.agentKey, destinations });
  const flags = checkSquadsDrift({
    policy: params.policy,
    squads,
    agent: params.agentKey,
    symbols,
    prices,
    destinations: new Set(destinations),
  });
  return { ref, squads, symbols, destinations, compiled, flags };
}

/** Plain lines for a terminal: the multisig, each limit of the agent with what remains now, then the flags. */
export function squadsFenceLines(
  fence: SquadsFence,
  agentKey: string,
  symbolOf: (mint: string) => { symbol: string; decimals: number | null },
): string[] {
  const { squads } = fence;
  const lines = [
    `Squads multisig ${squads.multisig} (vault ${squads.vault}, index ${squads.vaultIndex}): threshold ${squads.threshold} of ${squads.members.length}, time lock ${squads.timeLockSeconds} s, ${squads.configAuthority ? `controlled by ${squads.configAuthority}` : 'autonomous'}`,
  ];
  const mine = squads.spendingLimits.filter((limit) => limit.members.includes(agentKey));
  if (mine.length === 0) lines.push('  no spending limit names the agent');
  for (const limit of mine) {
    const { symbol, decimals } = symbolOf(limit.mint);
    const fmt = (v: bigint) => (decimals === null ? `${v} (base units)` : formatAmount(v, decimals));
    lines.push(
      `  ${symbol}: ${fmt(limit.amount)} per ${limit.period}, ${fmt(remainingAt(limit, squads.chainTime))} left now; destinations ${limit.destinations.length === 0 ? 'ANY' : limit.destinations.join(', ')}; members ${limit.members.join(', ')} (limit ${limit.address})`,
    );
  }
  if (fence.flags.length === 0) lines.push('Drift: none — the on-chain limits keep every policy window (worst case, resets counted)');
  for (const flag of fence.flags)
    lines.push(`DRIFT  ${flag.id}${flag.priceDependent ? ' (price-dependent)' : ''}: ${flag.message}`, `       fix: ${flag.fix}`);
  return lines;
}

/** The fence for --json: the multisig, the agent's limits with what remains now, compiled limits and flags. */
export function squadsFenceJson(fence: SquadsFence, agentKey: string) {
  const { squads } = fence;
  return {
    multisig: squads.multisig,
    vault: squads.vault,
    vaultIndex: squads.vaultIndex,
    threshold: squads.threshold,
    timeLockSeconds: squads.timeLockSeconds,
    configAuthority: squads.configAuthority,
    members: squads.members,
    chainTime: squads.chainTime,
    limits: squads.spendingLimits.map((limit) => ({
      ...limit,
      forAgent: limit.members.includes(agentKey),
      remainingNow: remainingAt(limit, squads.chainTime),
    })),
    destinations: fence.destinations,
    compiled: fence.compiled,
    flags: fence.flags,
  };
}
