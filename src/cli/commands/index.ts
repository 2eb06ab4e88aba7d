// Registration of every command, lazily: a command's module (and the chain, model and store
// code it pulls in) loads only when that command runs, so `steward --help` and light commands
// start fast. `steward --help` lists every command from SUMMARY; the running command gets its
// real definition. One file per command (or command group).
import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { SUMMARY, type CommandName } from '../summaries.js';

export type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** Each command module, by the top-level commands it registers, in `--help` order. */
const MODULES: readonly { names: readonly CommandName[]; load: () => Promise<Register> }[] = [
  { names: ['validate'], load: async () => (await import('./validate.js')).registerValidate },
  { names: ['doctor'], load: async () => (await import('./doctor.js')).registerDoctor },
  { names: ['schemas'], load: async () => (await import('./schemas.js')).registerSchemas },
  { names: ['localnet'], load: async () => (await import('./localnet.js')).registerLocalnet },
  { names: ['programs'], load: async () => (await import('./programs.js')).registerPrograms },
  { names: ['model'], load: async () => (await import('./model.js')).registerModel },
  { names: ['serve-model'], load: async () => (await import('./serve-model.js')).registerServeModel },
  { names: ['policy'], load: async () => (await import('./policy.js')).registerPolicy },
  { names: ['pause', 'resume'], load: async () => (await import('./pause.js')).registerPause },
  { names: ['observe'], load: async () => (await import('./observe.js')).registerObserve },
  { names: ['review'], load: async () => (await import('./review.js')).registerReview },
  { names: ['run'], load: async () => (await import('./run.js')).registerRun },
  { names: ['runs'], load: async () => (await import('./runs.js')).registerRuns },
  { names: ['status'], load: async () => (await import('./status.js')).registerStatus },
  { names: ['start'], load: async () => (await import('./start.js')).registerStart },
  { names: ['demo'], load: async () => (await import('./demo.js')).registerDemo },
  { names: ['approvals'], load: async () => (await import('./approvals.js')).registerApprovals },
  { names: ['grant'], load: async () => (await import('./grant.js')).registerGrant },
  { names: ['allowance'], load: async () => (await import('./allowance.js')).registerAllowance },
  { names: ['console'], load: async () => (await import('./console.js')).registerConsole },
];

/** The global options of `program` that take a value (`--db FILE`): their value is no command name. */
function valueOptionsOf(program: Command): Set<string> {
  return new Set(
    program.options
      .filter((option) => option.required || option.optional)
      .flatMap((option) => [option.long, option.short].filter((flag): flag is string => Boolean(flag))),
  );
}

/** The top-level command argv names (after node and the script), or null. */
export function commandNameOf(args: readonly string[], valueOptions: ReadonlySet<string>): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (valueOptions.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    // `steward help run` shows run's real help.
    if (arg === 'help') return commandNameOf(args.slice(i + 1), valueOptions) ?? arg;
    return arg;
  }
  return null;
}

/**
 * Registers the command named in `args` for real and every other one as a line of `--help`.
 * `all` registers every command for real (tests that inspect the whole program).
 */
export async function registerCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  args: readonly string[] | 'all',
): Promise<void> {
  const wanted = args === 'all' ? null : commandNameOf(args, valueOptionsOf(program));
  for (const module of MODULES) {
    if (wanted === null ? args === 'all' : module.names.includes(wanted as CommandName)) {
      (await module.load())(program, io, setExit);
    } else {
      for (const name of module.names) program.command(name).description(SUMMARY[name]);
    }
  }
}
