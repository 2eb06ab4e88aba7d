// What getRecentPrioritizationFees reports, kept as a validator's prioritization-fee cache is:
// for each of the last 150 slots that landed transactions, the lowest compute-unit price paid
// in the slot and the lowest paid by transactions write-locking each account. A query for some
// accounts gets, per slot, the larger of the slot's lowest fee and those accounts' lowest fees.
import type { CommitEvent, EmbeddedChain } from './embedded-chain.js';
import { isStaticWritable, parseWireTransaction } from './wire.js';

const COMPUTE_BUDGET_PROGRAM = Buffer.from('0306466fe5211732ffecadba72c39be7bc8ce5bbc5f7126b2c439b3a40000000', 'hex');
/** Slots a validator's cache covers. */
export const PRIORITIZATION_FEE_SLOTS = 150;

interface SlotFees {
  lowest: bigint;
  /** hex key → lowest price among transactions write-locking it */
  byAccount: Map<string, bigint>;
}

/** The compute-unit price (micro-lamports) a transaction sets with SetComputeUnitPrice, 0 without. */
export function computeUnitPrice(raw: Uint8Array): bigint {
  const wire = parseWireTransaction(raw);
  let price = 0n;
  for (const ix of wire.instructions) {
    const program = wire.staticKeys[ix.programIdIndex];
    if (program && Buffer.compare(program, COMPUTE_BUDGET_PROGRAM) === 0 && ix.data[0] === 3 && ix.data.length >= 9) {
      price = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength).getBigUint64(1, true);
    }
  }
  return price;
}

export class PrioritizationFees {
  readonly #slots = new Map<bigint, SlotFees>();
  readonly #off: () => void;

  constructor(private readonly chain: EmbeddedChain) {
    this.#off = chain.onCommit((event) => this.#record(event));
  }

  close(): void {
    this.#off();
  }

  #record(event: CommitEvent): void {
    if (!event.signature) return;
    const record = this.chain.history.get(event.signature);
    if (!record) return;
    const price = computeUnitPrice(record.raw);
    const wire = parseWireTransaction(record.raw);
    let slot = this.#slots.get(record.slot);
    if (!slot) {
      this.#slots.set(record.slot, (slot = { lowest: price, byAccount: new Map() }));
      for (const old of this.#slots.keys()) {
        if (record.slot - old < BigInt(PRIORITIZATION_FEE_SLOTS)) break;
        this.#slots.delete(old);
      }
    }
    if (price < slot.lowest) slot.lowest = price;
    record.accountKeys.forEach((key, i) => {
      const writable = i < wire.staticKeys.length ? isStaticWritable(wire, i) : i < wire.staticKeys.length + record.loadedWritable;
      if (!writable) return;
      const hex = Buffer.from(key).toString('hex');
      const known = slot.byAccount.get(hex);
      if (known === undefined || price < known) slot.byAccount.set(hex, price);
    });
  }

  /** One entry per recent slot with transactions, oldest first. */
  recent(accounts: readonly Uint8Array[]): { slot: number; prioritizationFee: number }[] {
    const now = this.chain.slot;
    const hexes = accounts.map((key) => Buffer.from(key).toString('hex'));
    const out: { slot: number; prioritizationFee: number }[] = [];
    for (const [slot, fees] of this.#slots) {
      if (now - slot >= BigInt(PRIORITIZATION_FEE_SLOTS)) continue;
      let fee = fees.lowest;
      for (const hex of hexes) {
        const own = fees.byAccount.get(hex);
        if (own !== undefined && own > fee) fee = own;
      }
      out.push({ slot: Number(slot), prioritizationFee: Number(fee) });
    }
    return out;
  }
}
