// What makes an embedded chain a fork: before the chain answers a JSON-RPC request, every account
// the request reads or a transaction touches that the chain has not seen yet is fetched from the
// upstream (in batches, getMultipleAccounts) and written locally; from then on it lives locally
// and local writes win. Programs come with their ProgramData (upgradeable loader), so
// transactions run against the programs actually deployed upstream; address lookup tables of v0
// transactions bring their addresses. getProgramAccounts and getTokenAccountsByOwner are
// forwarded (filters included), what they return is merged under the local state (accounts
// already here keep their local version), and each listing is forwarded once per process. A node
// that refuses getProgramAccounts on a token program (-32010) is asked per owner instead.
// Every fetched account is stamped with the upstream slot it was read at. With a cache (the
// store's, ForkCache), reads and listings are kept across commands: a read recent enough (within
// maxAgeSlots of the fork's start slot) is served from it, an older one is read again.
import { PublicKey, VersionedTransaction } from '@solana/web3.js';
import { StewardError } from '../../errors/index.js';
import { decodeBase58 } from '../../shared/base58.js';
import type { EmbeddedChain } from '../embedded/embedded-chain.js';
import { DEFAULT_FORK_CACHE_MAX_AGE_SLOTS, type ForkCache } from './fork-cache.js';
import type { Upstream, UpstreamAccount } from './upstream.js';

