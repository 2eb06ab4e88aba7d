// A simulation's post-state only means something next to a pre-state of the same moment, and
// nothing ties one RPC read to the slot another ran at (slots advance every ~400 ms, providers
// balance requests across nodes). So the pre-state is read twice around the simulation:
//
//   read A (slot a)  →  simulate (minContextSlot a, runs at slot s)  →  read B (minContextSlot s)
//
// An account that matters (a treasury account) and differs between A and B moved while the
// simulation ran, and a delta against either read could hide an outflow: the round is repeated,
// a bounded number of times, and the caller learns which accounts kept moving. When nothing
// that matters moved, the caller has both reads to bound each pre-balance conservatively.
// What stays possible is a change and its exact reversal inside one round (A and B equal, the
// simulation seeing the middle); on a validator that needs a < b: a = b rules it out.
import type { AccountInfo } from '@solana/web3.js';

/** Context slots of the reads one delta came from. */
export interface BetweenReadsSlots {
  /** Slot of the pre-state read before the simulation (the lowest, when it took several requests). */
  pre: number;
  /** Slot the simulation ran at. */
  simulation: number;
  /** Slot of the pre-state read after the simulation (the lowest, when it took several requests). */
  recheck: number;
}

export interface AccountsRead {
  accounts: (AccountInfo<Buffer> | null)[];
  /** Lowest and highest context slot of the requests the read took. */
  minSlot: number;
  maxSlot: number;
}

export interface BetweenReads<S> {
  before: AccountsRead;
  after: AccountsRead;
  simulation: S;
  slots: BetweenReadsSlots;
  /** Rounds taken; more than one when an account that matters moved meanwhile. */
  rounds: number;
  /** Indexes of the accounts that matter and moved in the last round (empty: the reads agree). */
  moved: number[];
}

export interface SimulateBetweenReadsParams<S> {
  /** Reads every account of interest, answering from `minContextSlot` or later when given. */
  read: (minContextSlot: number | undefined) => Promise<AccountsRead>;
  /** Simulates at `minContextSlot` or later (`before`: this round's first read); returns the slot it ran at. */
  simulate: (minContextSlot: number, before: AccountsRead) => Promise<{ slot: number; result: S }>;
  /** Whether a change of account `index` between the reads matters (it is the treasury's). */
  matters: (index: number, before: AccountInfo<Buffer> | null, after: AccountInfo<Buffer> | null, simulation: S) => boolean;
  /** Rounds before giving up on accounts that keep moving (at least 1). */
  maxRounds: number;
  /** Whether this simulation's result has no post-state to compare (it failed): no second read, one round. */
  final?: (simulation: S) => boolean;
}

export const DEFAULT_SIMULATION_ROUNDS = 3;

export function sameAccountInfo(a: AccountInfo<Buffer> | null | undefined, b: AccountInfo<Buffer> | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.lamports === b.lamports && a.owner.equals(b.owner) && a.executable === b.executable && a.data.equals(b.data);
}

export async function simulateBetweenReads<S>(params: SimulateBetweenReadsParams<S>): Promise<BetweenReads<S>> {
  const maxRounds = Math.max(1, params.maxRounds);
  let floor: number | undefined;
  for (let round = 1; ; round++) {
    const before = await params.read(floor);
    const { slot, result } = await params.simulate(before.maxSlot, before);
    // A simulation with nothing to compare (it failed, or was skipped) needs no second read.
    const final = params.final?.(result) ?? false;
    const after = final ? before : await params.read(slot);
    floor = after.maxSlot;
    const slots = { pre: before.minSlot, simulation: slot, recheck: after.minSlot };
    const moved: number[] = [];
    before.accounts.forEach((account, i) => {
      const again = after.accounts[i] ?? null;
      if (!sameAccountInfo(account, again) && params.matters(i, account ?? null, again, result)) moved.push(i);
    });
    if (moved.length === 0 || round >= maxRounds) return { before, after, simulation: result, slots, rounds: round, moved };
  }
}
