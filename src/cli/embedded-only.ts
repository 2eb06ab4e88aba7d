// Whether a command may use the embedded chain's cheat RPCs (steward_setAccount,
// steward_advanceSlots) on the cluster it talks to: the in-process demo chain, the embedded
// default, or an RPC on this machine. Nothing else is ever sent one.
import { resolveCluster, type OpenCluster } from '../chain/index.js';

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
