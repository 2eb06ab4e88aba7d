// The chain domain: cluster resolution, Connection creation, and the embedded chain.
export { CLUSTER_URLS, resolveCluster, describeCluster, type ClusterTarget } from './cluster.js';
export { createConnection, transportOf, type CreateConnectionOptions } from './connection.js';
export { openCluster, type OpenCluster, type OpenClusterOptions } from './open-cluster.js';
export { mayInject, setAccountOverRpc, advanceClockOverRpc, type CheatAccountState } from './cheat-rpc.js';
export {
  KNOWN_GENESIS,
  LITESVM_GENESIS,
  embeddedIdentity,
  forkIdentity,
  identityOf,
  namedClusterOf,
  readClusterIdentity,
  type ClusterIdentity,
} from './cluster-identity.js';
export {
  RpcCounter,
  processRpcCounter,
  rpcCall,
  classifyRpcError,
  defaultRetryOptions,
  createRpcTransport,
  type RetryOptions,
  type RpcFailure,
  type RpcCallKind,
  type RpcTransport,
} from './rpc.js';
export {
  createAccountReader,
  shareReader,
  readMultipleAccounts,
  readProgramAccounts,
  highestSlot,
  type AccountReader,
  type ReadRounds,
} from './account-reader.js';
export { associatedTokenAddress, derivedAddress, derivedAddressCount } from './derived-address.js';
export {
  EmbeddedChain,
  startEmbeddedChain,
  spawnEmbeddedChain,
  loadAccountFile,
  type EmbeddedChainOptions,
  type StartEmbeddedChainOptions,
  type RunningEmbeddedChain,
  type SpawnEmbeddedChainOptions,
  type EmbeddedChainChild,
  type ChainWriter,
  type ChainClock,
  type InjectedAccount,
  type ProcessedTransaction,
  chainStateFileFor,
  chainLockHolder,
  loadChainState,
  type ChainLockHolder,
} from './embedded/index.js';
export {
  KNOWN_PROGRAMS,
  SPL_GOVERNANCE_PROGRAM_ID,
  SQUADS_V4_PROGRAM_ID,
  knownProgramName,
  findProgram,
  programCacheDirs,
  readDeployedProgram,
  writeProgramFile,
  sha256Hex,
  type FoundProgram,
  type DeployedProgram,
} from './programs/index.js';
