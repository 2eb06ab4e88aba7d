// Cluster names as the Solana CLI takes them, resolved to RPC URLs. "embedded" means the
// LiteSVM chain (src/chain/embedded), started on demand in a child process.
import { redactUrl } from '../shared/redact.js';
import { StewardError } from '../errors/index.js';

export const CLUSTER_URLS = {
  'mainnet-beta': 'https://api.mainnet-beta.solana.com',
  mainnet: 'https://api.mainnet-beta.solana.com',
  devnet: 'https://api.devnet.solana.com',
  testnet: 'https://api.testnet.solana.com',
  localhost: 'http://127.0.0.1:8899',
} as const;

export type ClusterTarget = { kind: 'embedded' } | { kind: 'url'; url: string; name: string };

export function resolveCluster(value: string): ClusterTarget {
  const text = value.trim();
  if (text === '' || text === 'embedded') return { kind: 'embedded' };
  if (text in CLUSTER_URLS) return { kind: 'url', url: CLUSTER_URLS[text as keyof typeof CLUSTER_URLS], name: text };
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return { kind: 'url', url: text, name: redactUrl(text) };
  } catch {
    // fall through to the error below
  }
  throw new StewardError('CLUSTER_INVALID', `unknown cluster "${redactUrl(text)}"`, {
    hint: 'use an http(s) URL or one of: embedded, mainnet-beta, devnet, testnet, localhost',
    context: { value: redactUrl(text) },
  });
}

/** A label safe to print: the cluster name or the URL without credentials. */
export function describeCluster(target: ClusterTarget): string {
  return target.kind === 'embedded' ? 'embedded chain (LiteSVM in a child process, demo DAO)' : target.name;
}
