// The embedded chain's cheat RPCs as a client (steward_setAccount, steward_advanceSlots; the
// server side is src/chain/embedded/rpc-cheatcodes.ts), and whether a cluster may be sent one:
// the in-process demo chain, the embedded default, or an RPC on this machine. Nothing else is
// ever sent one; callers check mayInject first.
import type { Connection } from '@solana/web3.js';
import { StewardError } from '../errors/index.js';
import { resolveCluster } from './cluster.js';
import { transportOf } from './connection.js';
import type { OpenCluster } from './open-cluster.js';
import { RpcAnswerError } from './rpc.js';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function mayInject(rpcUrl: string, cluster: OpenCluster): boolean {
  if (cluster.demo) return true;
  const target = resolveCluster(rpcUrl);
  if (target.kind !== 'url') return target.kind === 'embedded';
  try {
    return LOCAL_HOSTS.has(new URL(target.url).hostname);
  } catch {
    return false;
  }
}

/**
 * One cheat call through the connection's transport (counted, with its deadline and retries, as
 * every RPC is). The node's JSON-RPC error comes back as `refused`; a transport failure throws.
 */
async function cheat(connection: Connection, method: string, params: unknown[]): Promise<{ refused: RpcAnswerError | null }> {
  try {
    await transportOf(connection).request(method, params);
    return { refused: null };
  } catch (error) {
    if (error instanceof RpcAnswerError) return { refused: error };
    throw error;
  }
}

/** An account's new state, as steward_setAccount writes it. */
export interface CheatAccountState {
  lamports: number;
  data: Uint8Array;
  owner: string;
  executable: boolean;
}

/** Rewrites an account through steward_setAccount. False when the cluster does not know the method. */
export async function setAccountOverRpc(connection: Connection, address: string, account: CheatAccountState): Promise<boolean> {
  const { refused } = await cheat(connection, 'steward_setAccount', [
    address,
    {
      lamports: account.lamports,
      data: [Buffer.from(account.data).toString('base64'), 'base64'],
      owner: account.owner,
      executable: account.executable,
    },
  ]);
  if (refused?.code === -32601) return false;
  if (refused) {
    throw new StewardError('RPC_FAILED', `steward_setAccount on ${address} failed: ${refused.message}`, {
      hint: 'the embedded chain refused the write; nothing changed',
    });
  }
  return true;
}

/** Moves the embedded chain's clock at least `seconds` ahead (400 ms slots, plus 5) through steward_advanceSlots. */
export async function advanceClockOverRpc(connection: Connection, seconds: number): Promise<void> {
  const { refused } = await cheat(connection, 'steward_advanceSlots', [Math.ceil((seconds * 1000) / 400) + 5]);
  if (refused)
    throw new StewardError('RPC_FAILED', `steward_advanceSlots failed: ${refused.message}`, {
      hint: 'only the embedded chain moves its clock on request',
    });
}
