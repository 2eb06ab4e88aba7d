// Stable error codes. A code never changes meaning once shipped: operators grep logs for them
// and scripts branch on them (`isStewardError(e, 'RPC_TIMEOUT')`). Each code has a kind, which
// decides the CLI exit status (bad input exits 2, a runtime failure exits 1), and a family, which
// names its section of docs/ERRORS.md. A test keeps that page and this table in step.

export type ErrorKind = 'input' | 'runtime';

export const errorFamilies = {
  config: 'agent and policy files, settings, keypairs and model files an operator hands Steward',
  cli: 'command-line arguments and the files they name',
  rpc: 'answers (or silence) from a Solana RPC endpoint',
  chain: 'the chain itself: transactions, programs, the embedded chain',
  llm: 'models: loading, inference, output that breaks the schema',
  policy: 'the policy engine and its ledger',
  execution: 'building, signing, sending and confirming actions; approvals',
  store: 'the SQLite database',
  internal: 'a defect in Steward: please report it',
} as const;

export type ErrorFamily = keyof typeof errorFamilies;

export const errorCodes = {
  // Bad input: config, CLI arguments, files an operator handed us.
  CONFIG_INVALID: { kind: 'input', family: 'config' },
  CONFIG_NOT_FOUND: { kind: 'input', family: 'config' },
  KEYPAIR_INVALID: { kind: 'input', family: 'config' },
  MODEL_FILE_INVALID: { kind: 'input', family: 'config' },
  /** A cluster name or RPC URL that names no cluster Steward can reach. */
  CLUSTER_INVALID: { kind: 'input', family: 'config' },
  /** A command-line option or argument with a malformed value (a port, a limit, an id, a flag combination). */
  OPTION_INVALID: { kind: 'input', family: 'cli' },
  /** A file named on the command line (account file, JSON input) that cannot be read or parsed. */
  FILE_INVALID: { kind: 'input', family: 'cli' },
  /** No agent of that name in agents/. */
  AGENT_NOT_FOUND: { kind: 'input', family: 'cli' },
  /** No run with that id in the database. */
  RUN_NOT_FOUND: { kind: 'input', family: 'cli' },
  /** No action with that id in the journal. */
  ACTION_NOT_FOUND: { kind: 'input', family: 'execution' },
  /** The proposal named is not an open proposal of the realm. */
  PROPOSAL_NOT_FOUND: { kind: 'input', family: 'chain' },
  /** A library call with arguments outside its contract (a caller's mistake, not an operator's). */
  ARGUMENT_INVALID: { kind: 'input', family: 'cli' },
  AMOUNT_INVALID: { kind: 'input', family: 'cli' },
  ADDRESS_INVALID: { kind: 'input', family: 'cli' },
  /** No such approval, or it is no longer pending (decided or expired). */
  APPROVAL_INVALID: { kind: 'input', family: 'execution' },
  // Runtime failures: the world did not cooperate.
  STORE_NEWER_SCHEMA: { kind: 'runtime', family: 'store' },
  STORE_FAILED: { kind: 'runtime', family: 'store' },
  RPC_FAILED: { kind: 'runtime', family: 'rpc' },
  RPC_BAD_RESPONSE: { kind: 'runtime', family: 'rpc' },
  /** An RPC answered from a slot older than a snapshot already recorded (a lagging or forked node). */
  RPC_STALE_SLOT: { kind: 'runtime', family: 'rpc' },
  /** An RPC request did not answer in time (after bounded retries). */
  RPC_TIMEOUT: { kind: 'runtime', family: 'rpc' },
  /** The RPC answered 429 Too Many Requests (after bounded retries). */
  RPC_RATE_LIMITED: { kind: 'runtime', family: 'rpc' },
  /** A command used up its request budget against a fork's upstream (`--fork-budget` raises it). */
  RPC_BUDGET_EXCEEDED: { kind: 'runtime', family: 'rpc' },
  CHAIN_FAILED: { kind: 'runtime', family: 'chain' },
  LLM_FAILED: { kind: 'runtime', family: 'llm' },
  LLM_OUTPUT_INVALID: { kind: 'runtime', family: 'llm' },
  POLICY_FAILED: { kind: 'runtime', family: 'policy' },
  EXECUTION_FAILED: { kind: 'runtime', family: 'execution' },
  /** The executor would not sign: effects, kill switch, state or a check before sending said no. */
  EXECUTION_REFUSED: { kind: 'runtime', family: 'execution' },
  /** The action is larger than the on-chain delegate allowance (or spending limit) the DAO granted. */
  ALLOWANCE_EXCEEDED: { kind: 'runtime', family: 'execution' },
  RUN_ABORTED: { kind: 'runtime', family: 'execution' },
  INTERNAL: { kind: 'runtime', family: 'internal' },
} as const satisfies Record<string, { kind: ErrorKind; family: ErrorFamily }>;

