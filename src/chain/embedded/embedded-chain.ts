// The embedded chain: LiteSVM (the real Solana runtime) plus what a cluster has and LiteSVM
// lacks: slots that advance with wall time, a window of ~150 recent blockhashes, an index of
// accounts, transaction history and commit events. The JSON-RPC server (rpc-server.ts) and
// in-process seeders (ChainWriter) both drive this one object.
import './v8-flags.js';
import { Account, EpochSchedule, FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from 'litesvm';
import type { LiteSvm } from 'litesvm/dist/internal.js';
import { Keypair, PublicKey, SystemProgram, Transaction, VersionedTransaction } from '@solana/web3.js';
import { StewardError } from '../../errors/index.js';
import { AccountIndex } from './account-index.js';
import { isDurableNonceValid } from './durable-nonce.js';
import { SlotHashes } from './slot-hashes.js';
import { decodeBase58, encodeBase58 } from '../../shared/base58.js';
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM, isTokenAccountData } from './token-parse.js';
import { b64, CHAIN_STATE_VERSION, unb64, type ChainState } from './chain-state.js';
import { TransactionHistory, type RecordedMeta, type TokenSnapshot, type TransactionRecord } from './transaction-history.js';
import { transactionErrorJson, transactionErrorMessage, type TransactionErrorJson } from './tx-errors.js';
import type { ChainClock, ChainWriter, InjectedAccount, ProcessedTransaction } from './types.js';
import { isStaticWritable, parseWireTransaction, type WireTransaction } from './wire.js';

export interface EmbeddedChainOptions {
  /** Wall clock in milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** Milliseconds per slot (a cluster's ~400 ms). */
  slotMs?: number;
  /** Advance slots with the wall clock (default true). Off: only advanceSlots() moves time. */
  autoAdvance?: boolean;
  /** Slots a blockhash stays valid (a cluster's 150). */
  blockhashValiditySlots?: number;
  /** Landed transactions kept for getTransaction / getSignatureStatuses. */
  historyCapacity?: number;
  /** Continue a chain saved with exportState(): same identity, accounts, history and blockhashes. */
  restore?: ChainState;
  /** Start at this slot and chain time (a fork starts where its upstream's Clock was), then advance locally. */
  start?: { slot: bigint; unixTimestamp: bigint };
}

export interface RawAccount {
  lamports: bigint;
  data: Uint8Array;
  owner: Uint8Array;
  executable: boolean;
}

export interface ExecutionDetails extends RecordedMeta {
  err: TransactionErrorJson | null;
}

export type InnerInstructionSet = RecordedMeta['innerInstructions'][number];

export type SendOutcome =
  | { kind: 'landed'; signature: string; record: TransactionRecord }
  /** skipPreflight with an unknown blockhash: accepted, never lands (as on a cluster). */
  | { kind: 'dropped'; signature: string }
  | { kind: 'rejected'; signature: string; reason: 'blockhash' | 'signature' | 'preflight'; details: ExecutionDetails };

export interface SimulationOutcome extends ExecutionDetails {
  /** Post-simulation state of the accounts the transaction touched (null entry: closed). */
  postAccounts: Map<string, RawAccount | null>;
  replacementBlockhash: { blockhash: string; lastValidBlockHeight: bigint } | null;
  accountKeys: Uint8Array[];
}

export interface CommitEvent {
  signature: string;
  slot: bigint;
  err: TransactionErrorJson | null;
  /** Hex of every writable key whose account may have changed. */
  changed: string[];
}

export const SLOTS_PER_EPOCH = 432_000n;
const LAMPORTS_PER_SIGNATURE = 5000n;
const FAUCET_LAMPORTS = 1n << 62n;
const ALT_META_SIZE = 56;
const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';
const TOKEN_PROGRAM_BYTES = new PublicKey(TOKEN_PROGRAM).toBytes();
const TOKEN_2022_PROGRAM_BYTES = new PublicKey(TOKEN_2022_PROGRAM).toBytes();

const hexOf = (key: Uint8Array) => Buffer.from(key.buffer, key.byteOffset, 32).toString('hex');
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

function tokenProgramOf(owner: Uint8Array): string | null {
  if (sameBytes(owner, TOKEN_PROGRAM_BYTES)) return TOKEN_PROGRAM;
  if (sameBytes(owner, TOKEN_2022_PROGRAM_BYTES)) return TOKEN_2022_PROGRAM;
  return null;
}

