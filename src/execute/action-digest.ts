// The digest of the exact action a person approves: what it does (kind, payload as journalled),
// whose it is (agent, policy, run), its value and when it was proposed, bound to its id. The
// console's approve button submits it, and approveAction executes only when the pending action
// still has that digest: an approval is bound to the action that will execute, never to an id
// alone (ids are reused after a database is replaced; a page can be stale).
import { createHash } from 'node:crypto';
import type { ActionRow } from './action-journal.js';

export function actionDigest(
  action: Pick<ActionRow, 'id' | 'run_id' | 'agent' | 'policy' | 'kind' | 'payload' | 'usd' | 'created_at'>,
): string {
  const fields = [action.id, action.run_id, action.agent, action.policy, action.kind, action.payload, action.usd, action.created_at];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
