// Stable error codes. A code never changes meaning once shipped: operators grep logs for them
// and scripts branch on them. `kind` decides the CLI exit status: bad input exits 2, a runtime
// failure exits 1.

export const errorCodes = {
  // Bad input: config, CLI arguments, files an operator handed us.
  CONFIG_INVALID: 'input',
  CONFIG_NOT_FOUND: 'input',
  ARGUMENT_INVALID: 'input',
  AMOUNT_INVALID: 'input',
  ADDRESS_INVALID: 'input',
  KEYPAIR_INVALID: 'input',
  MODEL_FILE_INVALID: 'input',
  // Runtime failures: the world did not cooperate.
  STORE_NEWER_SCHEMA: 'runtime',
  STORE_FAILED: 'runtime',
  RPC_FAILED: 'runtime',
  RPC_BAD_RESPONSE: 'runtime',
  /** An RPC answered from a slot older than a snapshot already recorded (a lagging or forked node). */
  RPC_STALE_SLOT: 'runtime',
  CHAIN_FAILED: 'runtime',
  LLM_FAILED: 'runtime',
  LLM_OUTPUT_INVALID: 'runtime',
  POLICY_FAILED: 'runtime',
  EXECUTION_FAILED: 'runtime',
  /** The executor would not sign: effects, kill switch, state or a check before sending said no. */
  EXECUTION_REFUSED: 'runtime',
  /** The action is larger than the on-chain delegate allowance (or SOL float) the DAO granted. */
  ALLOWANCE_EXCEEDED: 'runtime',
  /** An RPC request did not answer in time (after bounded retries). */
  RPC_TIMEOUT: 'runtime',
  /** The RPC answered 429 Too Many Requests (after bounded retries). */
  RPC_RATE_LIMITED: 'runtime',
  /** No such approval, or it is no longer pending (decided or expired). */
  APPROVAL_INVALID: 'input',
  RUN_ABORTED: 'runtime',
  INTERNAL: 'runtime',
} as const satisfies Record<string, 'input' | 'runtime'>;

export type ErrorCode = keyof typeof errorCodes;