export class EmbeddedChain implements ChainWriter {
  readonly svm: LiteSVM;
  /** LiteSVM's native core: raw wire bytes in, no web3.js round trip (and Rust sigverify). */
  readonly #vm: LiteSvm;
  readonly index = new AccountIndex();
  readonly history: TransactionHistory;
  readonly slotMs: number;
  readonly blockhashValiditySlots: bigint;
  readonly genesisHash: string;
  /** This chain's own identity (every LiteSVM chain reports the same genesis hash); kept across restores. */
  readonly chainId: string;
  readonly #now: () => number;
  readonly #autoAdvance: boolean;
  #startMs: number;
  readonly #startSlot: bigint;
  #offsetMs = 0;
  /** Set by atTime(): the Clock sysvar reads this instead of wall time. */
  #pinnedUnix: bigint | null = null;
  #slot: bigint;
  #transactionCount = 0n;
  /** blockhash → slot it was produced in, oldest first. */
  readonly #recent = new Map<string, bigint>();
  #faucet = Keypair.generate();
  readonly #mintDecimals = new Map<string, number>();
  readonly #commitListeners = new Set<(event: CommitEvent) => void>();
  readonly #slotListeners = new Set<(slot: bigint) => void>();
  readonly #slotHashes = new SlotHashes();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: EmbeddedChainOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.slotMs = options.slotMs ?? 400;
    this.#autoAdvance = options.autoAdvance ?? true;
    this.blockhashValiditySlots = BigInt(options.blockhashValiditySlots ?? 150);
    this.history = new TransactionHistory(options.historyCapacity ?? 20_000);
    // Blockhash checks are ours (a window, not only the latest hash); history stays small
    // because duplicates are caught against our own history first.
    this.svm = new LiteSVM().withBlockhashCheck(false).withTransactionHistory(0n);
    this.#vm = (this.svm as unknown as { inner: LiteSvm }).inner;
    this.svm.setEpochSchedule(new EpochSchedule(SLOTS_PER_EPOCH, SLOTS_PER_EPOCH, false, 0n, 0n));
    this.#startMs = options.start ? Number(options.start.unixTimestamp) * 1000 : this.#now();
    this.#startSlot = options.start?.slot ?? 1n;
    // A fork's chain time starts at its upstream's: the wall clock moves it on from there.
    if (options.start) this.#offsetMs = this.#startMs - this.#now();
    this.#slot = 0n;
    this.genesisHash = this.svm.latestBlockhash();
    this.chainId = options.restore?.chainId ?? Buffer.from(Keypair.generate().publicKey.toBytes().subarray(0, 8)).toString('hex');
    if (options.restore) {
      this.#restore(options.restore);
    } else {
      this.#moveToSlot(this.#startSlot);
      this.#vm.setAccount(
        this.#faucet.publicKey.toBytes(),
        new Account(FAUCET_LAMPORTS, new Uint8Array(), SystemProgram.programId.toBytes(), false, 0n),
      );
    }
    if (this.#autoAdvance) {
      this.#timer = setInterval(() => this.tick(), this.slotMs);
      this.#timer.unref();
    }
  }

  /** Stops the slot timer. The chain stays readable. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#commitListeners.clear();
    this.#slotListeners.clear();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  // ---- time ---------------------------------------------------------------------------

  get slot(): bigint {
    this.tick();
    return this.#slot;
  }

  get transactionCount(): bigint {
    return this.#transactionCount;
  }

  /** Catches the slot up with the wall clock (no-op when autoAdvance is off). */
  tick(): void {
    if (!this.#autoAdvance) return;
    const elapsed = this.#now() + this.#offsetMs - this.#startMs;
    const target = this.#startSlot + BigInt(Math.max(0, Math.floor(elapsed / this.slotMs)));
    if (target > this.#slot) this.#moveToSlot(target);
  }

  /** Moves the chain `count` slots ahead (and its clock by count × slotMs): blockhashes expire. */
  advanceSlots(count: number | bigint): void {
    const n = BigInt(count);
    if (n <= 0n) return;
    this.#offsetMs += Number(n) * this.slotMs;
    this.#moveToSlot(this.#slot + n);
  }

  #unixTimestampAt(slot: bigint): bigint {
    return BigInt(Math.floor((this.#startMs + Number(slot - this.#startSlot) * this.slotMs) / 1000));
  }

  #moveToSlot(slot: bigint): void {
    this.#slot = slot;
    this.svm.warpToSlot(slot);
    const clock = this.svm.getClock();
    clock.unixTimestamp = this.#pinnedUnix ?? this.#unixTimestampAt(slot);
    clock.epoch = slot / SLOTS_PER_EPOCH;
    clock.leaderScheduleEpoch = slot / SLOTS_PER_EPOCH + 1n;
    clock.epochStartTimestamp = this.#unixTimestampAt((slot / SLOTS_PER_EPOCH) * SLOTS_PER_EPOCH);
    this.svm.setClock(clock);
    this.#rotateBlockhash();
    this.#slotHashes.record(this.#vm, slot, decodeBase58(this.svm.latestBlockhash()) as Uint8Array);
    for (const [hash, produced] of this.#recent) {
      if (slot - produced <= this.blockhashValiditySlots) break;
      this.#recent.delete(hash);
    }
    for (const listener of this.#slotListeners) listener(slot);
  }

  #rotateBlockhash(): void {
    this.svm.expireBlockhash();
    this.#recent.set(this.svm.latestBlockhash(), this.#slot);
  }

  latestBlockhash(): string {
    this.tick();
    return this.svm.latestBlockhash();
  }

  /** The latest blockhash and the last block height at which it is still accepted. */
  latestBlockhashWithHeight(): { blockhash: string; lastValidBlockHeight: bigint } {
    const blockhash = this.latestBlockhash();
    return { blockhash, lastValidBlockHeight: (this.#recent.get(blockhash) ?? this.#slot) + this.blockhashValiditySlots };
  }

  isBlockhashValid(blockhash: string): boolean {
    this.tick();
    const produced = this.#recent.get(blockhash);
    return produced !== undefined && this.#slot - produced <= this.blockhashValiditySlots;
  }

  /** A recent blockhash, or the durable nonce of the account the transaction advances first. */
  #acceptsBlockhash(wire: WireTransaction): boolean {
    return this.isBlockhashValid(encodeBase58(wire.recentBlockhash)) || isDurableNonceValid(wire, (key) => this.readRaw(key));
  }

  clock(): ChainClock {
    this.tick();
    return { slot: this.#slot, unixTimestamp: this.#pinnedUnix ?? this.#unixTimestampAt(this.#slot) };
  }

  atTime<T>(unixTimestamp: bigint, run: () => T): T {
    if (this.#pinnedUnix !== null) throw new StewardError('INTERNAL', 'atTime() calls do not nest');
    this.#pinnedUnix = unixTimestamp;
    this.#setClockTimestamp(unixTimestamp);
    try {
      return run();
    } finally {
      this.#pinnedUnix = null;
      this.#setClockTimestamp(this.#unixTimestampAt(this.#slot));
    }
  }

  #setClockTimestamp(unixTimestamp: bigint): void {
    const clock = this.svm.getClock();
    clock.unixTimestamp = unixTimestamp;
    this.svm.setClock(clock);
  }

  blockTime(slot: bigint): number {
    return Number(this.#unixTimestampAt(slot));
  }

  // ---- accounts -----------------------------------------------------------------------

  /** The account at `key` or null (a validator treats zero lamports as no account). */
  /**
   * `key`'s account if `program` owns it; null when it is empty (closed), undefined when another
   * program owns it. Its data is not copied out of LiteSVM unless it matches: a scan over every
   * address otherwise copied every program's executable (hundreds of KB each) per query.
   */
  readOwnedBy(key: Uint8Array, program: Uint8Array): RawAccount | null | undefined {
    const account = this.#vm.getAccount(key);
    if (!account) return null;
    const lamports = account.lamports();
    if (lamports === 0n) return null;
    const owner = account.owner();
    if (Buffer.compare(owner, program) !== 0) return undefined;
    return { lamports, data: account.data(), owner, executable: account.executable() };
  }

  readRaw(key: Uint8Array): RawAccount | null {
    const account = this.#vm.getAccount(key);
    if (!account) return null;
    const lamports = account.lamports();
    if (lamports === 0n) return null;
    return { lamports, data: account.data(), owner: account.owner(), executable: account.executable() };
  }

  getAccount(address: PublicKey): InjectedAccount | null {
    const raw = this.readRaw(address.toBytes());
    return raw && { lamports: raw.lamports, data: raw.data, owner: new PublicKey(raw.owner), executable: raw.executable };
  }

  setAccount(address: PublicKey, account: InjectedAccount): void {
    const key = address.toBytes();
    this.#vm.setAccount(key, new Account(account.lamports, account.data, account.owner.toBytes(), account.executable ?? false, 0n));
    this.index.add(key);
    this.#mintDecimals.delete(hexOf(key));
    this.#emitCommit({ signature: '', slot: this.#slot, err: null, changed: [hexOf(key)] });
  }

  addProgram(programId: PublicKey, elf: Uint8Array): void {
    this.svm.addProgram(programId, elf);
    this.index.add(programId.toBytes());
  }

  hasProgram(programId: PublicKey): boolean {
    return this.readRaw(programId.toBytes())?.executable === true;
  }

  /** Sends lamports from the chain's faucet in a real, signed system transfer. */
  airdrop(address: PublicKey, lamports: bigint): void {
    this.requestAirdrop(address, lamports);
  }

  /** Like airdrop(), returning the transfer's signature (for the RPC's requestAirdrop). */
  requestAirdrop(address: PublicKey, lamports: bigint): string {
    for (let attempt = 0; attempt < 2; attempt++) {
      const tx = new Transaction({ feePayer: this.#faucet.publicKey, recentBlockhash: this.latestBlockhash() });
      tx.add(SystemProgram.transfer({ fromPubkey: this.#faucet.publicKey, toPubkey: address, lamports }));
      tx.sign(this.#faucet);
      const outcome = this.submit(tx.serialize(), { skipPreflight: false });
      if (outcome.kind === 'landed') return outcome.signature;
      // The same airdrop twice in one slot has the same signature: take a fresh blockhash.
      if (outcome.kind === 'rejected' && outcome.details.err === 'AlreadyProcessed') {
        this.#rotateBlockhash();
        continue;
      }
      const err = outcome.kind === 'rejected' ? outcome.details.err : 'dropped';
      throw new StewardError('CHAIN_FAILED', `airdrop of ${lamports} lamports to ${address.toBase58()} failed: ${JSON.stringify(err)}`, {
        hint: "airdrops come from the embedded chain's faucet; check the amount fits in a u64",
        context: { address: address.toBase58(), lamports: lamports.toString() },
      });
    }
    throw new StewardError('INTERNAL', 'airdrop kept colliding with an identical earlier airdrop');
  }

  /** Decimals of the mint at base-58 `mint`, or null when it is not an initialized mint. */
  mintDecimals(mint: string): number | null {
    const cached = this.#mintDecimals.get(mint);
    if (cached !== undefined) return cached;
    const key = decodeBase58(mint);
    if (!key || key.length !== 32) return null;
    const raw = this.readRaw(key);
    if (!raw || tokenProgramOf(raw.owner) === null || raw.data.length < 82 || raw.data[45] !== 1) return null;
    const decimals = raw.data[44] as number;
    this.#mintDecimals.set(mint, decimals);
    return decimals;
  }

  // ---- transactions -------------------------------------------------------------------

  processTransaction(tx: Transaction | VersionedTransaction): ProcessedTransaction {
    const raw = tx.serialize();
    const outcome = this.submit(raw, { skipPreflight: false });
    if (outcome.kind === 'landed') {
      const meta = recordedMeta(outcome.record.meta);
      return { signature: outcome.signature, logs: meta.logs, computeUnits: meta.unitsConsumed };
    }
    const details = outcome.kind === 'rejected' ? outcome.details : null;
    const err = details?.err ?? 'BlockhashNotFound';
    throw new StewardError('CHAIN_FAILED', `transaction ${outcome.signature} failed: ${transactionErrorMessage(err)}`, {
      hint: details?.logs.length
        ? 'see the program logs in the error context'
        : 'use chain.latestBlockhash() for the recent blockhash and sign with every required signer',
      context: { signature: outcome.signature, err, logs: details?.logs ?? [] },
    });
  }

  /** Resolves the full account key list (static, then loaded writable, then loaded readonly). */
  #accountKeys(wire: WireTransaction): { keys: Uint8Array[]; loadedWritable: number; loadedReadonly: number } | null {
    if (wire.lookups.length === 0) return { keys: wire.staticKeys, loadedWritable: 0, loadedReadonly: 0 };
    const writable: Uint8Array[] = [];
    const readonly: Uint8Array[] = [];
    for (const lookup of wire.lookups) {
      const table = this.readRaw(lookup.accountKey);
      if (!table) return null;
      const at = (i: number) => {
        const start = ALT_META_SIZE + 32 * i;
        return start + 32 <= table.data.length ? table.data.subarray(start, start + 32) : null;
      };
      for (const i of lookup.writableIndexes) {
        const key = at(i);
        if (!key) return null;
        writable.push(key);
      }
      for (const i of lookup.readonlyIndexes) {
        const key = at(i);
        if (!key) return null;
        readonly.push(key);
      }
    }
    return { keys: [...wire.staticKeys, ...writable, ...readonly], loadedWritable: writable.length, loadedReadonly: readonly.length };
  }

  #isWritable(wire: WireTransaction, index: number, loadedWritable: number): boolean {
    if (index < wire.staticKeys.length) return isStaticWritable(wire, index);
    return index < wire.staticKeys.length + loadedWritable;
  }

  /** The fee a validator charges: 5000 lamports per signature plus the priority fee. */
  feeFor(wire: Pick<WireTransaction, 'header' | 'staticKeys' | 'instructions'>): bigint {
    let unitLimit: bigint | null = null;
    let unitPrice = 0n;
    let others = 0n;
    for (const ix of wire.instructions) {
      const program = wire.staticKeys[ix.programIdIndex];
      if (program && encodeBase58(program) === COMPUTE_BUDGET_PROGRAM) {
        const view = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
        if (ix.data[0] === 2 && ix.data.length >= 5) unitLimit = BigInt(view.getUint32(1, true));
        if (ix.data[0] === 3 && ix.data.length >= 9) unitPrice = view.getBigUint64(1, true);
      } else {
        others++;
      }
    }
    const limit = unitLimit ?? (others * 200_000n > 1_400_000n ? 1_400_000n : others * 200_000n);
    const priority = (unitPrice * limit + 999_999n) / 1_000_000n;
    return LAMPORTS_PER_SIGNATURE * BigInt(wire.header.numRequiredSignatures) + priority;
  }

  #details(result: TransactionMetadata | FailedTransactionMetadata): ExecutionDetails {
    const failed = result instanceof FailedTransactionMetadata;
    const meta = failed ? result.meta() : result;
    return { err: failed ? transactionErrorJson(result.err()) : null, ...describeMeta(meta) };
  }

  /**
   * Sends wire bytes as a validator's sendTransaction does: blockhash window, duplicate and
   * signature checks, optional preflight (a failing preflight does not land), then execution.
   * A transaction that fails in a program lands with its error and pays its fee.
   */
  submit(raw: Uint8Array, options: { skipPreflight: boolean }): SendOutcome {
    this.tick();
    const wire = parseWireTransaction(raw);
    const signature = encodeBase58(wire.signatures[0] as Uint8Array);
    const empty = (err: TransactionErrorJson): ExecutionDetails => ({
      err,
      logs: [],
      unitsConsumed: 0n,
      returnData: null,
      innerInstructions: [],
    });
    if (!this.#acceptsBlockhash(wire)) {
      return options.skipPreflight
        ? { kind: 'dropped', signature }
        : { kind: 'rejected', signature, reason: 'blockhash', details: empty('BlockhashNotFound') };
    }
    if (this.history.has(signature)) return { kind: 'rejected', signature, reason: 'preflight', details: empty('AlreadyProcessed') };
    const resolved = this.#accountKeys(wire);
    if (!resolved) return { kind: 'rejected', signature, reason: 'preflight', details: empty('AddressLookupTableNotFound') };
    const legacy = wire.version === 'legacy';
    if (!options.skipPreflight) {
      const simulated = legacy ? this.#vm.simulateLegacyTransaction(raw) : this.#vm.simulateVersionedTransaction(raw);
      if (simulated instanceof FailedTransactionMetadata) {
        const details = this.#details(simulated);
        return { kind: 'rejected', signature, reason: details.err === 'SignatureFailure' ? 'signature' : 'preflight', details };
      }
    }
    const { keys } = resolved;
    const preBalances: bigint[] = new Array(keys.length);
    const preTokens: TokenSnapshot[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as Uint8Array;
      const account = this.#vm.getAccount(key);
      preBalances[i] = account?.lamports() ?? 0n;
      if (account && this.#isWritable(wire, i, resolved.loadedWritable)) {
        const program = tokenProgramOf(account.owner());
        if (program) {
          const data = account.data();
          if (isTokenAccountData(data)) preTokens.push({ accountIndex: i, programId: program, data });
        }
      }
    }
    // A passed preflight has just verified these exact bytes' signatures and account locks
    // (LiteSVM's sanitize-with-verify), and nothing ran since: verifying them again cannot
    // change the answer, so the send skips only that (its execution and checks are all done).
    const verified = !options.skipPreflight;
    if (verified) this.#vm.setSigverify(false);
    let result: TransactionMetadata | FailedTransactionMetadata;
    try {
      result = legacy ? this.#vm.sendLegacyTransaction(raw) : this.#vm.sendVersionedTransaction(raw);
    } finally {
      if (verified) this.#vm.setSigverify(true);
    }
    if (result instanceof FailedTransactionMetadata) {
      const err = result.err();
      // Fieldless errors (fee payer, signature, lookup failures) reject the transaction before
      // it is included in a block; instruction errors land and pay the fee.
      if (typeof err === 'number') {
        const details = this.#details(result);
        return { kind: 'rejected', signature, reason: details.err === 'SignatureFailure' ? 'signature' : 'preflight', details };
      }
    }
    const meta = result instanceof FailedTransactionMetadata ? result.meta() : result;
    const postBalances: bigint[] = new Array(keys.length);
    const postTokens: TokenSnapshot[] = [];
    const changed: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as Uint8Array;
      if (!this.#isWritable(wire, i, resolved.loadedWritable)) {
        postBalances[i] = preBalances[i] as bigint;
        this.index.add(key);
        continue;
      }
      const account = this.#vm.getAccount(key);
      const lamports = account?.lamports() ?? 0n;
      postBalances[i] = lamports;
      if (lamports === 0n) this.index.remove(key);
      else this.index.add(key);
      if (account && lamports > 0n) {
        const program = tokenProgramOf(account.owner());
        if (program) {
          const data = account.data();
          if (isTokenAccountData(data)) postTokens.push({ accountIndex: i, programId: program, data });
        }
      }
      changed.push(hexOf(key));
    }
    const err = result instanceof FailedTransactionMetadata ? transactionErrorJson(result.err()) : null;
    const record: TransactionRecord = {
      signature,
      slot: this.#slot,
      blockTime: this.blockTime(this.#slot),
      raw,
      accountKeys: keys,
      loadedWritable: resolved.loadedWritable,
      loadedReadonly: resolved.loadedReadonly,
      err,
      fee: this.feeFor(wire),
      preBalances,
      postBalances,
      preTokens,
      postTokens,
      meta,
    };
    this.history.add(record);
    this.#transactionCount++;
    this.#emitCommit({ signature, slot: this.#slot, err, changed });
    return { kind: 'landed', signature, record };
  }

  /**
   * Simulates wire bytes without changing state. Signatures are checked only with
   * `sigVerify`; `replaceRecentBlockhash` runs it against the latest blockhash instead.
   */
  simulate(raw: Uint8Array, options: { sigVerify: boolean; replaceRecentBlockhash: boolean }): SimulationOutcome {
    this.tick();
    const wire = parseWireTransaction(raw);
    let bytes = raw;
    let replacementBlockhash: SimulationOutcome['replacementBlockhash'] = null;
    const base = { postAccounts: new Map<string, RawAccount | null>(), replacementBlockhash, accountKeys: wire.staticKeys };
    if (options.replaceRecentBlockhash) {
      replacementBlockhash = this.latestBlockhashWithHeight();
      bytes = Uint8Array.from(raw);
      bytes.set(decodeBase58(replacementBlockhash.blockhash) as Uint8Array, wire.blockhashOffset);
    } else if (!this.#acceptsBlockhash(wire)) {
      return { ...base, err: 'BlockhashNotFound', logs: [], unitsConsumed: 0n, returnData: null, innerInstructions: [] };
    }
    const resolved = this.#accountKeys(wire);
    if (!resolved)
      return { ...base, err: 'AddressLookupTableNotFound', logs: [], unitsConsumed: 0n, returnData: null, innerInstructions: [] };
    const sigVerify = options.sigVerify && !options.replaceRecentBlockhash;
    if (!sigVerify) this.#vm.setSigverify(false);
    try {
      const result = wire.version === 'legacy' ? this.#vm.simulateLegacyTransaction(bytes) : this.#vm.simulateVersionedTransaction(bytes);
      if (result instanceof FailedTransactionMetadata) {
        return { ...base, replacementBlockhash, accountKeys: resolved.keys, ...this.#details(result) };
      }
      const postAccounts = new Map<string, RawAccount | null>();
      for (const entry of result.postAccounts()) {
        const account = entry.account();
        const lamports = account.lamports();
        postAccounts.set(
          hexOf(entry.address),
          lamports === 0n ? null : { lamports, data: account.data(), owner: account.owner(), executable: account.executable() },
        );
      }
      return { postAccounts, replacementBlockhash, accountKeys: resolved.keys, err: null, ...describeMeta(result.meta()) };
    } finally {
      if (!sigVerify) this.#vm.setSigverify(true);
    }
  }

  /**
   * Runs `run` (a simulation) with `overrides` in place of those accounts, then puts the
   * originals back; nothing else runs in between, so no other request sees the overrides.
   * How a proposal's execution is simulated in the state where it passed.
   */
  withAccountOverrides<T>(overrides: readonly { address: Uint8Array; account: RawAccount }[], run: () => T): T {
    const saved = overrides.map(({ address }) => ({ address, account: this.#vm.getAccount(address) }));
    for (const { address, account } of overrides) {
      this.#vm.setAccount(address, new Account(account.lamports, account.data, account.owner, account.executable, 0n));
    }
    try {
      return run();
    } finally {
      for (const { address, account } of saved) {
        this.#vm.setAccount(address, account ?? new Account(0n, new Uint8Array(0), SystemProgram.programId.toBytes(), false, 0n));
      }
    }
  }

  // ---- saved state --------------------------------------------------------------------

  /**
   * Everything a restarted chain needs to continue as this one (see chain-state.ts). Program
   * and sysvar accounts are left out: programs come back from their files, sysvars from the clock.
   */
  exportState(): ChainState {
    this.tick();
    const accounts: ChainState['accounts'] = [];
    for (const key of this.index.keys()) {
      const raw = this.readRaw(key);
      if (!raw || raw.executable || NOT_SAVED_OWNERS.has(encodeBase58(raw.owner))) continue;
      accounts.push({
        address: b64(key),
        lamports: raw.lamports.toString(),
        data: b64(raw.data),
        owner: b64(raw.owner),
        executable: false,
      });
    }
    const history: ChainState['history'] = [];
    for (const record of this.history.all()) {
      const meta = recordedMeta(record.meta);
      history.push({
        signature: record.signature,
        slot: record.slot.toString(),
        blockTime: record.blockTime,
        raw: b64(record.raw),
        accountKeys: record.accountKeys.map(b64),
        loadedWritable: record.loadedWritable,
        loadedReadonly: record.loadedReadonly,
        err: record.err,
        fee: record.fee.toString(),
        preBalances: record.preBalances.map(String),
        postBalances: record.postBalances.map(String),
        preTokens: record.preTokens.map((token) => ({ ...token, data: b64(token.data) })),
        postTokens: record.postTokens.map((token) => ({ ...token, data: b64(token.data) })),
        logs: meta.logs,
        unitsConsumed: meta.unitsConsumed.toString(),
        returnData: meta.returnData && { programId: meta.returnData.programId, data: b64(meta.returnData.data) },
        innerInstructions: meta.innerInstructions.map((set) => ({
          index: set.index,
          instructions: set.instructions.map((ix) => ({ ...ix, data: b64(ix.data) })),
        })),
      });
    }
    return {
      version: CHAIN_STATE_VERSION,
      chainId: this.chainId,
      savedAtMs: this.#now(),
      startMs: this.#startMs,
      offsetMs: this.#offsetMs,
      slot: this.#slot.toString(),
      transactionCount: this.#transactionCount.toString(),
      faucetSecret: b64(this.#faucet.secretKey),
      recentBlockhashes: [...this.#recent].map(([hash, slot]) => [hash, slot.toString()] as [string, string]),
      accounts,
      history,
    };
  }

  #restore(state: ChainState): void {
    this.#startMs = state.startMs;
    this.#offsetMs = state.offsetMs;
    this.#transactionCount = BigInt(state.transactionCount);
    this.#faucet = Keypair.fromSecretKey(unb64(state.faucetSecret));
    this.#moveToSlot(BigInt(state.slot));
    // The saved window first (oldest first), then the hash LiteSVM made at the restored slot.
    const latest = [...this.#recent];
    this.#recent.clear();
    for (const [hash, slot] of state.recentBlockhashes) this.#recent.set(hash, BigInt(slot));
    for (const [hash, slot] of latest) if (!this.#recent.has(hash)) this.#recent.set(hash, slot);
    for (const account of state.accounts) {
      const key = unb64(account.address);
      this.#vm.setAccount(key, new Account(BigInt(account.lamports), unb64(account.data), unb64(account.owner), false, 0n));
      this.index.add(key);
    }
    for (const saved of state.history) {
      this.history.add({
        signature: saved.signature,
        slot: BigInt(saved.slot),
        blockTime: saved.blockTime,
        raw: unb64(saved.raw),
        accountKeys: saved.accountKeys.map(unb64),
        loadedWritable: saved.loadedWritable,
        loadedReadonly: saved.loadedReadonly,
        err: saved.err as TransactionErrorJson | null,
        fee: BigInt(saved.fee),
        preBalances: saved.preBalances.map(BigInt),
        postBalances: saved.postBalances.map(BigInt),
        preTokens: saved.preTokens.map((token) => ({ ...token, data: unb64(token.data) })),
        postTokens: saved.postTokens.map((token) => ({ ...token, data: unb64(token.data) })),
        meta: {
          logs: saved.logs,
          unitsConsumed: BigInt(saved.unitsConsumed),
          returnData: saved.returnData && { programId: saved.returnData.programId, data: unb64(saved.returnData.data) },
          innerInstructions: saved.innerInstructions.map((set) => ({
            index: set.index,
            instructions: set.instructions.map((ix) => ({ ...ix, data: unb64(ix.data) })),
          })),
        },
      });
    }
    // Time went on while the chain was saved, as it does on a cluster: catch up with the clock.
    this.tick();
  }

  // ---- events -------------------------------------------------------------------------

  onCommit(listener: (event: CommitEvent) => void): () => void {
    this.#commitListeners.add(listener);
    return () => this.#commitListeners.delete(listener);
  }

  onSlot(listener: (slot: bigint) => void): () => void {
    this.#slotListeners.add(listener);
    return () => this.#slotListeners.delete(listener);
  }

  #emitCommit(event: CommitEvent): void {
    for (const listener of this.#commitListeners) listener(event);
  }
}

/** Owners whose accounts a saved state leaves out: sysvars (the clock rebuilds them) and program loaders' data. */
const NOT_SAVED_OWNERS = new Set([
  'Sysvar1111111111111111111111111111111111111',
  'NativeLoader1111111111111111111111111111111',
  'BPFLoaderUpgradeab1e11111111111111111111111',
]);

/** A record's execution details, whether it holds LiteSVM's metadata or details restored from a file. */
export function recordedMeta(meta: TransactionMetadata | RecordedMeta): RecordedMeta {
  return typeof (meta as TransactionMetadata).computeUnitsConsumed === 'function'
    ? describeMeta(meta as TransactionMetadata)
    : (meta as RecordedMeta);
}

/** Logs, compute units, return data and inner instructions of LiteSVM's metadata. */
export function describeMeta(meta: TransactionMetadata): RecordedMeta {
  const returned = meta.returnData();
  const returnBytes = returned.data();
  return {
    logs: meta.logs(),
    unitsConsumed: meta.computeUnitsConsumed(),
    returnData: returnBytes.length > 0 ? { programId: encodeBase58(returned.programId()), data: returnBytes } : null,
    innerInstructions: meta
      .innerInstructions()
      .map((list, index) => ({
        index,
        instructions: list.map((inner) => {
          const ix = inner.instruction();
          return { programIdIndex: ix.programIdIndex(), accounts: [...ix.accounts()], data: ix.data(), stackHeight: inner.stackHeight() };
        }),
      }))
      .filter((set) => set.instructions.length > 0),
  };
}