const UPGRADEABLE_LOADER = 'BPFLoaderUpgradeab1e11111111111111111111111';
const LOOKUP_TABLE_PROGRAM = 'AddressLookupTab1e1111111111111111111111111';
const TOKEN_PROGRAMS = new Set(['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'TokenzQdBNbLqP5VEhdkAS14EPFLzqZqSSL3s5shT8HSHhFn']);
const TOKEN_OWNER_OFFSET = 32;
/** Sysvars and builtins the local runtime provides itself. */
const LOCAL_ONLY =
  /^(Sysvar|11111111111111111111111111111111$|NativeLoader|BPFLoader|ComputeBudget|AddressLookupTab1e|Vote111|Stake11111|Config1111|Ed25519Sig|KeccakSecp)/;

export interface ForkInfo {
  upstream: string;
  /** The upstream's slot when the fork started. */
  forkSlot: string;
  /** Accounts fetched from the upstream, and the slots they were read at. */
  fetched: number;
  readSlots: { min: string | null; max: string | null };
  /** Upstream HTTP requests and JSON-RPC calls so far (this process). */
  requests: number;
  methods: Record<string, number>;
  budget: number;
  /** The store's cache: whether there is one, reads it served, cached reads too old to trust (read again), and that age. */
  cache: { enabled: boolean; hits: number; tooOld: number; maxAgeSlots: string };
}

export interface ForkLoader {
  /** Fetches what `requests` (parsed JSON-RPC bodies) need; throws a StewardError when the upstream fails. */
  prepare(requests: readonly unknown[]): Promise<void>;
  info(): ForkInfo;
  /** The upstream slot each fetched account was read at (base58 → slot). */
  readonly stamps: ReadonlyMap<string, bigint>;
}

export interface ForkLoaderOptions {
  /** Reads kept across commands (the store); without it the fork starts cold. */
  cache?: ForkCache | null;
  /** Cached reads older than this many slots before the fork's start slot are read again. */
  maxAgeSlots?: bigint;
}

export function createForkLoader(chain: EmbeddedChain, upstream: Upstream, forkSlot: bigint, options: ForkLoaderOptions = {}): ForkLoader {
  const cache = options.cache ?? null;
  const maxAgeSlots = options.maxAgeSlots ?? DEFAULT_FORK_CACHE_MAX_AGE_SLOTS;
  /** Reads served by the cache, and cached reads too old to trust (read again). */
  let fromCache = 0;
  let tooOld = 0;
  /** Addresses resolved from the upstream (present or absent there): never fetched again. */
  const known = new Set<string>();
  const stamps = new Map<string, bigint>();
  const listings = new Map<string, Promise<void>>();
  // One fetch at a time: two requests asking for the same account must not both write it.
  let queue: Promise<void> = Promise.resolve();

  const isLocal = (address: string): boolean => {
    const key = decodeBase58(address);
    return key !== null && key.length === 32 && chain.readRaw(key) !== null;
  };
  const needed = (address: string): boolean => {
    if (known.has(address) || LOCAL_ONLY.test(address)) return false;
    const key = decodeBase58(address);
    if (!key || key.length !== 32) return false;
    if (chain.readRaw(key) !== null) {
      // Created or written locally before anyone asked: the local version is the truth.
      known.add(address);
      return false;
    }
    return true;
  };

  const write = (address: string, account: UpstreamAccount, slot: bigint): void => {
    known.add(address);
    stamps.set(address, slot);
    chain.setAccount(new PublicKey(address), {
      lamports: account.lamports,
      data: account.data,
      owner: new PublicKey(account.owner),
      executable: account.executable,
    });
  };

  /**
   * Reads of these addresses: from the cache when it holds a read recent enough to trust, else
   * from the upstream in one batch (then cached). Reads too old are counted and read again.
   */
  async function read(addresses: readonly string[]): Promise<Map<string, { account: UpstreamAccount | null; slot: bigint }>> {
    const out = new Map<string, { account: UpstreamAccount | null; slot: bigint }>();
    let missing = [...addresses];
    if (cache && missing.length > 0) {
      const cached = cache.readAccounts(missing);
      for (const [address, hit] of cached) {
        if (hit.slot + maxAgeSlots < forkSlot) {
          tooOld++;
          continue;
        }
        fromCache++;
        out.set(address, { account: hit.value, slot: hit.slot });
      }
      missing = missing.filter((address) => !out.has(address));
    }
    if (missing.length > 0) {
      const { slot, accounts } = await upstream.getAccounts(missing);
      const entries = missing.map((address) => ({ address, account: accounts.get(address) ?? null }));
      cache?.writeAccounts(entries, slot);
      for (const { address, account } of entries) out.set(address, { account, slot });
    }
    return out;
  }

  /** Fetches the addresses not seen yet, then what they lead to: ProgramData, token mints, lookup-table entries. */
  async function fetchAccounts(addresses: Iterable<string>): Promise<void> {
    let wanted = [...new Set([...addresses].filter(needed))];
    for (let depth = 0; wanted.length > 0 && depth < 3; depth++) {
      const accounts = await read(wanted);
      const next: string[] = [];
      const programs: Array<[string, UpstreamAccount, bigint]> = [];
      for (const address of wanted) {
        const { account, slot } = accounts.get(address) ?? { account: null, slot: forkSlot };
        if (!account) {
          known.add(address);
          stamps.set(address, slot);
          continue;
        }
        if (
          account.executable &&
          account.owner === UPGRADEABLE_LOADER &&
          account.data.length >= 36 &&
          Buffer.from(account.data).readUInt32LE(0) === 2
        ) {
          // The program account names its ProgramData: written first, so the runtime finds the ELF.
          const programData = new PublicKey(account.data.subarray(4, 36)).toBase58();
          if (needed(programData)) next.push(programData);
          programs.push([address, account, slot]);
          continue;
        }
        write(address, account, slot);
        if (isTokenAccount(account)) next.push(new PublicKey(account.data.subarray(0, 32)).toBase58());
        if (account.owner === LOOKUP_TABLE_PROGRAM) next.push(...lookupTableAddresses(account.data));
      }
      if (programs.length > 0) {
        const programData = next.filter((address) =>
          programs.some(([, program]) => new PublicKey(program.data.subarray(4, 36)).toBase58() === address),
        );
        if (programData.length > 0) {
          const fetched = await read(programData);
          for (const [address, { account, slot }] of fetched) {
            if (account) write(address, account, slot);
            else known.add(address);
          }
        }
        for (const [address, account, slot] of programs) write(address, account, slot);
      }
      wanted = [...new Set(next.filter(needed))];
    }
  }

  /**
   * Forwards a listing once per process (or takes it from the cache when recent enough) and
   * writes what it returns under the local state.
   */
  async function forwardListing(
    key: string,
    run: () => Promise<{ slot: bigint; accounts: Array<{ address: string; account: UpstreamAccount }> }>,
  ): Promise<void> {
    let done = listings.get(key);
    if (!done) {
      done = (async () => {
        const hit = cache?.readListing(key) ?? null;
        if (hit && hit.slot + maxAgeSlots >= forkSlot) {
          // The listed accounts come from the cache as well (or the upstream, in one batch, when not).
          fromCache++;
          await fetchAccounts(hit.value);
          return;
        }
        if (hit) tooOld++;
        const { slot, accounts } = await run();
        cache?.writeAccounts(accounts, slot);
        cache?.writeListing(
          key,
          accounts.map(({ address }) => address),
          slot,
        );
        for (const { address, account } of accounts)
          if (!known.has(address) && !isLocal(address)) write(address, account, slot);
          else known.add(address);
        // Their mints, so parsed answers and transfers work.
        await fetchAccounts(
          accounts.flatMap(({ account }) => (isTokenAccount(account) ? [new PublicKey(account.data.subarray(0, 32)).toBase58()] : [])),
        );
      })();
      listings.set(key, done);
      done.catch(() => listings.delete(key));
    }
    await done;
  }

  async function programAccounts(params: unknown[]): Promise<void> {
    const program = typeof params[0] === 'string' ? params[0] : null;
    if (!program) return;
    const config = (params[1] ?? {}) as { filters?: unknown[] };
    const filters = Array.isArray(config.filters) ? config.filters : [];
    await forwardListing(`gpa:${program}:${JSON.stringify(filters)}`, async () => {
      const answer = await upstream.getProgramAccounts(program, filters);
      if (answer !== 'excluded') return answer;
      // -32010 on a token program: the owner filter becomes a per-owner listing.
      const owner = TOKEN_PROGRAMS.has(program) ? ownerFilter(filters) : null;
      if (!owner) {
        throw new StewardError(
          'RPC_FAILED',
          `the fork's upstream ${upstream.label} refuses getProgramAccounts on ${program} (-32010, excluded from secondary indexes) and the filters name no owner to list by`,
          {
            hint: 'use an RPC provider that indexes this program, or filter by owner (memcmp at 32)',
            context: { program },
          },
        );
      }
      return upstream.getTokenAccountsByOwner([owner], program);
    });
  }

  async function tokenAccountsByOwner(params: unknown[]): Promise<void> {
    const owner = typeof params[0] === 'string' ? params[0] : null;
    if (!owner) return;
    const filter = (params[1] ?? {}) as { programId?: unknown; mint?: unknown };
    const programs = typeof filter.programId === 'string' ? [filter.programId] : [...TOKEN_PROGRAMS];
    for (const program of programs) {
      if (!TOKEN_PROGRAMS.has(program)) continue;
      await forwardListing(`owner:${owner}:${program}`, () => upstream.getTokenAccountsByOwner([owner], program));
    }
  }

  function addressesOf(method: string, params: unknown[]): string[] {
    const strings = (value: unknown): string[] =>
      typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    switch (method) {
      case 'getAccountInfo':
      case 'getBalance':
      case 'getTokenAccountBalance':
      case 'getTokenSupply':
        return strings(params[0]);
      case 'getMultipleAccounts':
        return strings(params[0]);
      case 'sendTransaction':
      case 'simulateTransaction':
      case 'steward_simulateTransaction': {
        const config = (params[1] ?? {}) as { encoding?: unknown; accounts?: { addresses?: unknown } };
        return [...transactionAddresses(params[0], config.encoding), ...strings(config.accounts?.addresses)];
      }
      default:
        return [];
    }
  }

  return {
    stamps,
    async prepare(requests) {
      const run = async () => {
        const addresses: string[] = [];
        const lists: Promise<void>[] = [];
        for (const request of requests) {
          const { method, params } = (request ?? {}) as { method?: unknown; params?: unknown };
          if (typeof method !== 'string') continue;
          const list = Array.isArray(params) ? params : [];
          if (method === 'getProgramAccounts') lists.push(programAccounts(list));
          else if (method === 'getTokenAccountsByOwner') lists.push(tokenAccountsByOwner(list));
          else addresses.push(...addressesOf(method, list));
        }
        await Promise.all(lists);
        await fetchAccounts(addresses);
      };
      const next = queue.then(run);
      queue = next.catch(() => undefined);
      await next;
    },
    info() {
      const slots = [...stamps.values()];
      const min = slots.reduce<bigint | null>((m, s) => (m === null || s < m ? s : m), null);
      const max = slots.reduce<bigint | null>((m, s) => (m === null || s > m ? s : m), null);
      return {
        upstream: upstream.label,
        forkSlot: forkSlot.toString(),
        fetched: stamps.size,
        readSlots: { min: min?.toString() ?? null, max: max?.toString() ?? null },
        requests: upstream.counter.requests,
        methods: { ...upstream.counter.methods },
        budget: upstream.budget,
        cache: { enabled: cache !== null, hits: fromCache, tooOld, maxAgeSlots: maxAgeSlots.toString() },
      };
    },
  };
}

/** A token account (not a mint) of either token program: 165 bytes, or longer with account type 2. */
function isTokenAccount(account: UpstreamAccount): boolean {
  if (!TOKEN_PROGRAMS.has(account.owner)) return false;
  return account.data.length === 165 || (account.data.length > 165 && account.data[165] === 2);
}

function ownerFilter(filters: readonly unknown[]): string | null {
  for (const filter of filters) {
    const memcmp = (filter as { memcmp?: { offset?: unknown; bytes?: unknown; encoding?: unknown } } | null)?.memcmp;
    if (
      memcmp &&
      memcmp.offset === TOKEN_OWNER_OFFSET &&
      typeof memcmp.bytes === 'string' &&
      (memcmp.encoding === undefined || memcmp.encoding === 'base58')
    )
      return memcmp.bytes;
  }
  return null;
}

function lookupTableAddresses(data: Uint8Array): string[] {
  // Address lookup table: 56-byte header, then 32-byte addresses.
  const out: string[] = [];
  for (let offset = 56; offset + 32 <= data.length; offset += 32) out.push(new PublicKey(data.subarray(offset, offset + 32)).toBase58());
  return out;
}

function transactionAddresses(text: unknown, encoding: unknown): string[] {
  if (typeof text !== 'string') return [];
  let bytes: Uint8Array | null;
  if (encoding === 'base64') bytes = Buffer.from(text, 'base64');
  else bytes = decodeBase58(text);
  if (!bytes) return [];
  try {
    const { message } = VersionedTransaction.deserialize(bytes);
    return [
      ...message.staticAccountKeys.map((key) => key.toBase58()),
      ...message.addressTableLookups.map((lookup) => lookup.accountKey.toBase58()),
    ];
  } catch {
    // Malformed: the chain answers it with its own error.
    return [];
  }
}
