// `steward validate`: checks every agent and policy file and reports all problems at once.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProblem, inspectConfig } from '../../config/index.js';
import { createContext, type CliIo } from '../context.js';
import { SUMMARY } from '../summaries.js';

export function registerValidate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description(SUMMARY['validate'])
    .option('--json', 'print the result as JSON')
    .action((options: { json?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const report = inspectConfig(resolve(ctx.settings.configDir));
      if (options.json) {
        io.stdout(JSON.stringify({ ok: report.problems.length === 0 && report.files.length > 0, files: report.files, problems: report.problems }, null, 2));
      } else if (report.files.length === 0) {
        io.stderr(`no agents/*.yaml or policies/*.yaml found under ${resolve(ctx.settings.configDir)}`);
      } else if (report.problems.length > 0) {
        for (const problem of report.problems) io.stderr(formatProblem(problem));
        io.stderr(`${report.problems.length} problem(s) in ${new Set(report.problems.map((p) => p.file)).size} file(s)`);
      } else {
        for (const policy of report.config.policies) {
          const tokens = Object.keys(policy.config.tokens).join(', ');
          io.stdout(`ok  ${policy.file}  policy "${policy.config.name}": tokens ${tokens}; actions ${policy.config.allow.actions.join(', ')}${policy.config.paused ? '; PAUSED' : ''}`);
        }
        for (const agent of report.config.agents) {
          const schedule = agent.config.schedule ? `cron "${agent.config.schedule.cron}" ${agent.config.schedule.timezone}` : 'on demand';
          io.stdout(`ok  ${agent.file}  agent "${agent.config.name}": ${agent.config.tasks.join(' + ')}, ${agent.config.mode}, policy ${agent.config.policy}, ${schedule}`);
        }
      }
      setExit(report.problems.length === 0 && report.files.length > 0 ? 0 : 2);
    });
}
