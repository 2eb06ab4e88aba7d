// `steward runs list | show ID`: the journal of agent runs.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { getRun, listDecisions, listRuns } from '../../agent/run-store.js';
import { StewardError } from '../../errors/index.js';
import { formatUsd, terminalText } from '../../shared/index.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';
import { textTable } from '../table.js';

/**
 * The run summary the journal keeps (runSummary in src/agent/run-agent.ts), as table cells:
 * the treasury's trusted value, and actions as "proposed: allowed/denied/awaiting/confirmed".
 */
function runSummaryCells(summary: Record<string, unknown> | null): { mode: string; treasury: string; actions: string; reviews: string } {
  if (!summary) return { mode: '-', treasury: '-', actions: '-', reviews: '-' };
  const count = (key: string): string => (typeof summary[key] === 'number' ? String(summary[key]) : '?');
  const micro = summary['trustedMicroUsd'];
  const treasury = typeof micro === 'string' && /^-?\d+$/.test(micro) ? formatUsd(BigInt(micro), 'whole') : '-';
  const actions = `${count('proposed')} (${count('allowed')} allowed, ${count('denied')} denied, ${count('awaitingApproval')} awaiting, ${count('confirmed')} confirmed)`;
  return { mode: typeof summary['mode'] === 'string' ? terminalText(summary['mode']) : '-', treasury, actions, reviews: count('reviews') };
}

export function registerRuns(program: Command, io: CliIo): void {
  const runs = program.command('runs').description(SUMMARY['runs']);
  runs
    .command('list')
    .description('the most recent runs, newest first')
    .option('--agent <name>', 'only this agent')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action((options: { agent?: string; limit: string; json?: boolean }, command: Command) => {
      const limit = Number.parseInt(options.limit, 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        throw new StewardError('OPTION_INVALID', `--limit expects a whole number from 1 to 10000, got "${options.limit}"`);
      }
      const ctx = createContext(command, io);
      const store = ctx.openStore();
      try {
        const rows = listRuns(store.db, { ...(options.agent ? { agent: options.agent } : {}), limit });
        if (options.json) {
          io.stdout(JSON.stringify(rows, null, 2));
          return;
        }
        if (rows.length === 0) {
          io.stdout('no runs recorded yet (`steward run AGENT` or `npm start`)');
          return;
        }
        const table = rows.map((row) => {
          const summary = runSummaryCells(row.summary);
          return [
            String(row.id),
            row.startedAt,
            terminalText(row.agent),
            row.status,
            row.trigger,
            summary.mode,
            `${Math.round(row.phases.reduce((sum, phase) => sum + phase.ms, 0))} ms`,
            summary.treasury,
            summary.actions,
            summary.reviews,
            row.error ? terminalText(row.error) : '',
          ];
        });
        for (const line of textTable(
          ['RUN', 'STARTED', 'AGENT', 'STATUS', 'TRIGGER', 'MODE', 'TIME', 'TREASURY', 'ACTIONS', 'REVIEWS', 'ERROR'],
          table,
          new Set([0, 6, 7, 9]),
        ))
          io.stdout(line);
      } finally {
        store.close();
      }
    });
  runs
    .command('show')
    .description('one run: phases, decisions, and its report')
    .argument('<id>', 'run id')
    .option('--json', 'print JSON')
    .action((id: string, options: { json?: boolean }, command: Command) => {
      const runId = Number.parseInt(id, 10);
      if (!/^\d+$/.test(id)) throw new StewardError('OPTION_INVALID', `run id must be a number, got "${id}"`);
      const ctx = createContext(command, io);
      const store = ctx.openStore();
      try {
        const run = getRun(store.db, runId);
        if (!run)
          throw new StewardError('RUN_NOT_FOUND', `no run ${runId}`, { hint: 'list runs with `steward runs list`', context: { runId } });
        const decisions = listDecisions(store.db, runId);
        if (options.json) {
          io.stdout(JSON.stringify({ run, decisions }, null, 2));
          return;
        }
        if (run.report !== null) {
          // This run's report as the journal recorded it (a file may have been overwritten or
          // removed since). Untrusted text was escaped when it was written.
          io.stdout(run.report);
        } else if (run.reportPath && existsSync(run.reportPath)) {
          // A run from before reports were kept in the journal; the output stream neutralises any
          // control character a hand-edited report may carry.
          io.stdout(readFileSync(run.reportPath, 'utf8'));
        } else {
          io.stdout(`run ${run.id} of ${terminalText(run.agent)}: ${run.status}${run.error ? ` — ${terminalText(run.error)}` : ''}`);
          for (const phase of run.phases)
            io.stdout(`  ${phase.name.padEnd(14)} ${phase.ms} ms ${phase.ok ? '' : `FAILED ${terminalText(phase.detail ?? '')}`}`);
        }
        for (const decision of decisions) {
          io.stdout(
            `decision ${decision.id} (${decision.task}): model ${decision.modelId}, prompt sha256 ${decision.promptHash.slice(0, 16)}…, ${decision.attempts} attempt(s)${decision.error ? `, failed: ${terminalText(decision.error)}` : ''}`,
          );
        }
      } finally {
        store.close();
      }
    });
}
