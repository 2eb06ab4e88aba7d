// What `steward grant --squads` asks the multisig to change: keep the agent's limits that
// already match what the policy compiles to, remove the ones that do not (and, with --revoke,
// all of them), add the missing ones, remove limits a key the multisig no longer lists can use,
// take the agent out of the members when it may vote or execute, and set a time lock when
// asked. Pure; the caller turns the changes into a config transaction (autonomous multisig) or
// config-authority instructions (controlled multisig).
import { PublicKey } from '@solana/web3.js';
import type { CompiledLimit } from './compile-limits.js';
import { memberChange } from './create-multisig.js';
import type { ConfigChange } from './config-transaction.js';
import type { SquadsSpendingLimit, SquadsTreasury } from './read-squads.js';

export interface GrantPlanStep {
  change: ConfigChange;
  /** One line for the operator. */
  what: string;
}

export interface GrantPlan {
  steps: GrantPlanStep[];
  /** Existing limits that already match the policy. */
  kept: SquadsSpendingLimit[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export function matchesCompiled(limit: SquadsSpendingLimit, compiled: CompiledLimit, vaultIndex: number): boolean {
  return (
    limit.vaultIndex === vaultIndex &&
    limit.mint === compiled.mint &&
    limit.amount === compiled.amount &&
    limit.period === compiled.period &&
    sameSet(limit.members, compiled.members) &&
    sameSet(limit.destinations, compiled.destinations)
  );
}

export function planGrant(params: {
  squads: SquadsTreasury;
  agent: string;
  compiled: readonly CompiledLimit[];
  revoke: boolean;
  timeLockSeconds?: number | undefined;
  /** A fresh key per new limit (its address derives from it). */
  newCreateKey: () => PublicKey;
}): GrantPlan {
  const { squads, agent } = params;
  const steps: GrantPlanStep[] = [];
  const kept: SquadsSpendingLimit[] = [];
  const memberKeys = new Set(squads.members.map((m) => m.key));
  const wanted = params.revoke ? [] : [...params.compiled];
  for (const limit of squads.spendingLimits) {
    const forAgent = limit.members.includes(agent);
    const orphaned = limit.members.some((m) => m !== agent && !memberKeys.has(m));
    const match = forAgent && !orphaned ? wanted.findIndex((c) => matchesCompiled(limit, c, squads.vaultIndex)) : -1;
    if (match >= 0) {
      kept.push(limit);
      wanted.splice(match, 1);
      continue;
    }
    if (forAgent || orphaned) {
      steps.push({
        change: { kind: 'remove', spendingLimit: new PublicKey(limit.address) },
        what: `remove spending limit ${limit.address} (${limit.amount} base units of ${limit.mint} per ${limit.period}; ${orphaned ? 'usable by a key the multisig no longer lists' : params.revoke ? 'revoked' : 'does not match the policy'})`,
      });
    }
  }
  for (const limit of wanted) {
    steps.push({
      change: {
        kind: 'add',
        limit: {
          createKey: params.newCreateKey(),
          vaultIndex: squads.vaultIndex,
          mint: limit.mint,
          amount: limit.amount,
          period: limit.period,
          members: limit.members.map((m) => new PublicKey(m)),
          destinations: limit.destinations.map((d) => new PublicKey(d)),
        },
      },
      what: `add spending limit: ${limit.symbol} ${limit.amount} base units per ${limit.period}, member ${agent} only, destinations ${limit.destinations.join(', ')}${limit.priceDependent ? ' (price-dependent)' : ''}`,
    });
  }
  const agentMember = squads.members.find((m) => m.key === agent);
  if (agentMember && (agentMember.vote || agentMember.execute) && !params.revoke) {
    steps.push({
      change: { kind: 'config', action: memberChange({ kind: 'remove', key: new PublicKey(agent) }) },
      what: `remove the agent ${agent} from the members (it may vote or execute; a spending limit needs no membership)`,
    });
  }
  if (params.timeLockSeconds !== undefined && params.timeLockSeconds !== squads.timeLockSeconds) {
    steps.push({
      change: { kind: 'config', action: memberChange({ kind: 'time-lock', seconds: params.timeLockSeconds }) },
      what: `set the time lock to ${params.timeLockSeconds} s (now ${squads.timeLockSeconds} s)`,
    });
  }
  return { steps, kept };
}
