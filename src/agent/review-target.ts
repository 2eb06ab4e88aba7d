// What a proposal review needs from configuration and the journal, the same for `steward
// review` and an agent's run: which realm under which governance program, and which
// destinations the DAO already pays (so a never-paid destination is flagged, a routine one not).
import { PublicKey } from '@solana/web3.js';
import type { AgentConfig, PolicyConfig } from '../config/index.js';
import type { KnownDestination } from '../governance/index.js';
import { StewardError } from '../errors/index.js';
import { isAddress } from '../shared/index.js';
import type { Db } from '../store/index.js';

export function reviewTarget(agent: AgentConfig): { realm: PublicKey; programId: PublicKey } {
  const { realm, governanceProgram } = agent.treasury;
  if (!realm || !governanceProgram) {
    throw new StewardError(
      'CONFIG_INVALID',
      `agent "${agent.name}" reviews proposals but names no treasury.realm and treasury.governanceProgram`,
      {
        hint: `add both addresses under \`treasury:\` in agents/${agent.name}.yaml (see agents/proposal-reviewer.yaml)`,
        context: { agent: agent.name },
      },
    );
  }
  return { realm: new PublicKey(realm), programId: new PublicKey(governanceProgram) };
}

/** The policy's allow-listed destinations and every destination a confirmed action paid, each with its source. */
export function knownDestinationBook(policy: PolicyConfig, db: Db): KnownDestination[] {
  const allowed = policy.allow.destinations.filter((destination) => destination !== 'treasury');
  const paid = (
    db.prepare("SELECT DISTINCT destination FROM actions WHERE destination IS NOT NULL AND state = 'confirmed'").pluck().all() as string[]
  ).filter((destination) => isAddress(destination));
  const book = new Map<string, KnownDestination>();
  for (const address of allowed) book.set(address, { address, source: 'allow-list' });
  for (const address of paid) if (!book.has(address)) book.set(address, { address, source: 'paid' });
  return [...book.values()];
}

/** The policy's allow-listed destinations and every destination a confirmed action paid. */
export function knownDestinations(policy: PolicyConfig, db: Db): string[] {
  return knownDestinationBook(policy, db).map((entry) => entry.address);
}
