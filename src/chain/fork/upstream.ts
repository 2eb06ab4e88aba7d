// The upstream of a fork: the real cluster a forked embedded chain reads from. Read-only by
// construction: this client offers account reads and listings and nothing else; it has no send
// method and no generic request, and every call it makes is checked against READ_METHODS, so no
// code path can hand it a transaction. Every request goes through the one RPC boundary
// (src/chain/rpc.ts: deadline, bounded retries with backoff on 429/5xx) and counts against a
// per-command budget that protects the user's RPC plan: a retry is a request too, so the budget
// is checked before each try. Once closed (the fork with it), it asks nothing more: a retry
// waiting out its backoff gives up instead.
import { StewardError } from '../../errors/index.js';
import { redactUrl } from '../../shared/redact.js';
import { splitUrlCredentials } from '../connection.js';
import { createRpcTransport, defaultRetryOptions, RpcAnswerError, RpcCounter, type RetryOptions, type RpcCall } from '../rpc.js';

/** The only methods the upstream is ever asked. */
export const READ_METHODS: ReadonlySet<string> = new Set([
  'getMultipleAccounts',
  'getProgramAccounts',
  'getTokenAccountsByOwner',
  'getSlot',
  'getGenesisHash',
]);

/** Default upstream requests one command may make (`--fork-budget` raises it). */
export const DEFAULT_FORK_BUDGET = 500;

/** -32010: "… excluded from account secondary indexes" (public mainnet nodes, getProgramAccounts on the token programs). */
export const RPC_EXCLUDED_FROM_SECONDARY_INDEXES = -32010;

export interface UpstreamAccount {
  lamports: bigint;
  data: Uint8Array;
  owner: string;
  executable: boolean;
}

export interface Upstream {
  /** The endpoint without credentials. */
  readonly label: string;
  /** HTTP requests made so far, and the JSON-RPC calls by method. */
  readonly counter: RpcCounter;
  readonly budget: number;
  /** Accounts by address (null: absent upstream), in chunks of 100 sent as one request. */
  getAccounts(addresses: readonly string[]): Promise<{ slot: bigint; accounts: Map<string, UpstreamAccount | null> }>;
  /** getProgramAccounts as asked (filters included); 'excluded' when the node refuses it with -32010. */
  getProgramAccounts(
    program: string,
    filters: readonly unknown[],
  ): Promise<{ slot: bigint; accounts: Array<{ address: string; account: UpstreamAccount }> } | 'excluded'>;
  /** Token accounts of each owner under one token program, all owners in one request. */
  getTokenAccountsByOwner(
    owners: readonly string[],
    tokenProgram: string,
  ): Promise<{ slot: bigint; accounts: Array<{ address: string; account: UpstreamAccount }> }>;
  getSlot(): Promise<bigint>;
  /** Asks nothing more: calls after it, and retries still waiting out their backoff, fail. */
  close(): void;
}

export interface UpstreamOptions {
  budget?: number;
  retry?: RetryOptions;
  timeoutMs?: number;
}

