// Every address the embedded chain has seen. LiteSVM 0.8 cannot enumerate its accounts, so
// getProgramAccounts and the by-owner/by-delegate queries walk this index instead. Addresses
// enter from transaction keys, airdrops, injected accounts and programs; an address whose
// account is found empty (closed) is dropped when it is next looked at.

export class AccountIndex {
  readonly #keys = new Map<string, Uint8Array>();

  /** Records `key` (32 bytes); cheap when it is already known. */
  add(key: Uint8Array): void {
    const hex = Buffer.from(key.buffer, key.byteOffset, 32).toString('hex');
    if (!this.#keys.has(hex)) this.#keys.set(hex, Uint8Array.from(key));
  }

  remove(key: Uint8Array): void {
    this.#keys.delete(Buffer.from(key.buffer, key.byteOffset, 32).toString('hex'));
  }

  has(key: Uint8Array): boolean {
    return this.#keys.has(Buffer.from(key.buffer, key.byteOffset, 32).toString('hex'));
  }

  get size(): number {
    return this.#keys.size;
  }

  /** A snapshot of the keys, safe to iterate while the index changes. */
  keys(): Uint8Array[] {
    return [...this.#keys.values()];
  }
}
