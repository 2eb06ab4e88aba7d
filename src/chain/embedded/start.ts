// Starts the embedded chain and serves it on 127.0.0.1: what `steward localnet`, `steward
// demo`, tests and benches call. Programs (.so) and accounts (`solana account --output json`
// files) are loaded before the servers open, so the first request sees them.
import { readFileSync } from 'node:fs';
import { PublicKey, SYSVAR_CLOCK_PUBKEY } from '@solana/web3.js';
import { z } from 'zod';
import { StewardError } from '../../errors/index.js';
import type { Logger } from '../../shared/index.js';
import { EmbeddedChain, type EmbeddedChainOptions } from './embedded-chain.js';
import { serveRpc } from './rpc-server.js';
import type { ForkCache } from '../fork/fork-cache.js';
import { createForkLoader, type ForkLoader } from '../fork/fork-loader.js';
import { createUpstream, type Upstream } from '../fork/upstream.js';

export interface StartEmbeddedChainOptions extends EmbeddedChainOptions {
  host?: string;
  /** HTTP port; the websocket listens on port + 1. 0 (default) picks a free pair. */
  port?: number;
  programs?: readonly { id: string | PublicKey; path: string }[];
  accounts?: readonly { address: string | PublicKey; path: string }[];
  /** Largest accepted HTTP request body (default 1 MiB); larger gets HTTP 413. */
  maxBodyBytes?: number;
  logger?: Logger;
  /**
   * Fork this cluster: accounts and programs are read from it on first access, then live locally;
   * nothing is ever sent to it (src/chain/fork). `budget`: upstream requests this process may make;
   * `maxAgeSlots`: cached reads older than this many slots before the fork's start are read again.
   */
  fork?: { url: string; budget?: number | undefined; maxAgeSlots?: number | undefined; cache?: ForkCache | null | undefined } | undefined;
}

export interface RunningEmbeddedChain {
  chain: EmbeddedChain;
  /** Present on a fork: its upstream, start slot, fetched accounts and upstream requests. */
  fork: ForkLoader | null;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const accountFileSchema = z.object({
  pubkey: z.string().optional(),
  account: z.object({
    lamports: z.number().int().nonnegative(),
    data: z.tuple([z.string(), z.literal('base64')]),
    owner: z.string(),
    executable: z.boolean(),
    rentEpoch: z.number().optional(),
    space: z.number().int().nonnegative().optional(),
  }),
});

function toKey(value: string | PublicKey, what: string): PublicKey {
  if (value instanceof PublicKey) return value;
  try {
    return new PublicKey(value);
  } catch {
    throw new StewardError('ADDRESS_INVALID', `${what} "${value}" is not a base-58 public key`, {
      hint: 'pass a 32-byte base-58 address',
      context: { value },
    });
  }
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new StewardError(
      'FILE_INVALID',
      `cannot read ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: 'check the path; it is resolved against the current directory',
        context: { path },
        cause: error,
      },
    );
  }
}

/** Loads an account file in the `solana account ADDRESS --output json` shape. */
export function loadAccountFile(chain: EmbeddedChain, address: PublicKey, path: string): void {
  let json: unknown;
  try {
    json = JSON.parse(readInput(path, 'account').toString('utf8'));
  } catch (error) {
    if (error instanceof StewardError) throw error;
    throw new StewardError('FILE_INVALID', `account file ${path} is not JSON: ${(error as Error).message}`, {
      hint: 'create it with `solana account ADDRESS --output json --output-file FILE.json`',
      context: { path },
    });
  }
  const parsed = accountFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StewardError(
      'FILE_INVALID',
      `account file ${path}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
      {
        hint: 'expected {"pubkey", "account": {"lamports", "data": [BASE64, "base64"], "owner", "executable", "rentEpoch", "space"}} as `solana account --output json` writes it',
        context: { path },
      },
    );
  }
  const { account } = parsed.data;
  chain.setAccount(address, {
    lamports: BigInt(account.lamports),
    data: Buffer.from(account.data[0], 'base64'),
    owner: toKey(account.owner, `owner in ${path}`),
    executable: account.executable,
  });
}

