// The agent's key as commands resolve it (--agent-key, the agent's signer, or on the embedded
// demo chain the demo agent key); the config lookups themselves are src/agent/agent-lookup.ts.
import { PublicKey } from '@solana/web3.js';
import type { AgentConfig, Settings } from '../config/index.js';
import { signerSource, type AgentKey } from '../agent/agent-lookup.js';
import { loadAgentSigner } from '../agent/signer.js';
import type { OpenCluster } from '../chain/index.js';
import { DEMO } from '../demo/index.js';
import { StewardError } from '../errors/index.js';
import { isAddress } from '../shared/index.js';

export { findAgent, pickAgent, policyOf, treasuryAgent } from '../agent/agent-lookup.js';

/**
 * The agent's public key: the explicit address, else the agent's signer (agent file or its env
 * variable), else — on the embedded demo chain only — the demo agent key. Null when none applies.
 */
export function agentKeyOf(
  agent: AgentConfig,
  settings: Settings,
  cluster: OpenCluster,
  explicit: string | undefined,
  flag: string,
): AgentKey | null {
  if (explicit !== undefined) {
    if (!isAddress(explicit))
      throw new StewardError('ADDRESS_INVALID', `${flag} "${explicit}" is not a Solana address`, {
        hint: "pass the base58 public key of the agent's signer",
      });
    return { key: new PublicKey(explicit), source: flag };
  }
  const signer = loadAgentSigner(agent, process.env, settings.keypair);
  if (signer) return { key: signer.publicKey, source: signerSource(agent) };
  if (cluster.demo) return { key: DEMO.agent, source: 'the demo agent key (embedded chain; no signer configured)' };
  return null;
}