export function createUpstream(url: string, options: UpstreamOptions = {}): Upstream {
  const { url: plain, headers } = splitUrlCredentials(url);
  const label = redactUrl(url);
  const counter = new RpcCounter();
  const budget = options.budget ?? DEFAULT_FORK_BUDGET;
  const retry = options.retry ?? defaultRetryOptions;
  const transport = createRpcTransport(plain, { headers, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  let closed = false;

  const fail = (what: string, error: unknown): StewardError => {
    if (error instanceof StewardError) return error;
    const text = (error instanceof Error ? error.message : String(error)).replaceAll(plain, label);
    return new StewardError(
      error instanceof RpcAnswerError ? 'RPC_FAILED' : 'RPC_BAD_RESPONSE',
      `the fork's upstream ${label} failed ${what}: ${text}`,
      {
        hint: 'check --fork URL; a public endpoint may refuse or rate-limit some calls (use a provider URL)',
        context: { upstream: label, what },
        cause: error,
      },
    );
  };

  /** Sends calls as one request (a batch when several), after the budget and method checks. */
  const send = async (
    calls: readonly RpcCall[],
    what: string,
  ): Promise<Array<{ ok: true; result: unknown } | { ok: false; error: Error }>> => {
    for (const call of calls) {
      if (!READ_METHODS.has(call.method)) {
        throw new StewardError('INTERNAL', `the fork's upstream is read-only: ${call.method} is not a read`, {
          context: { method: call.method },
        });
      }
    }
    // Before the first try and before each retry (after its backoff): retries spend the budget too.
    const mayAsk = (): void => {
      if (closed) {
        throw new StewardError('CHAIN_FAILED', `the fork is closed: its upstream ${label} is no longer read (${what})`, {
          hint: 'start the fork again (a new command) to read from its upstream',
          context: { upstream: label, what },
        });
      }
      if (counter.requests >= budget) {
        throw new StewardError('RPC_BUDGET_EXCEEDED', `this command has used its ${budget} upstream requests to ${label} (${what})`, {
          hint: 'raise it with --fork-budget N, or start from a warmer cache (a second command reads what the first one fetched from the store)',
          context: { budget, upstream: label, what },
        });
      }
    };
    mayAsk();
    const checked: RetryOptions = {
      ...retry,
      sleep: async (ms) => {
        await retry.sleep(ms);
        mayAsk();
      },
    };
    try {
      return await transport.batch(calls, checked, counter);
    } catch (error) {
      throw fail(what, error);
    }
  };
  const one = async (call: RpcCall, what: string): Promise<unknown> => {
    const [answer] = await send([call], what);
    if (!answer) throw fail(what, new Error('no answer'));
    if (!answer.ok) throw answer.error instanceof RpcAnswerError ? answer.error : fail(what, answer.error);
    return answer.result;
  };

  return {
    label,
    counter,
    budget,
    async getAccounts(addresses) {
      const unique = [...new Set(addresses)];
      const accounts = new Map<string, UpstreamAccount | null>();
      if (unique.length === 0) return { slot: 0n, accounts };
      const chunks: string[][] = [];
      for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
      const answers = await send(
        chunks.map((chunk) => ({ method: 'getMultipleAccounts', params: [chunk, { encoding: 'base64', commitment: 'confirmed' }] })),
        `reading ${unique.length} account(s)`,
      );
      let slot = 0n;
      answers.forEach((answer, index) => {
        const chunk = chunks[index] ?? [];
        if (!answer.ok) throw fail(`reading ${chunk.length} account(s)`, answer.error);
        const { slot: at, value } = contextValue(answer.result, 'getMultipleAccounts');
        if (!Array.isArray(value) || value.length !== chunk.length)
          throw fail('reading accounts', new Error(`${Array.isArray(value) ? value.length : 'no'} accounts for ${chunk.length} keys`));
        slot = at > slot ? at : slot;
        chunk.forEach((address, i) => accounts.set(address, parseAccount(value[i], address)));
      });
      return { slot, accounts };
    },
    async getProgramAccounts(program, filters) {
      let result: unknown;
      try {
        result = await one(
          { method: 'getProgramAccounts', params: [program, { encoding: 'base64', commitment: 'confirmed', withContext: true, filters }] },
          `listing accounts of ${program}`,
        );
      } catch (error) {
        if (error instanceof RpcAnswerError && error.code === RPC_EXCLUDED_FROM_SECONDARY_INDEXES) return 'excluded';
        throw fail(`listing accounts of ${program}`, error);
      }
      const { slot, value } = contextValue(result, 'getProgramAccounts');
      return { slot, accounts: listing(value) };
    },
    async getTokenAccountsByOwner(owners, tokenProgram) {
      const unique = [...new Set(owners)];
      if (unique.length === 0) return { slot: 0n, accounts: [] };
      const answers = await send(
        unique.map((owner) => ({
          method: 'getTokenAccountsByOwner',
          params: [owner, { programId: tokenProgram }, { encoding: 'base64', commitment: 'confirmed' }],
        })),
        `listing token accounts of ${unique.length} owner(s)`,
      );
      let slot = 0n;
      const accounts: Array<{ address: string; account: UpstreamAccount }> = [];
      for (const answer of answers) {
        if (!answer.ok) throw fail('listing token accounts by owner', answer.error);
        const { slot: at, value } = contextValue(answer.result, 'getTokenAccountsByOwner');
        slot = at > slot ? at : slot;
        accounts.push(...listing(value));
      }
      return { slot, accounts };
    },
    async getSlot() {
      const slot = await one({ method: 'getSlot', params: [{ commitment: 'confirmed' }] }, 'reading its slot');
      if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0)
        throw fail('reading its slot', new Error(`not a slot: ${JSON.stringify(slot)}`));
      return BigInt(slot);
    },
    close() {
      closed = true;
    },
  };

  function contextValue(result: unknown, method: string): { slot: bigint; value: unknown } {
    const { context, value } = (result ?? {}) as { context?: { slot?: unknown }; value?: unknown };
    if (typeof context?.slot !== 'number' || !Number.isSafeInteger(context.slot))
      throw fail(`answering ${method}`, new Error('no context slot in the answer'));
    return { slot: BigInt(context.slot), value };
  }

  function listing(value: unknown): Array<{ address: string; account: UpstreamAccount }> {
    if (!Array.isArray(value)) throw fail('listing accounts', new Error('the answer is not a list'));
    return value.map((entry) => {
      const { pubkey, account } = (entry ?? {}) as { pubkey?: unknown; account?: unknown };
      if (typeof pubkey !== 'string') throw fail('listing accounts', new Error('an entry without a pubkey'));
      const parsed = parseAccount(account, pubkey);
      if (!parsed) throw fail('listing accounts', new Error(`account ${pubkey} is null`));
      return { address: pubkey, account: parsed };
    });
  }

  function parseAccount(entry: unknown, address: string): UpstreamAccount | null {
    if (entry === null) return null;
    const { data, executable, lamports, owner } = (entry ?? {}) as Record<string, unknown>;
    if (
      !Array.isArray(data) ||
      typeof data[0] !== 'string' ||
      data[1] !== 'base64' ||
      typeof executable !== 'boolean' ||
      typeof owner !== 'string'
    ) {
      throw fail(`reading ${address}`, new Error('the account does not match the Solana RPC schema'));
    }
    if (typeof lamports !== 'number' || !Number.isSafeInteger(lamports) || lamports < 0)
      throw fail(`reading ${address}`, new Error('lamports is not a non-negative integer'));
    return { lamports: BigInt(lamports), data: Buffer.from(data[0], 'base64'), owner, executable };
  }
}
