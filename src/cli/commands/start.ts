// `steward start`: runs every scheduled agent on its cron until SIGINT/SIGTERM, after a preflight
// that refuses to start on what would fail every tick (src/agent/preflight*.ts). A tick that
// finds the agent's previous run still going is skipped and recorded. On shutdown no new run
// starts; a run that has not signed yet is abandoned cleanly, a signed one is finished.
import type { Command } from 'commander';
import { saveRunReport } from '../../agent/report.js';
import { runAgent } from '../../agent/run-agent.js';
import { recordSkippedRun } from '../../agent/run-store.js';
import { createScheduler } from '../../scheduler/index.js';
import { StewardError } from '../../errors/index.js';
import { formatPreflightProblem, preflightExitCode, type PreflightReport } from '../../agent/preflight.js';
import { openAgentSession } from '../agent-session.js';
import { runChainPreflight, runPreflight } from '../preflight.js';
import { createContext, type CliIo } from '../context.js';
import { summarizeRun } from '../run-summary.js';
import { SUMMARY } from '../summaries.js';
import { untilStopped } from '../until-stopped.js';

/** Throws the report's problems as one error: CONFIG_INVALID (exit 2) for files and settings, RPC_FAILED (exit 1) for the cluster. */
function refuseOn(report: PreflightReport): void {
  if (report.problems.length === 0) return;
  const code = preflightExitCode(report) === 2 ? 'CONFIG_INVALID' : 'RPC_FAILED';
  throw new StewardError(code, `steward start refused: ${report.problems.length} problem(s) before the first tick`, {
    details: report.problems.map(formatPreflightProblem),
    hint:
      code === 'CONFIG_INVALID'
        ? 'fix what is named above; `steward validate --chain` checks again'
        : 'check --url / STEWARD_RPC_URL and that the node is up; `steward doctor` shows the cluster',
    context: { problems: report.problems.length },
  });
}

export function registerStart(program: Command, io: CliIo): void {
  program
    .command('start')
    .description(SUMMARY['start'])
    .action(async (_options: unknown, command: Command) => {
      const ctx = createContext(command, io);
      const config = ctx.loadConfig();
      const scheduled = config.agents.filter((entry) => entry.config.schedule);
      if (scheduled.length === 0) {
        throw new StewardError('CONFIG_INVALID', 'no agent has a schedule', {
          hint: 'add `schedule: { cron: "0 */15 * * * *" }` to an agent file, or use `steward run AGENT`',
        });
      }
      // Preflight, before the first tick: key and model files (exit 2), then the cluster (exit 1
      // when it does not answer, 2 when it does not match the configuration).
      const only = { ...config, agents: scheduled };
      const files = await runPreflight(ctx, only, { chain: false });
      refuseOn(files);
      const store = ctx.openStore();
      let session;
      try {
        session = await openAgentSession({
          config,
          store,
          settings: ctx.settings,
          logger: ctx.logger,
          progress: ctx.progress,
          openCluster: () => ctx.openCluster(),
          notice: (line) => io.stderr(`note: ${line}`),
          checkCluster: async (cluster) => {
            const report: PreflightReport = { problems: [], notes: [] };
            await runChainPreflight(ctx, only, cluster, report);
            refuseOn(report);
          },
        });
      } catch (error) {
        store.close();
        throw error;
      }
      const scheduler = createScheduler({
        agents: scheduled.map(({ config: agent }) => ({
          name: agent.name,
          cron: agent.schedule!.cron,
          timezone: agent.schedule!.timezone,
          jitterSeconds: agent.schedule!.jitterSeconds,
        })),
        run: async (name, signal) => {
          const agent = scheduled.find((entry) => entry.config.name === name)!.config;
          const result = await runAgent(agent, session.policyOf(agent), session.runtime, { trigger: 'cron', signal });
          const reportPath = saveRunReport(result, { db: store.db, dbPath: ctx.settings.db, reportsDir: ctx.settings.reportsDir });
          for (const line of summarizeRun(result, reportPath)) io.stdout(line);
        },
        onTick: (tick) => {
          if (tick.kind === 'skipped') {
            recordSkippedRun(store.db, tick.agent, tick.reason, tick.at);
            ctx.logger.warn({ agent: tick.agent, reason: tick.reason }, 'tick skipped');
          }
        },
        onError: (agent, error) => ctx.logger.error({ agent, err: error }, 'run failed'),
      });
      scheduler.start();
      for (const [agent, next] of Object.entries(scheduler.nextRuns())) io.stdout(`${agent}: next run ${next?.toISOString() ?? 'never'}`);
      io.stdout(`Steward is running ${scheduled.length} agent(s) on ${session.cluster.label}. Ctrl-C to stop.`);
      await untilStopped();
      io.stdout('stopping: no new runs; waiting for running ones to finish or abandon before signing');
      await scheduler.stop();
      await session.close();
      store.close();
    });
}
