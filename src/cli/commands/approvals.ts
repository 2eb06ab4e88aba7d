// `steward approvals list | show ID | approve ID | reject ID`: the human side of actions the
// policy sent for approval. list/show read the journal (expiring due requests first). approve
// records who approved, re-runs the policy against a fresh treasury snapshot (prices and
// windows move while a request waits) and, when it still passes, executes the action with the
// agent's key (src/agent/approve-request.ts). An expired request never executes. Exit codes: 0
// ok, 1 runtime failure (or the approved action did not land), 2 bad input (unknown id, not
// pending), 3 denied on re-check.
import type { Command } from 'commander';
import { approvableRequest, approveAndExecute } from '../../agent/approve-request.js';
import { demoKeypair } from '../../demo/index.js';
import { StewardError } from '../../errors/index.js';
import { getApproval, listApprovals, rejectApproval } from '../../execute/index.js';
import { terminalText } from '../../shared/index.js';
import type { Db } from '../../store/index.js';
import { toJsonText } from '../../treasury/index.js';
import {
  approvalJson,
  approvalRows,
  approvedLines,
  operator,
  parseActionId,
  parseApprovalStatus,
  pausedLine,
  showLines,
} from '../approval-lines.js';
import { createContext, type CliContext, type CliIo } from '../context.js';
import { textTable } from '../table.js';
import { SUMMARY } from '../summaries.js';

export const APPROVAL_DENIED_EXIT = 3;

export function registerApprovals(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const approvals = program.command('approvals').description(SUMMARY['approvals']);
  const withStore = <T>(ctx: CliContext, use: (db: Db) => T): T => {
    const store = ctx.openStore();
    try {
      return use(store.db);
    } finally {
      store.close();
    }
  };

  approvals
    .command('list')
    .description('approval requests (pending by default); due ones are marked expired first')
    .option('--status <status>', 'pending | approved | rejected | expired | all', 'pending')
    .option('--json', 'print them as JSON')
    .action((options: { status: string; json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const status = parseApprovalStatus(options.status);
      const rows = withStore(ctx, (db) => listApprovals(db, new Date(), status));
      if (options.json) io.stdout(toJsonText(rows.map(approvalJson), 2));
      else if (rows.length === 0) io.stdout(`No ${status === 'all' ? '' : `${status} `}approval requests.`);
      else {
        const table = approvalRows(rows);
        for (const line of textTable(table.header, table.rows, table.right)) io.stdout(line);
      }
      setExit(0);
    });

  approvals
    .command('show')
    .description('one approval request: the action, its rules, who decided and when')
    .argument('<id>', 'action id')
    .option('--json', 'print it as JSON')
    .action((idText: string, options: { json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const id = parseActionId(idText);
      const row = withStore(ctx, (db) => getApproval(db, id, new Date()));
      if (options.json) io.stdout(toJsonText(approvalJson(row), 2));
      else for (const line of showLines(row)) io.stdout(line);
      setExit(0);
    });

  approvals
    .command('reject')
    .description('reject a pending request; the action never executes')
    .argument('<id>', 'action id')
    .option('--reason <text>', 'why (kept with the decision)')
    .option('--by <name>', 'who rejects (default: the OS user)')
    .action((idText: string, options: { reason?: string; by?: string }, command: Command) => {
      const ctx = createContext(command, io);
      const id = parseActionId(idText);
      const by = options.by ?? operator();
      withStore(ctx, (db) => rejectApproval(db, id, by, options.reason, new Date()));
      io.stdout(
        `Action ${id} rejected by ${terminalText(by)}${options.reason ? `: ${terminalText(options.reason)}` : ''}. It will not execute.`,
      );
      setExit(0);
    });

  approvals
    .command('approve')
    .description("approve a pending request: re-check it against a fresh treasury snapshot, then execute it with the agent's key")
    .argument('<id>', 'action id')
    .option('--by <name>', 'who approves (default: the OS user)')
    .action(async (idText: string, options: { by?: string }, command: Command) => {
      const ctx = createContext(command, io);
      const id = parseActionId(idText);
      const by = options.by ?? operator();
      const refusePaused = (reason: string, since: string | undefined): void => {
        io.stderr(pausedLine(id, reason, since));
        setExit(APPROVAL_DENIED_EXIT);
      };
      const config = ctx.loadConfig();
      const store = ctx.openStore();
      try {
        // Bad input fails before the cluster is touched (unknown id, decided, expired); paused
        // refuses before anything is read or consumed (approveAction checks again inside its
        // write transaction, in case the switch goes on meanwhile).
        const approvable = approvableRequest(store.db, id, new Date());
        if (approvable.kind === 'paused') return refusePaused(approvable.reason, approvable.since);
        const cluster = await ctx.openCluster();
        try {
          const fallbackSigner = cluster.demo ? { fallbackSigner: demoKeypair('agent') } : {};
          const result = await approveAndExecute({
            db: store.db,
            config,
            settings: ctx.settings,
            cluster,
            request: approvable.request,
            by,
            ...fallbackSigner,
          });
          if (result.kind === 'paused') return refusePaused(result.reason, result.since);
          if (result.kind === 'digest-mismatch')
            throw new StewardError('APPROVAL_INVALID', `action ${id} changed while it was being approved`);
          for (const line of approvedLines(id, by, result)) io.stdout(line);
          if (result.kind === 'denied-on-recheck') setExit(APPROVAL_DENIED_EXIT);
          else setExit(result.outcome.status === 'confirmed' || result.outcome.status === 'prepared' ? 0 : 1);
        } finally {
          await cluster.close();
        }
      } finally {
        store.close();
      }
    });
}
