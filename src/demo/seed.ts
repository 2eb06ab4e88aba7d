// Seeds the demo DAO into an embedded chain: SOL, mints and treasury token accounts with the
// agent's allowances, Pyth prices, a delegated stake account, and a Realms DAO with open
// proposals (one of them hostile). Deterministic: the same chain clock gives the same bytes.
// Written against the ChainWriter contract only; docs/DEMO.md describes what is seeded.
import { LAMPORTS_PER_SOL, SystemProgram, type PublicKey } from '@solana/web3.js';
import type { ChainClock, ChainWriter } from '../chain/embedded/types.js';
import { StewardError } from '../errors/index.js';
import { DEMO } from './addresses.js';
import { seedPythPrices, DEMO_FEED_SYMBOLS, type DemoFeedSymbol } from './seed/pyth.js';
import { seedTokens, type SeededTokens } from './seed/tokens.js';
import { seedDemoPositions, type SeededPositions } from './seed/positions.js';
import type { SeededGovernance } from './seed/governance.js';
import { seedGovernance } from './seed/seed-governance.js';
import { seedStake, type SeededStake } from './seed/stake.js';
import { seedSquadsVault, type SeededSquads } from './seed/squads.js';

/** SOL balances (lamports) of the demo's system accounts. */
export const DEMO_SOL_BALANCES = {
  nativeTreasury: 5_000n * BigInt(LAMPORTS_PER_SOL),
  /** The agent's fee float: enough for thousands of transactions, nothing worth stealing. */
  agent: 1n * BigInt(LAMPORTS_PER_SOL),
  grantee: 3n * BigInt(LAMPORTS_PER_SOL),
  /** Each DAO member: enough to vote and pay fees. */
  member: 2n * BigInt(LAMPORTS_PER_SOL),
} as const;

// Proposal and oracle times lie days before the clock; a chain whose clock was never set
// (Unix time 0) cannot hold them.
const MIN_CLOCK_SECONDS = 30n * 24n * 3600n;

export interface SeedDemoOptions {
  /** Clock to seed against; defaults to the chain's. */
  clock?: ChainClock;
}

export interface DemoDao {
  addresses: typeof DEMO;
  /** The chain clock everything was seeded relative to. */
  clock: ChainClock;
  sol: Record<'nativeTreasury' | 'agent' | 'grantee' | 'alice' | 'bob' | 'carol', { address: PublicKey; lamports: bigint }>;
  tokens: SeededTokens;
  priceAccounts: Record<DemoFeedSymbol, PublicKey>;
  stake: SeededStake;
  governance: SeededGovernance;
  /** DeFi positions: a healthy and a nearly liquidated MarginFi account, Orca LPs in and out of range. */
  positions: SeededPositions;
  /** A Squads v4 vault with a USDC spending limit for the agent, where the chain runs the Squads program. */
  squads: SeededSquads;
  /** Every account the seed wrote, in write order (for getMultipleAccounts and determinism checks). */
  accounts: PublicKey[];
}

/** Passes writes through to the chain and remembers which accounts were written. */
function recording(chain: ChainWriter, written: Map<string, PublicKey>): ChainWriter {
  return {
    setAccount: (address, account) => {
      written.set(address.toBase58(), address);
      chain.setAccount(address, account);
    },
    getAccount: (address) => chain.getAccount(address),
    airdrop: (address, lamports) => chain.airdrop(address, lamports),
    processTransaction: (tx) => chain.processTransaction(tx),
    latestBlockhash: () => chain.latestBlockhash(),
    clock: () => chain.clock(),
    addProgram: (programId, elf) => chain.addProgram(programId, elf),
    hasProgram: (programId) => chain.hasProgram(programId),
    atTime: (unixTimestamp, run) => chain.atTime(unixTimestamp, run),
  };
}

function setSystemAccount(chain: ChainWriter, address: PublicKey, lamports: bigint): void {
  chain.setAccount(address, { lamports, data: new Uint8Array(0), owner: SystemProgram.programId });
}

export async function seedDemoDao(target: ChainWriter, options: SeedDemoOptions = {}): Promise<DemoDao> {
  const clock = options.clock ?? target.clock();
  if (clock.unixTimestamp < MIN_CLOCK_SECONDS) {
    throw new StewardError('CHAIN_FAILED', `cannot seed the demo DAO: the chain clock reads Unix time ${clock.unixTimestamp}`, {
      context: { slot: clock.slot.toString(), unixTimestamp: clock.unixTimestamp.toString() },
      hint: 'set the embedded chain clock to wall time before seeding (the demo places proposals and prices relative to it)',
    });
  }
  const written = new Map<string, PublicKey>();
  const chain = recording(target, written);
  const sol = {
    nativeTreasury: { address: DEMO.nativeTreasury, lamports: DEMO_SOL_BALANCES.nativeTreasury },
    agent: { address: DEMO.agent, lamports: DEMO_SOL_BALANCES.agent },
    grantee: { address: DEMO.grantee, lamports: DEMO_SOL_BALANCES.grantee },
    alice: { address: DEMO.members.alice, lamports: DEMO_SOL_BALANCES.member },
    bob: { address: DEMO.members.bob, lamports: DEMO_SOL_BALANCES.member },
    carol: { address: DEMO.members.carol, lamports: DEMO_SOL_BALANCES.member },
  };
  for (const { address, lamports } of Object.values(sol)) setSystemAccount(chain, address, lamports);
  const tokens = seedTokens(chain);
  seedPythPrices(chain, clock);
  const priceAccounts = Object.fromEntries(DEMO_FEED_SYMBOLS.map((s) => [s, DEMO.priceAccounts[s]])) as Record<DemoFeedSymbol, PublicKey>;
  const stake = seedStake(chain);
  const governance = await seedGovernance(chain, clock);
  const positions = seedDemoPositions(chain);
  const squads = seedSquadsVault(chain, clock);
  return { addresses: DEMO, clock, sol, tokens, priceAccounts, stake, governance, positions, squads, accounts: [...written.values()] };
}
