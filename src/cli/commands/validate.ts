// `steward validate`: checks every agent and policy file and reports all problems at once, then
// what every run would need: each keypair file or variable exists and parses (never shown), each
// local model file exists with a complete GGUF header, a missing model only where the test model
// may stand in. `--chain` also reads the cluster (src/agent/preflight-chain.ts). Exit 2 for a
// file or setting, 1 when the cluster cannot be reached.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatPreflightProblem, preflightExitCode, type PreflightReport } from '../../agent/preflight.js';
import { formatProblem, inspectConfig } from '../../config/index.js';
import { terminalText } from '../../shared/index.js';
import { createContext, type CliIo } from '../context.js';
import { runPreflight } from '../preflight.js';
import { SUMMARY } from '../summaries.js';

export function registerValidate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description(SUMMARY['validate'])
    .option('--chain', 'also read the cluster: mints and decimals, oracle accounts, allowances, genesis hash')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean; chain?: boolean }, command: Command) => {
      const ctx = createContext(command, io);
      const report = inspectConfig(resolve(ctx.settings.configDir));
      const configOk = report.problems.length === 0 && report.files.length > 0;
      // Keys, models and the cluster are checked once the files themselves are sound.
      const preflight: PreflightReport | null = configOk ? await runPreflight(ctx, report.config, { chain: Boolean(options.chain) }) : null;
      const code = !configOk ? 2 : preflightExitCode(preflight!);
      if (options.json) {
        io.stdout(JSON.stringify({ ok: code === 0, files: report.files, problems: report.problems, preflight }, null, 2));
      } else if (report.files.length === 0) {
        io.stderr(`no agents/*.yaml or policies/*.yaml found under ${resolve(ctx.settings.configDir)}`);
      } else if (report.problems.length > 0) {
        for (const problem of report.problems) io.stderr(formatProblem(problem));
        io.stderr(`${report.problems.length} problem(s) in ${new Set(report.problems.map((p) => p.file)).size} file(s)`);
      } else {
        for (const policy of report.config.policies) {
          const tokens = Object.keys(policy.config.tokens).join(', ');
          io.stdout(
            `ok  ${policy.file}  policy "${policy.config.name}": tokens ${tokens}; actions ${policy.config.allow.actions.join(', ')}${policy.config.paused ? '; PAUSED' : ''}`,
          );
        }
        for (const agent of report.config.agents) {
          const schedule = agent.config.schedule ? `cron "${agent.config.schedule.cron}" ${agent.config.schedule.timezone}` : 'on demand';
          io.stdout(
            `ok  ${agent.file}  agent "${agent.config.name}": ${agent.config.tasks.join(' + ')}, ${agent.config.mode}, policy ${agent.config.policy}, ${schedule}`,
          );
        }
        for (const note of preflight!.notes) io.stdout(`    ${note.subject}: ${terminalText(note.text)}`);
        if (preflight!.problems.length > 0) {
          for (const problem of preflight!.problems) io.stderr(terminalText(formatPreflightProblem(problem)));
          io.stderr(
            `${preflight!.problems.length} problem(s) before any run: ${code === 1 ? 'the cluster cannot be reached' : 'fix the files and settings named above'}`,
          );
        }
      }
      setExit(code);
    });
}
