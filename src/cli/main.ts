// The `steward` command line. Each command lives in its own file under ./commands and is
// registered here; bad input exits 2, a runtime failure 1, success 0 (some commands define
// more, e.g. `policy check`). Errors print their message and hint, a stack only with --verbose.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isStewardError, StewardError, toStewardError } from '../errors/index.js';
import { redact } from '../shared/redact.js';
import { defaultIo, type CliIo } from './io.js';
import { registerCommands } from './commands/index.js';

export const EXIT = { ok: 0, runtime: 1, input: 2 } as const;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A command action may return an exit code; thrown errors are mapped to 1 or 2. */
export type CommandResult = number | void;

/** The program with the command named in `argv` loaded (`'all'`: every command loaded). */
export async function buildProgram(io: CliIo, setExit: (code: number) => void, argv: readonly string[] | 'all'): Promise<Command> {
  const program = new Command('steward')
    .description('Autonomous AI agents over a DAO treasury on Solana, fenced by policy and on-chain allowances.')
    .version(packageVersion(), '-V, --version')
    .option('--config <dir>', 'folder holding agents/ and policies/ (env STEWARD_CONFIG_DIR)')
    .option('--db <file>', 'SQLite database (env STEWARD_DB)')
    .option('--url <cluster>', 'RPC URL or mainnet-beta | devnet | testnet | localhost | embedded (env STEWARD_RPC_URL)')
    .option('--confirm-url <url>', 'second RPC endpoint that must agree before a sent transaction is settled (env STEWARD_CONFIRM_URL)')
    .option(
      '--fork <url>',
      'run on a fork of this cluster: a fresh embedded chain that reads it on first access and never writes to it (docs/LOCALNET.md)',
    )
    .option('--fork-budget <n>', 'upstream requests a --fork command may make (default 500)')
    .option(
      '--fork-max-age <slots>',
      "with --fork: cached upstream reads older than this many slots before the fork's start are read again (default 9000, about an hour)",
    )
    .option('--log-level <level>', 'trace | debug | info | warn | error | silent (env STEWARD_LOG_LEVEL)')
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  await registerCommands(program, io, setExit, argv === 'all' ? 'all' : argv.slice(2));
  return program;
}

/**
 * A reader that goes away (`steward runs show 3 | head -1`) closes stdout: the command has nothing
 * left to say to anyone, so it ends at once, quietly, instead of dying on an EPIPE stack trace.
 */
let quietOnClosedStdout = false;
function endQuietlyOnClosedStdout(): void {
  if (quietOnClosedStdout) return;
  quietOnClosedStdout = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  if (io === defaultIo) endQuietlyOnClosedStdout();
  let exitCode: number = EXIT.ok;
  const verbose = argv.includes('--verbose');
  try {
    const program = await buildProgram(
      io,
      (code) => {
        exitCode = code;
      },
      argv,
    );
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.input;
    }
    const stewardError = isStewardError(error) ? error : toStewardError(error);
    io.stderr(String(redact(stewardError.format())));
    if (verbose && error instanceof Error && error.stack) io.stderr(String(redact(error.stack)));
    return stewardError.kind === 'input' ? EXIT.input : EXIT.runtime;
  }
}

export { StewardError };