export type ErrorCode = keyof typeof errorCodes;

/** A fact an error carries: printable, JSON-serialisable once bigints are strings. */
export type ErrorFact =
  string | number | bigint | boolean | null | undefined | readonly ErrorFact[] | { readonly [key: string]: ErrorFact };

/** Facts of codes whose context is a grab bag of what was at hand (an address, a path, a step). */
export type ErrorFacts = { readonly [key: string]: ErrorFact };

/**
 * The context each code carries. Codes that callers branch on have exact shapes; the rest carry
 * named facts. `new StewardError(code, …, { context })` is checked against this table and
 * `isStewardError(e, code)` narrows `e.context` to it.
 */
export interface ErrorContexts {
  CONFIG_INVALID: {
    file?: string;
    line?: number;
    agent?: string;
    policy?: string;
    name?: string;
    symbol?: string;
    problems?: readonly unknown[];
    shown?: number;
    pool?: string;
    stakePool?: string;
  };
  CONFIG_NOT_FOUND: { file?: string; root?: string; shown?: string };
  KEYPAIR_INVALID: { path?: string; origin?: string; full?: boolean };
  MODEL_FILE_INVALID: { path?: string; missing?: readonly string[] };
  CLUSTER_INVALID: { value?: string };
  OPTION_INVALID: { option?: string; value?: string; file?: string; field?: string };
  FILE_INVALID: { path: string; line?: number; field?: string; programId?: string };
  AGENT_NOT_FOUND: { agent: string };
  RUN_NOT_FOUND: { runId: number };
  ACTION_NOT_FOUND: { actionId: number };
  PROPOSAL_NOT_FOUND: { proposal: string; realm?: string };
  ARGUMENT_INVALID: ErrorFacts;
  AMOUNT_INVALID: ErrorFacts;
  ADDRESS_INVALID: { field?: string; value?: string; text?: string };
  APPROVAL_INVALID: { actionId?: number; status?: string };
  STORE_NEWER_SCHEMA: { path: string; current: number; latest: number };
  STORE_FAILED: ErrorFacts;
  RPC_FAILED: ErrorFacts;
  RPC_BAD_RESPONSE: ErrorFacts;
  RPC_STALE_SLOT: { endpoint?: string; slot: string; previousSlot: string };
  RPC_TIMEOUT: ErrorFacts;
  RPC_RATE_LIMITED: ErrorFacts;
  RPC_BUDGET_EXCEEDED: { budget: number; upstream: string; what: string };
  CHAIN_FAILED: ErrorFacts;
  LLM_FAILED: ErrorFacts;
  LLM_OUTPUT_INVALID: {
    raw?: string;
    attempts?: number;
    maxAttempts?: number;
    schemaName?: string;
    invalid?: readonly unknown[];
    usage?: unknown;
  };
  POLICY_FAILED: { actionId?: number };
  EXECUTION_FAILED: ErrorFacts;
  EXECUTION_REFUSED: ErrorFacts;
  ALLOWANCE_EXCEEDED: { mint: string; wanted: bigint; remaining: bigint };
  RUN_ABORTED: ErrorFacts;
  INTERNAL: ErrorFacts;
}

// Every code has a context shape, and nothing else does.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _contextsCoverCodes: Exact<keyof ErrorContexts, ErrorCode> = true;
void _contextsCoverCodes;

export function errorKind(code: ErrorCode): ErrorKind {
  return errorCodes[code].kind;
}

/** Where docs/ERRORS.md explains the code's family. */
export function errorDocs(code: ErrorCode): string {
  return `docs/ERRORS.md#${errorCodes[code].family}`;
}
