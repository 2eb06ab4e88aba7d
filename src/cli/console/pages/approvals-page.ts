// Approvals: the pending queue. Each request shows the exact action (its journalled payload),
// the policy rules that fired, what it would move, and the digest of the exact action, which
// the approve button submits: the server approves only the action that still has that digest,
// after re-checking the policy against a fresh snapshot as `steward approvals approve` does.
// Reject takes a reason. Who decided and when is journalled and shown below the queue.
import { actionDigest, type ActionRow, type ApprovalRow } from '../../../execute/index.js';
import { describeAction } from '../../approval-lines.js';
import { csrfField } from '../layout.js';
import { html, preText, type Html } from '../html.js';
import { groupDecimalText } from '../../../shared/index.js';

type Request = ApprovalRow & { action: ActionRow };

function rulesOf(action: ActionRow): Html {
  const rules = JSON.parse(action.rules) as { id: string; effect: string; reason: string }[];
  if (rules.length === 0) return html`<p>No rule fired.</p>`;
  return html`<ul class="rules">
    ${rules.map((rule) => html`<li class="effect-${rule.effect}"><strong>${rule.effect}</strong> <code>${rule.id}</code>: ${rule.reason}</li>`)}
  </ul>`;
}

function pendingCard(request: Request, csrf: string, operator: string): Html {
  const { action } = request;
  const digest = actionDigest(action);
  const payload = JSON.parse(action.payload) as Record<string, unknown>;
  return html`<article class="approval" id="action-${action.id}" data-action="${action.id}">
    <h2>Action ${action.id}: ${action.kind} — <span class="what">${describeAction(action)}</span></h2>
    <p>
      Proposed by agent <strong>${action.agent}</strong> under policy
      <strong>${action.policy}</strong>${action.run_id === null ? '' : html` in <a href="/runs/${action.run_id}">run ${action.run_id}</a>`},
      ${action.created_at}; expires ${request.expires_at}.
    </p>
    ${typeof payload['reason'] === 'string' ? html`<p>Agent's reason (model output, untrusted): <span class="reason">${payload['reason']}</span></p>` : ''}
    <h3>Effect if executed</h3>
    <p>
      ${action.amount !== null && action.token !== null ? html`<strong>${groupDecimalText(action.amount)} ${action.token}</strong> leaves the treasury${action.destination ? html` to <span class="mono">${action.destination}</span>` : ''}` : 'No token outflow recorded'}${action.usd === null ? '' : html`, worth ${groupDecimalText(action.usd)} USD at the prices of the proposal`}.
      On approval the policy is judged again on a fresh snapshot; before signing the transaction is simulated and its real balance changes
      are checked against the policy once more.
    </p>
    <h3>Rules that fired</h3>
    ${rulesOf(action)}
    <h3>The exact action</h3>
    <pre class="payload">${preText(JSON.stringify(payload, null, 2))}</pre>
    <p>Digest (sha256 of the exact action): <code class="digest">${digest}</code></p>
    <form method="post" action="/approvals/${action.id}/approve" class="decide">
      ${csrfField(csrf)}
      <input type="hidden" name="digest" value="${digest}" />
      <label>Your name <input name="by" required maxlength="64" value="${operator}" /></label>
      <button type="submit" class="approve">Approve action ${action.id}</button>
    </form>
    <form method="post" action="/approvals/${action.id}/reject" class="decide">
      ${csrfField(csrf)}
      <label>Your name <input name="by" required maxlength="64" value="${operator}" /></label>
      <label>Reason <input name="reason" required maxlength="500" /></label>
      <button type="submit" class="reject">Reject</button>
    </form>
  </article>`;
}

export function approvalsPage(pending: readonly Request[], decided: readonly Request[], csrf: string, operator: string): Html {
  return html`${pending.length === 0 ? html`<p id="no-pending">No action awaits approval.</p>` : pending.map((request) => pendingCard(request, csrf, operator))}
    <h2>Decided</h2>
    ${
      decided.length === 0
        ? html`<p>None yet.</p>`
        : html`<table id="decided">
            <thead>
              <tr>
                <th>action</th>
                <th>what</th>
                <th>decision</th>
                <th>by</th>
                <th>at</th>
                <th>reason</th>
                <th>state</th>
              </tr>
            </thead>
            <tbody>
              ${decided.map(
                (row) =>
                  html`<tr data-action="${row.action_id}">
                    <td>${row.action_id}</td>
                    <td>${row.action.kind}: ${describeAction(row.action)}</td>
                    <td class="status">${row.status}</td>
                    <td>${row.decided_by ?? ''}</td>
                    <td>${row.decided_at ?? ''}</td>
                    <td>${row.reason ?? ''}</td>
                    <td class="state">${row.action.state}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}
