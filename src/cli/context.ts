// What every command gets: resolved settings (flags > env > defaults), a logger, output
// streams, and helpers that open the store and the config. Commands stay thin: they parse
// arguments, call a domain function, and print.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, loadEnv, resolveSettings, type Settings, type StewardConfig } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { createLogger, type Logger } from '../shared/index.js';
import { closeCrashLeftovers, openStore, type Store } from '../store/index.js';
import { forkJournalFor } from '../chain/fork/fork-options.js';
import { chainStateFileFor } from '../chain/embedded/state-file.js';
import type { RpcCounter } from '../chain/index.js';
import type { OpenCluster } from '../chain/open-cluster.js';
import type { CliIo } from './io.js';

export { defaultIo, type CliIo } from './io.js';

export interface GlobalOptions {
  config?: string;
  db?: string;
  url?: string;
  confirmUrl?: string;
  logLevel?: string;
  verbose?: boolean;
  fork?: string;
  forkBudget?: string;
  forkMaxAge?: string;
}

export interface CliContext {
  settings: Settings;
  logger: Logger;
  verbose: boolean;
  out: (text: string) => void;
  openStore(): Store;
  loadConfig(): StewardConfig;
  /** A progress line on stderr, for steps over a second; silent unless stdout and stderr are terminals, and with --json. */
  progress(line: string): void;
  /** `--fork URL` as given (checked when the cluster is opened), or null. */
  forkUrl: string | null;
  /** The configured cluster; the embedded default continues the chain kept beside the database. */
  openCluster(options?: { counter?: RpcCounter }): Promise<OpenCluster>;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export function createContext(command: Command, io: CliIo): CliContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const forkFlags = { fork: options.fork, forkBudget: options.forkBudget, forkMaxAge: options.forkMaxAge };
  loadEnv();
  const resolved = resolveSettings({
    ...(options.config ? { configDir: options.config } : {}),
    ...(options.db ? { db: options.db } : {}),
    ...(options.url ? { rpcUrl: options.url } : {}),
    ...(options.confirmUrl ? { confirmUrl: options.confirmUrl } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  // A command on a fork journals apart (steward.fork.db): its actions never count in the real journal.
  const settings = options.fork ? { ...resolved, db: forkJournalFor(resolved.db) } : resolved;
  if (!(LOG_LEVELS as readonly string[]).includes(settings.logLevel)) {
    const from = options.logLevel ? '--log-level' : 'STEWARD_LOG_LEVEL';
    throw new StewardError('OPTION_INVALID', `${from} "${settings.logLevel}" is not a log level`, {
      hint: `use one of ${LOG_LEVELS.join(', ')}`,
      context: { value: settings.logLevel },
    });
  }
  const logger = createLogger({ level: settings.logLevel });
  const json = Boolean((command.opts() as { json?: unknown }).json);
  const progress = (line: string) => {
    if (!json && process.stdout.isTTY && process.stderr.isTTY) io.stderr(line);
  };
  return {
    progress,
    forkUrl: options.fork ?? null,
    openCluster: async (options = {}) => {
      const { openCluster } = await import('../chain/open-cluster.js');
      const { parseForkOptions } = await import('../chain/fork/fork-options.js');
      const fork = parseForkOptions(forkFlags);
      return openCluster(settings.rpcUrl, {
        ...options,
        logger,
        progress,
        ...(fork ? { fork: { ...fork, cacheDb: settings.db } } : { stateFile: chainStateFileFor(settings.db) }),
      });
    },
    settings,
    logger,
    verbose: Boolean(options.verbose),
    out: io.stdout,
    openStore: () => {
      const store = openStore(settings.db === ':memory:' ? ':memory:' : resolve(settings.db));
      // Every command closes what killed processes left (their runs, their unsigned actions)
      // before doing anything else; rows of live processes are never touched.
      try {
        const leftovers = closeCrashLeftovers(store.db, new Date());
        if (leftovers.runs.length > 0 || leftovers.actions.length > 0) {
          logger.warn(
            { runs: leftovers.runs.map((run) => run.id), actions: leftovers.actions.map((action) => action.id) },
            'closed runs and unsigned actions of processes that are gone, as abandoned',
          );
        }
      } catch (error) {
        store.close();
        throw error;
      }
      return store;
    },
    loadConfig: () => loadConfig(resolve(settings.configDir)),
  };
}
