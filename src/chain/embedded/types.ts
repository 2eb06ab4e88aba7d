// The contract between the embedded chain (LiteSVM behind JSON-RPC) and whoever seeds it
// in-process (the demo DAO, tests). Everything else talks to the chain through a web3.js
// Connection over JSON-RPC, exactly as it would talk to a real cluster.
import type { PublicKey, Transaction, VersionedTransaction } from '@solana/web3.js';

export interface InjectedAccount {
  lamports: bigint;
  data: Uint8Array;
  owner: PublicKey;
  executable?: boolean;
}

export interface ChainClock {
  slot: bigint;
  /** Seconds since the Unix epoch, as the Clock sysvar reports it. */
  unixTimestamp: bigint;
}

export interface ProcessedTransaction {
  signature: string;
  logs: string[];
  computeUnits: bigint;
}

/** Direct, in-process write access to the embedded chain. Every write keeps the account index current. */
export interface ChainWriter {
  /** Injects (or replaces) an account, e.g. a program-owned account serialized with its real layout. */
  setAccount(address: PublicKey, account: InjectedAccount): void;
  getAccount(address: PublicKey): InjectedAccount | null;
  airdrop(address: PublicKey, lamports: bigint): void;
  /** Executes a signed transaction; throws a StewardError (CHAIN_FAILED) carrying the program logs on failure. */
  processTransaction(tx: Transaction | VersionedTransaction): ProcessedTransaction;
  /** A blockhash the chain accepts now. */
  latestBlockhash(): string;
  clock(): ChainClock;
  /** Loads a program binary (ELF) at `programId`. */
  addProgram(programId: PublicKey, elf: Uint8Array): void;
  /** Whether an executable program is deployed at `programId`. */
  hasProgram(programId: PublicKey): boolean;
  /**
   * Runs `run` with the Clock sysvar reading `unixTimestamp` (slots keep their place), then
   * gives the clock back to wall time: how a seed writes history, e.g. a proposal signed off
   * days ago by the program itself.
   */
  atTime<T>(unixTimestamp: bigint, run: () => T): T;
}
