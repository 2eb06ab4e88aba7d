// The embedded chain: LiteSVM behind a validator-compatible JSON-RPC.
export {
  EmbeddedChain,
  SLOTS_PER_EPOCH,
  type EmbeddedChainOptions,
  type RawAccount,
  type SendOutcome,
  type SimulationOutcome,
  type CommitEvent,
} from './embedded-chain.js';
export { startEmbeddedChain, loadAccountFile, type StartEmbeddedChainOptions, type RunningEmbeddedChain } from './start.js';
export type { ChainWriter, ChainClock, InjectedAccount, ProcessedTransaction } from './types.js';
export { spawnEmbeddedChain, type SpawnEmbeddedChainOptions, type EmbeddedChainChild } from './child.js';
export {
  chainStateFileFor,
  chainLockHolder,
  claimChainLock,
  releaseChainLock,
  loadChainState,
  saveChainState,
  type ChainLockHolder,
} from './state-file.js';
export type { ChainState } from './chain-state.js';
