// What the embedded chain remembers about landed transactions: statuses for
// getSignatureStatuses, full records for getTransaction, and per-address signature lists for
// getSignaturesForAddress. Bounded: the oldest records are evicted past `capacity`, as a
// validator without a ledger archive forgets old transactions.
import type { TransactionMetadata } from 'litesvm';
import type { TransactionErrorJson } from './tx-errors.js';

/** The execution details of a landed transaction, read out of LiteSVM's metadata. */
export interface RecordedMeta {
  logs: string[];
  unitsConsumed: bigint;
  returnData: { programId: string; data: Uint8Array } | null;
  innerInstructions: {
    index: number;
    instructions: { programIdIndex: number; accounts: number[]; data: Uint8Array; stackHeight: number }[];
  }[];
}

export interface TokenSnapshot {
  accountIndex: number;
  programId: string;
  data: Uint8Array;
}

export interface TransactionRecord {
  signature: string;
  slot: bigint;
  blockTime: number;
  /** The transaction as sent (wire bytes). */
  raw: Uint8Array;
  /** Every account key in order: static keys, then writable and readonly loaded addresses. */
  accountKeys: Uint8Array[];
  loadedWritable: number;
  loadedReadonly: number;
  err: TransactionErrorJson | null;
  fee: bigint;
  preBalances: bigint[];
  postBalances: bigint[];
  preTokens: TokenSnapshot[];
  postTokens: TokenSnapshot[];
  /**
   * LiteSVM's metadata (logs, inner instructions, compute units, return data; read lazily), or
   * those details already read, for a record restored from a saved chain state.
   */
  meta: TransactionMetadata | RecordedMeta;
}

const PER_ADDRESS_LIMIT = 2000;

export class TransactionHistory {
  readonly #records = new Map<string, TransactionRecord>();
  readonly #byAddress = new Map<string, string[]>();

  constructor(readonly capacity: number) {}

  add(record: TransactionRecord): void {
    this.#records.set(record.signature, record);
    for (const key of record.accountKeys) {
      const hex = Buffer.from(key.buffer, key.byteOffset, 32).toString('hex');
      let list = this.#byAddress.get(hex);
      if (!list) this.#byAddress.set(hex, (list = []));
      list.push(record.signature);
      // Trim in bulk so the hot path stays O(1) amortized.
      if (list.length > PER_ADDRESS_LIMIT * 2) list.splice(0, list.length - PER_ADDRESS_LIMIT);
    }
    if (this.#records.size > this.capacity) {
      const oldest = this.#records.keys().next();
      if (!oldest.done) this.#records.delete(oldest.value);
    }
  }

  get(signature: string): TransactionRecord | undefined {
    return this.#records.get(signature);
  }

  has(signature: string): boolean {
    return this.#records.has(signature);
  }

  get size(): number {
    return this.#records.size;
  }

  /** Every record, oldest first (for saving the chain's state). */
  all(): IterableIterator<TransactionRecord> {
    return this.#records.values();
  }

  /** Records that mention `key`, newest first. */
  forAddress(key: Uint8Array): TransactionRecord[] {
    const list = this.#byAddress.get(Buffer.from(key.buffer, key.byteOffset, 32).toString('hex')) ?? [];
    const out: TransactionRecord[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const record = this.#records.get(list[i] as string);
      if (record) out.push(record);
    }
    return out;
  }
}
