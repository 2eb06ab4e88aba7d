// The second endpoint a transaction's outcome is confirmed against (--confirm-url /
// STEWARD_CONFIRM_URL), for agent sessions and the approval flow alike.
import { createConnection, resolveCluster } from '../chain/index.js';
import type { Settings } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import type { ConfirmEndpoint } from '../execute/index.js';
import { redactUrl } from '../shared/index.js';

/** The second endpoint of --confirm-url / STEWARD_CONFIRM_URL, or undefined when none is set. */
export function confirmEndpoint(settings: Settings): ConfirmEndpoint | undefined {
  if (settings.confirmUrl === '') return undefined;
  const target = resolveCluster(settings.confirmUrl);
  if (target.kind !== 'url') {
    throw new StewardError('OPTION_INVALID', `--confirm-url "${redactUrl(settings.confirmUrl)}" is not an RPC URL`, {
      hint: 'give a second endpoint of the same cluster, from another provider: an http(s) URL or mainnet-beta | devnet | testnet | localhost',
    });
  }
  return { connection: createConnection(target.url, { commitment: 'confirmed' }), endpoint: target.url };
}
