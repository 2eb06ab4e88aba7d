// `steward approvals list | show ID | approve ID | reject ID`: the human side of actions the
// policy sent for approval. list/show read the journal (expiring due requests first). approve
// records who approved, re-runs the policy against a fresh treasury snapshot (prices and
// windows move while a request waits) and, when it still passes, executes the action with the
// agent's key. An expired request never executes. Exit codes: 0 ok, 1 runtime failure (or the
// approved action did not land), 2 bad input (unknown id, not pending), 3 denied on re-check.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { StewardError } from '../../errors/index.js';
import { actionDigest, getApproval, listApprovals, rejectApproval, type ActionRow, type ApprovalRow } from '../../execute/index.js';
import { formatUsd, parseUsdMicro, terminalText } from '../../shared/index.js';
import { toJsonText } from '../../treasury/index.js';
import { approvableRequest, approveAndExecute, describeAction, outcomeLines } from '../approve-request.js';
import { createContext, type CliIo } from '../context.js';
import { textTable } from '../table.js';
import { SUMMARY } from '../summaries.js';

export const APPROVAL_DENIED_EXIT = 3;

type Listed = ApprovalRow & { action: ActionRow };

function operator(): string {
  try {
    return userInfo().username || process.env['USER'] || 'unknown';
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

function parseId(text: string): number {
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) {
    throw new StewardError('OPTION_INVALID', `"${text}" is not an action id`, {
      hint: 'action ids are positive integers; list them with `steward approvals list`',
    });
  }
  return Number(text);
}

function whatOf(action: ActionRow): string {
  return terminalText(describeAction(action));
}

/** The USD value recorded with the decision (a decimal string), as "$12,000"; "-" without one. */
function usdText(usd: string | null): string {
  const micro = usd === null ? null : parseUsdMicro(usd);
  return micro === null ? (usd ?? '-') : formatUsd(micro, 'compact');
}

function showLines(row: Listed): string[] {
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

export function registerApprovals(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const approvals = program.command('approvals').description(SUMMARY['approvals']);

  approvals
    .command('list')
    .description('approval requests (pending by default); due ones are marked expired first')
    .option('--status <status>', 'pending | approved | rejected | expired | all', 'pending')
    .option('--json', 'print them as JSON')
    .action((options: { status: string; json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const statuses = ['pending', 'approved', 'rejected', 'expired', 'all'] as const;
      const status = statuses.find((s) => s === options.status);
      if (!status)
        throw new StewardError('OPTION_INVALID', `--status "${options.status}" is not one of ${statuses.join(', ')}`, {
          hint: 'e.g. --status all',
        });
      const store = ctx.openStore();
      try {
        const rows = listApprovals(store.db, new Date(), status);
        if (options.json) {
          io.stdout(
            toJsonText(
              rows.map((row) => ({
                ...row,
                action: {
                  ...row.action,
                  payload: JSON.parse(row.action.payload) as unknown,
                  rules: JSON.parse(row.action.rules) as unknown,
                },
              })),
              2,
            ),
          );
        } else if (rows.length === 0) {
          io.stdout(`No ${status === 'all' ? '' : `${status} `}approval requests.`);
        } else {
          const table = rows.map((row) => [
            String(row.action_id),
            terminalText(row.action.agent),
            row.action.kind,
            whatOf(row.action),
            usdText(row.action.usd),
            row.status,
            row.expires_at,
          ]);
          for (const line of textTable(['ID', 'AGENT', 'KIND', 'WHAT', 'USD', 'STATUS', 'EXPIRES'], table, new Set([0, 4])))
            io.stdout(line);
        }
        setExit(0);
      } finally {
        store.close();
      }
    });

  approvals
    .command('show')
    .description('one approval request: the action, its rules, who decided and when')
    .argument('<id>', 'action id')
    .option('--json', 'print it as JSON')
    .action((idText: string, options: { json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const id = parseId(idText);
      const store = ctx.openStore();
      try {
        const row = getApproval(store.db, id, new Date());
        if (options.json)
          io.stdout(
            toJsonText(
              {
                ...row,
                action: {
                  ...row.action,
                  payload: JSON.parse(row.action.payload) as unknown,
                  rules: JSON.parse(row.action.rules) as unknown,
                },
              },
              2,
            ),
          );
        else for (const line of showLines(row)) io.stdout(line);
        setExit(0);
      } finally {
        store.close();
      }
    });

  approvals
    .command('reject')
    .description('reject a pending request; the action never executes')
    .argument('<id>', 'action id')
    .option('--reason <text>', 'why (kept with the decision)')
    .option('--by <name>', 'who rejects (default: the OS user)')
    .action((idText: string, options: { reason?: string; by?: string }, command: Command) => {
      const ctx = createContext(command, io);
      const id = parseId(idText);
      const by = options.by ?? operator();
      const store = ctx.openStore();
      try {
        rejectApproval(store.db, id, by, options.reason, new Date());
        io.stdout(
          `Action ${id} rejected by ${terminalText(by)}${options.reason ? `: ${terminalText(options.reason)}` : ''}. It will not execute.`,
        );
        setExit(0);
      } finally {
        store.close();
      }
    });

  approvals
    .command('approve')
    .description("approve a pending request: re-check it against a fresh treasury snapshot, then execute it with the agent's key")
    .argument('<id>', 'action id')
    .option('--by <name>', 'who approves (default: the OS user)')
    .action(async (idText: string, options: { by?: string }, command: Command) => {
      const ctx = createContext(command, io);
      const id = parseId(idText);
      const by = options.by ?? operator();
      const refusePaused = (actionId: number, reason: string, since: string | undefined): void => {
        io.stderr(
          `Steward is paused (${reason}${since ? `, since ${since}` : ''}); resume first (\`steward resume\`). The approval of action ${actionId} stays pending.`,
        );
        setExit(APPROVAL_DENIED_EXIT);
      };
      const config = ctx.loadConfig();
      const store = ctx.openStore();
      try {
        // Fail on bad input before touching the cluster: unknown id, decided, expired. Paused:
        // refuse before anything is read or consumed; approveAction checks again inside its
        // write transaction, in case the switch goes on meanwhile.
        const approvable = approvableRequest(store.db, id, new Date());
        if (approvable.kind === 'paused') {
          refusePaused(id, approvable.reason, approvable.since);
          return;
        }
        const cluster = await ctx.openCluster();
        try {
          const result = await approveAndExecute({
            db: store.db,
            config,
            settings: ctx.settings,
            cluster,
            request: approvable.request,
            by,
          });
          if (result.kind === 'paused') {
            refusePaused(id, result.reason, result.since);
            return;
          }
          if (result.kind === 'digest-mismatch')
            throw new StewardError('APPROVAL_INVALID', `action ${id} changed while it was being approved`);
          io.stdout(
            `Action ${id} approved by ${terminalText(by)} at ${result.at.toISOString()}; re-checked against ${result.cluster} (slot ${result.slot}).`,
          );
          if (result.kind === 'denied-on-recheck') {
            io.stdout('DENIED on re-check (prices or spend windows moved since the request); nothing was sent:');
            for (const rule of result.rules.filter((r) => r.effect === 'deny')) io.stdout(`  ${rule.id}: ${terminalText(rule.reason)}`);
            setExit(APPROVAL_DENIED_EXIT);
            return;
          }
          io.stdout(`Signer: ${result.signer} (${result.signerNote})`);
          for (const line of outcomeLines(result.outcome)) io.stdout(line);
          setExit(result.outcome.status === 'confirmed' || result.outcome.status === 'prepared' ? 0 : 1);
        } finally {
          await cluster.close();
        }
      } finally {
        store.close();
      }
    });
}
