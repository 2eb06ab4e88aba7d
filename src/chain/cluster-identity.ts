// Which chain a figure belongs to. A real cluster is known by its genesis hash (the same from
// every provider's endpoint); a local validator by its genesis hash and its endpoint (two local
// validators may share a genesis); an embedded chain by its own chain id, because every LiteSVM
// chain reports the same genesis hash. Observations, allowances and `status` are keyed by the
// identity's `key`, and show its `name`.
import type { Connection } from '@solana/web3.js';
import { StewardError } from '../errors/index.js';
import { redactText, redactUrl } from '../shared/redact.js';

/** Genesis hashes of the public clusters. */
export const KNOWN_GENESIS: Readonly<Record<string, 'mainnet-beta' | 'devnet' | 'testnet'>> = {
  '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d': 'mainnet-beta',
  EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG: 'devnet',
  '4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY': 'testnet',
};

/** What every LiteSVM chain answers to getGenesisHash, whatever its state. */
export const LITESVM_GENESIS = 'CmpNeggWJ4JaWJeJ8YKN1Zypmk7uvQq3PECGUCAEMbky';

export interface ClusterIdentity {
  /** Stable key figures are stored under: `genesis:HASH`, `local:HASH@HOST:PORT`, `embedded:CHAINID` or `fork:CHAINID`. */
  key: string;
  /** Readable: "mainnet-beta", "local validator at http://127.0.0.1:8899", "embedded chain 1f2e…". */
  name: string;
  genesisHash: string;
  /** Scheme, host and port of the endpoint read (no path or credentials), or null for the embedded chain. */
  endpoint: string | null;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || hostname === '0.0.0.0' || /^127\./.test(hostname);
}

/** The cluster a URL's host name says it is (api.devnet.solana.com → devnet), or null. */
export function namedClusterOf(url: string): 'mainnet-beta' | 'devnet' | 'testnet' | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (/(^|[.-])devnet([.-]|$)/.test(host)) return 'devnet';
  if (/(^|[.-])testnet([.-]|$)/.test(host)) return 'testnet';
  if (/(^|[.-])mainnet(-beta)?([.-]|$)/.test(host)) return 'mainnet-beta';
  return null;
}

export function embeddedIdentity(chainId: string): ClusterIdentity {
  return { key: `embedded:${chainId}`, name: `embedded chain ${chainId}`, genesisHash: LITESVM_GENESIS, endpoint: null };
}

/** A fork (`--fork URL`): its own chain, not the upstream (its state diverges from the fork slot on). */
export function forkIdentity(chainId: string, upstream: string): ClusterIdentity {
  return { key: `fork:${chainId}`, name: `fork ${chainId} of ${redactUrl(upstream)}`, genesisHash: LITESVM_GENESIS, endpoint: null };
}

/** The identity of the cluster at `url` that answered `genesisHash`. */
export function identityOf(url: string, genesisHash: string): ClusterIdentity {
  const parsed = new URL(url);
  const endpoint = `${parsed.protocol}//${parsed.host}`;
  const known = KNOWN_GENESIS[genesisHash];
  if (isLoopback(parsed.hostname) || genesisHash === LITESVM_GENESIS) {
    return { key: `local:${genesisHash}@${parsed.host}`, name: `local validator at ${endpoint}`, genesisHash, endpoint };
  }
  return {
    key: `genesis:${genesisHash}`,
    name: known ?? `cluster ${genesisHash.slice(0, 8)}… at ${redactUrl(endpoint)}`,
    genesisHash,
    endpoint,
  };
}

/**
 * Asks the cluster at `url` for its genesis hash (bounded by `timeoutMs`) and returns its identity.
 * RPC_FAILED when it does not answer: a cluster that cannot be reached has no identity.
 */
export async function readClusterIdentity(
  connection: Connection,
  url: string,
  options: { timeoutMs?: number } = {},
): Promise<ClusterIdentity> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const genesis = await Promise.race([
      connection.getGenesisHash(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    return identityOf(url, genesis);
  } catch (error) {
    throw new StewardError('RPC_FAILED', `cannot reach the cluster at ${redactUrl(url)}: ${redactText((error as Error).message)}`, {
      hint: 'check --url / STEWARD_RPC_URL and that the node is up',
      context: { url: redactUrl(url) },
      cause: error,
    });
  } finally {
    if (timer) clearTimeout(timer);
  }
}
