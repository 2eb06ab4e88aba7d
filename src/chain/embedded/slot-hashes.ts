// The SlotHashes sysvar kept up to date as the embedded chain's slots advance: the most recent
// 512 slots, newest first, each with a hash (the blockhash produced at that slot; a slot the
// chain skipped over gets a hash derived from its number). LiteSVM leaves the sysvar at slot 0,
// so without this an address lookup table could only be created with `recentSlot: 0`. Unlike a
// validator (whose SlotHashes stops at the parent slot) the current slot is included, so the
// common "getSlot(), then create the table" works at once.
import { createHash } from 'node:crypto';
import { Account } from 'litesvm';
import type { LiteSvm } from 'litesvm/dist/internal.js';
import { PublicKey } from '@solana/web3.js';

const SLOT_HASHES = new PublicKey('SysvarS1otHashes111111111111111111111111111').toBytes();
const SYSVAR_OWNER = new PublicKey('Sysvar1111111111111111111111111111111111111').toBytes();
export const MAX_SLOT_HASHES = 512;
const ENTRY = 40;

/** The hash the chain gives a slot it skipped over (no blockhash was produced there). */
export function skippedSlotHash(slot: bigint): Uint8Array {
  return createHash('sha256').update(`steward-slot-${slot}`).digest();
}

export class SlotHashes {
  /** Newest first. */
  readonly #entries: { slot: bigint; hash: Uint8Array }[] = [];

  /** Records `slot` (and any slots skipped since the last one) and rewrites the sysvar. */
  record(vm: LiteSvm, slot: bigint, hash: Uint8Array): void {
    const last = this.#entries[0]?.slot ?? -1n;
    if (slot <= last) return;
    const from = slot - last > BigInt(MAX_SLOT_HASHES) ? slot - BigInt(MAX_SLOT_HASHES) + 1n : last + 1n;
    for (let s = from; s < slot; s++) this.#entries.unshift({ slot: s, hash: skippedSlotHash(s) });
    this.#entries.unshift({ slot, hash });
    if (this.#entries.length > MAX_SLOT_HASHES) this.#entries.length = MAX_SLOT_HASHES;
    const data = Buffer.alloc(8 + MAX_SLOT_HASHES * ENTRY);
    data.writeBigUInt64LE(BigInt(this.#entries.length), 0);
    this.#entries.forEach((entry, i) => {
      data.writeBigUInt64LE(entry.slot, 8 + i * ENTRY);
      data.set(entry.hash.subarray(0, 32), 16 + i * ENTRY);
    });
    const lamports = vm.getAccount(SLOT_HASHES)?.lamports() ?? 1n;
    vm.setAccount(SLOT_HASHES, new Account(lamports, data, SYSVAR_OWNER, false, 0n));
  }
}
