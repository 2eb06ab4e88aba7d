// `steward run AGENT`: one run of an agent now (observe → analyze → decide → policy → execute →
// record), with a Markdown report; `--dry-run` stops every action before signing.
import type { Command } from 'commander';
import { saveRunReport } from '../../agent/report.js';
import { runAgent } from '../../agent/run-agent.js';
import { toJsonText } from '../../treasury/index.js';
import { openAgentSession } from '../agent-session.js';
import { findAgent } from '../agents.js';
import { forkRunLines } from '../fork-run-lines.js';
import { createContext, type CliIo } from '../context.js';
import { summarizeRun } from '../run-summary.js';
import { SUMMARY } from '../summaries.js';

export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('run')
    .description(SUMMARY['run'])
    .argument('<agent>', 'agent name (agents/*.yaml)')
    .option('--once', 'run once and exit (the default; `steward start` runs agents on their schedules)')
    .option('--dry-run', 'simulate and check every action, sign nothing')
    .option('--no-model', 'review proposals without a model (deterministic review only)')
    .option('--json', 'print the run result as JSON')
    .action(async (name: string, options: { dryRun?: boolean; model: boolean; json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const config = ctx.loadConfig();
      const agent = findAgent(config, name);
      const store = ctx.openStore();
      try {
        const session = await openAgentSession({
          config,
          store,
          settings: ctx.settings,
          logger: ctx.logger,
          progress: ctx.progress,
          openCluster: () => ctx.openCluster(),
          ...(options.dryRun ? { dryRun: true } : {}),
          // Said on stderr, so that --json output stays one JSON document.
          notice: (line) => io.stderr(`note: ${line}`),
        });
        try {
          const result = await runAgent(agent, session.policyOf(agent), session.runtime, {
            trigger: 'cli',
            ...(options.dryRun ? { dryRun: true } : {}),
            ...(options.model === false ? { noModel: true } : {}),
          });
          const reportPath = saveRunReport(result, { db: store.db, dbPath: ctx.settings.db, reportsDir: ctx.settings.reportsDir });
          // On a fork: what landed there, and what the upstream was asked (reads only).
          const fork = session.cluster.forkInfo ? await session.cluster.forkInfo() : null;
          if (options.json) io.stdout(toJsonText({ ...result, reportPath, ...(fork ? { fork } : {}) }, 2));
          else {
            for (const line of summarizeRun(result, reportPath)) io.stdout(line);
            if (fork)
              for (const line of forkRunLines({ db: store.db, result, tokens: session.policyOf(agent).tokens, fork })) io.stdout(line);
          }
          // A run that failed on a bad file or setting (keypair, model file) exits 2, as bad input does.
          setExit(result.status === 'ok' ? 0 : result.errorKind === 'input' ? 2 : 1);
        } finally {
          await session.close();
        }
      } finally {
        store.close();
      }
    });
}
