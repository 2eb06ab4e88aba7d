// How approval requests and their outcomes read, for `steward approvals` and the console: one
// line per action, the detail of one request, the JSON form, and what an execution ended in.
// Untrusted parts (agent names, reasons, payload fields, logs) are neutralised for a terminal
// here, except in describeAction, whose callers escape for their own medium.
import { userInfo } from 'node:os';
import type { ApproveResult } from '../agent/approve-request.js';
import { StewardError } from '../errors/index.js';
import { actionDigest, type ActionRow, type ApprovalRow, type ExecutionOutcome } from '../execute/index.js';
import { formatUsd, groupDecimalText, parseUsdMicro, terminalText } from '../shared/index.js';

export type ListedApproval = ApprovalRow & { action: ActionRow };

/** Who decides when --by is not given: the OS user. */
export function operator(): string {
  try {
    return userInfo().username || process.env['USER'] || 'unknown';
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

export function parseActionId(text: string): number {
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) {
    throw new StewardError('OPTION_INVALID', `"${text}" is not an action id`, {
      hint: 'action ids are positive integers; list them with `steward approvals list`',
    });
  }
  return Number(text);
}

const STATUSES = ['pending', 'approved', 'rejected', 'expired', 'all'] as const;

/** `--status`: which approval requests to list. */
export function parseApprovalStatus(text: string): (typeof STATUSES)[number] {
  const status = STATUSES.find((s) => s === text);
  if (!status)
    throw new StewardError('OPTION_INVALID', `--status "${text}" is not one of ${STATUSES.join(', ')}`, {
      hint: 'e.g. --status all',
    });
  return status;
}

/** Why an approval was refused while Steward is paused. */
export function pausedLine(id: number, reason: string, since: string | undefined): string {
  return `Steward is paused (${reason}${since ? `, since ${since}` : ''}); resume first (\`steward resume\`). The approval of action ${id} stays pending.`;
}

/** One line for what an action does ("12,000 USDC → ADDRESS", amounts grouped); untrusted parts are not yet escaped. */
export function describeAction(action: ActionRow): string {
  const payload = JSON.parse(action.payload) as Record<string, unknown>;
  switch (action.kind) {
    case 'transfer':
      return `${groupDecimalText(String(payload['amount']))} ${String(payload['token'])} → ${String(payload['to'])}`;
    case 'swap':
      return `${groupDecimalText(String(payload['amount']))} ${String(payload['from'])} → ${String(payload['to'])}`;
    case 'stake':
      return `${groupDecimalText(String(payload['amount']))} SOL → validator ${String(payload['validator'])}`;
    case 'unstake':
      return `${String(payload['stakeAccount'])}${payload['amount'] === undefined ? '' : ` (${groupDecimalText(String(payload['amount']))} SOL)`}`;
    case 'vote':
      return `${String(payload['choice'])} on ${String(payload['proposal'])}`;
    default:
      return action.payload.slice(0, 80);
  }
}

function whatOf(action: ActionRow): string {
  return terminalText(describeAction(action));
}

/** The USD value recorded with the decision (a decimal string), as "$12,000"; "-" without one. */
function usdText(usd: string | null): string {
  const micro = usd === null ? null : parseUsdMicro(usd);
  return micro === null ? (usd ?? '-') : formatUsd(micro, 'compact');
}

/** A request as JSON output: the action's payload and rules parsed rather than as stored text. */
export function approvalJson(row: ListedApproval): unknown {
  return {
    ...row,
    action: { ...row.action, payload: JSON.parse(row.action.payload) as unknown, rules: JSON.parse(row.action.rules) as unknown },
  };
}

/** The list's table: header and one row per request; columns 0 and 4 are right-aligned. */
export function approvalRows(rows: readonly ListedApproval[]): { header: string[]; rows: string[][]; right: Set<number> } {
  return {
    header: ['ID', 'AGENT', 'KIND', 'WHAT', 'USD', 'STATUS', 'EXPIRES'],
    rows: rows.map((row) => [
      String(row.action_id),
      terminalText(row.action.agent),
      row.action.kind,
      whatOf(row.action),
      usdText(row.action.usd),
      row.status,
      row.expires_at,
    ]),
    right: new Set([0, 4]),
  };
}

/** `steward approvals show`: the action, its rules, who decided and when. */
export function showLines(row: ListedApproval): string[] {
  const { action } = row;
  const rules = JSON.parse(action.rules) as { id: string; effect: string; reason: string }[];
  const payload = JSON.parse(action.payload) as Record<string, unknown>;
  return [
    `Action ${action.id} (${action.kind}) of agent ${terminalText(action.agent)}, policy ${terminalText(action.policy)}${action.run_id === null ? '' : `, run ${action.run_id}`}`,
    `  what:       ${whatOf(action)}`,
    ...(typeof payload['reason'] === 'string' ? [`  reason:     ${terminalText(payload['reason'])}`] : []),
    ...(action.usd === null ? [] : [`  value:      ${usdText(action.usd)} (at the prices of the proposal)`]),
    `  approval:   ${row.status}${row.decided_by ? ` by ${terminalText(row.decided_by)}` : ''}${row.decided_at ? ` at ${row.decided_at}` : ''}${row.reason ? ` — ${terminalText(row.reason)}` : ''}`,
    `  requested:  ${row.requested_at}`,
    `  expires:    ${row.expires_at}`,
    `  state:      ${action.state}${action.error ? ` — ${terminalText(action.error)}` : ''}`,
    `  digest:     ${actionDigest(action)} (sha256 of the exact action; the console's approve submits it)`,
    '  rules:',
    ...(rules.length === 0
      ? ['    (none fired)']
      : rules.map((rule) => `    ${rule.effect.padEnd(14)} ${rule.id}: ${terminalText(rule.reason)}`)),
  ];
}

/** `steward approvals approve`: what the approval came to, after it was recorded (re-check denied, or executed). */
export function approvedLines(
  id: number,
  by: string,
  result: Extract<ApproveResult, { kind: 'denied-on-recheck' | 'executed' }>,
): string[] {
  const head = `Action ${id} approved by ${terminalText(by)} at ${result.at.toISOString()}; re-checked against ${result.cluster} (slot ${result.slot}).`;
  if (result.kind === 'denied-on-recheck')
    return [
      head,
      'DENIED on re-check (prices or spend windows moved since the request); nothing was sent:',
      ...result.rules.filter((r) => r.effect === 'deny').map((rule) => `  ${rule.id}: ${terminalText(rule.reason)}`),
    ];
  return [head, `Signer: ${result.signer} (${result.signerNote})`, ...outcomeLines(result.outcome)];
}

/** What an execution ended in, as lines (untrusted parts neutralised for a terminal). */
export function outcomeLines(outcome: ExecutionOutcome): string[] {
  switch (outcome.status) {
    case 'confirmed':
      return [
        `Executed: confirmed in slot ${outcome.slot ?? '?'}, signature ${outcome.signature} (attempt ${outcome.attempt})`,
        ...outcome.notes.map((note) => `  ${terminalText(note)}`),
        `  memo ${outcome.memo}`,
      ];
    case 'failed':
      return [
        `Execution FAILED on chain: ${terminalText(outcome.error)} (signature ${outcome.signature})`,
        ...outcome.logs.slice(-8).map((log) => `  ${terminalText(log)}`),
      ];
    case 'expired':
      return [`Execution EXPIRED: ${terminalText(outcome.error)} (signature ${outcome.signature}); nothing landed`];
    case 'unknown':
      return [
        `Sent, outcome UNKNOWN: ${terminalText(outcome.error)} (signature ${outcome.signature}). It counts as spent; \`steward status\` lists it until the endpoints agree. Do not approve again.`,
      ];
    case 'pending':
      return [
        `Sent, not settled yet: signature ${outcome.signature}. \`steward start\` (recoverPending) settles it; do not approve again.`,
      ];
    case 'refused':
      return [
        `Execution REFUSED at ${outcome.stage}: ${terminalText(outcome.reason)}`,
        `hint: ${terminalText(outcome.hint)}`,
        ...outcome.logs.slice(-8).map((log) => `  ${terminalText(log)}`),
      ];
    case 'dry-run':
      return [`Dry run only: ${outcome.unitsConsumed} compute units; nothing was signed`];
    case 'prepared':
      return [
        `PREPARED, NOT SENT: ${terminalText(outcome.reason)}`,
        ...outcome.instructions.map((ix) => `  instruction ${ix.programId} accounts [${ix.accounts.join(', ')}] data ${ix.data} (base64)`),
      ];
    default:
      return outcome satisfies never;
  }
}