/** The upstream and where the fork starts: its Clock (slot and chain time) when the fork is made. */
async function forkStart(fork: {
  url: string;
  budget?: number | undefined;
}): Promise<{ upstream: Upstream; start: { slot: bigint; unixTimestamp: bigint } }> {
  const upstream = createUpstream(fork.url, { ...(fork.budget === undefined ? {} : { budget: fork.budget }) });
  const { slot, accounts } = await upstream.getAccounts([SYSVAR_CLOCK_PUBKEY.toBase58()]);
  const clock = accounts.get(SYSVAR_CLOCK_PUBKEY.toBase58());
  if (!clock || clock.data.length < 40) {
    throw new StewardError('RPC_BAD_RESPONSE', `the fork's upstream ${upstream.label} has no Clock sysvar`, {
      hint: 'check that --fork points at a Solana RPC',
      context: { upstream: upstream.label },
    });
  }
  const data = Buffer.from(clock.data);
  const clockSlot = data.readBigUInt64LE(0);
  return { upstream, start: { slot: clockSlot > slot ? clockSlot : slot, unixTimestamp: data.readBigInt64LE(32) } };
}

export async function startEmbeddedChain(options: StartEmbeddedChainOptions = {}): Promise<RunningEmbeddedChain> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65534) {
    throw new StewardError('OPTION_INVALID', `port ${port} is out of range`, {
      hint: 'use 0 (any free port) or 1–65534; the websocket takes port + 1',
    });
  }
  const fork = options.fork ? await forkStart(options.fork) : null;
  const chain = new EmbeddedChain({ ...options, ...(fork ? { start: fork.start } : {}) });
  const maxAgeSlots = options.fork?.maxAgeSlots;
  const loader = fork
    ? createForkLoader(chain, fork.upstream, fork.start.slot, {
        cache: options.fork?.cache ?? null,
        ...(maxAgeSlots === undefined ? {} : { maxAgeSlots: BigInt(maxAgeSlots) }),
      })
    : null;
  try {
    for (const program of options.programs ?? []) {
      const id = toKey(program.id, 'program id');
      const elf = readInput(program.path, 'program');
      try {
        chain.addProgram(id, elf);
      } catch (error) {
        throw new StewardError(
          'FILE_INVALID',
          `program file ${program.path} cannot be loaded at ${id.toBase58()}: ${(error as Error).message}`,
          {
            hint: 'pass a deployable SBF program (.so), e.g. from `cargo build-sbf` or `solana program dump ID FILE.so`',
            context: { path: program.path, programId: id.toBase58() },
            cause: error,
          },
        );
      }
    }
    for (const account of options.accounts ?? []) loadAccountFile(chain, toKey(account.address, 'account address'), account.path);
    const servers = await serveRpc(chain, {
      host,
      port,
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(loader
        ? { prepare: (requests: readonly unknown[]) => loader.prepare(requests), methods: { steward_forkInfo: () => loader.info() } }
        : {}),
    }).catch((error: NodeJS.ErrnoException) => {
      throw new StewardError('CHAIN_FAILED', `cannot serve the embedded chain on ${host}:${port}: ${error.code ?? error.message}`, {
        hint:
          error.code === 'EADDRINUSE'
            ? `port ${port} or ${port + 1} is taken; pick another --port or 0 for any free one`
            : 'check the host and port',
        context: { host, port },
        cause: error,
      });
    });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      // The loader's work in flight (a read waiting out a retry's backoff) must not reach the upstream after this.
      fork?.upstream.close();
      chain.close();
      await servers.close();
    };
    return {
      chain,
      fork: loader,
      url: `http://${host}:${servers.port}`,
      wsUrl: `ws://${host}:${servers.wsPort}`,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    fork?.upstream.close();
    chain.close();
    throw error;
  }
}
