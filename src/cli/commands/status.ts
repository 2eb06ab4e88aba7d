// `steward status`: each agent's last run and outcome, its next scheduled run, pending
// approvals, and the allowances the agent key holds as of the latest observation.
import { Cron } from 'croner';
import type { Command } from 'commander';
import { lastRun } from '../../agent/run-store.js';
import { formatAmount, terminalText } from '../../shared/index.js';
import { latestObservation } from '../../treasury/index.js';
import { isPaused } from '../../policy/index.js';
import { createContext, type CliIo } from '../context.js';

export function registerStatus(program: Command, io: CliIo): void {
  program
    .command('status')
    .description("each agent's last run, next run, pending approvals and remaining allowances")
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const config = ctx.loadConfig();
      const store = ctx.openStore();
      try {
        const now = new Date();
        const paused = isPaused(store.db);
        const rows = config.agents.map(({ config: agent }) => {
          const run = lastRun(store.db, agent.name);
          const next = agent.schedule ? new Cron(agent.schedule.cron, { timezone: agent.schedule.timezone, paused: true }).nextRun(now) : null;
          const pending = store.db
            .prepare("SELECT COUNT(*) FROM actions WHERE agent = ? AND state = 'pending-approval'")
            .pluck()
            .get(agent.name) as number;
          const observation = latestObservation(store.db, agent.treasury.owners);
          const policy = config.policies.find((entry) => entry.config.name === agent.policy)?.config;
          const allowances = (observation?.snapshot.allowances ?? []).map((allowance) => {
            const decimals = policy && allowance.symbol ? policy.tokens[allowance.symbol]?.decimals : undefined;
            return {
              token: allowance.symbol ?? allowance.mint,
              account: allowance.tokenAccount,
              remaining: decimals === undefined ? allowance.remaining.toString() : formatAmount(allowance.remaining, decimals),
            };
          });
          return {
            agent: agent.name,
            mode: agent.mode,
            lastRun: run ? { id: run.id, status: run.status, at: run.startedAt, error: run.error } : null,
            nextRun: next?.toISOString() ?? null,
            pendingApprovals: pending,
            allowances,
            allowancesAsOfSlot: observation?.snapshot.slot.toString() ?? null,
          };
        });
        if (options.json) {
          io.stdout(JSON.stringify({ paused, agents: rows }, null, 2));
          return;
        }
        if (paused) io.stdout('KILL SWITCH ON: every action is denied (`steward resume` to lift it)');
        for (const row of rows) {
          io.stdout(`${row.agent} (${row.mode})`);
          io.stdout(`  last run:  ${row.lastRun ? `#${row.lastRun.id} ${row.lastRun.status} at ${row.lastRun.at}${row.lastRun.error ? ` — ${terminalText(row.lastRun.error)}` : ''}` : 'never'}`);
          io.stdout(`  next run:  ${row.nextRun ?? 'on demand only (no schedule)'}`);
          io.stdout(`  approvals: ${row.pendingApprovals} pending${row.pendingApprovals ? ' (`steward approvals list`)' : ''}`);
          if (row.allowances.length === 0) io.stdout(`  allowances: none seen${row.allowancesAsOfSlot ? '' : ' (no observation yet)'}`);
          for (const allowance of row.allowances) io.stdout(`  allowance: ${allowance.remaining} ${allowance.token} on ${allowance.account} (slot ${row.allowancesAsOfSlot})`);
        }
      } finally {
        store.close();
      }
    });
}
