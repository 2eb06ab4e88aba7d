// `steward localnet`: serves the embedded chain (LiteSVM) as a local validator would, for
// dry runs with the Solana CLI or any web3.js client. Runs until Ctrl-C / SIGTERM, then
// closes its servers and timers. `--demo` seeds the demo DAO and runs its price oracle.
// `--ready-json` is the mode a parent process uses (spawnEmbeddedChain: the chain runs in its
// own process because the LiteSVM addon is not memory-safe): exactly one JSON line
// {"url","wsUrl","pid"} on stdout once serving, everything else on stderr, and an exit when
// the parent goes away (stdin closed, or this process re-parented).
import type { Command } from 'commander';
import {
  SPL_GOVERNANCE_PROGRAM_ID,
  SQUADS_V4_PROGRAM_ID,
  findProgram,
  knownProgramName,
  startEmbeddedChain,
  type EmbeddedChain,
} from '../../chain/index.js';
import { claimChainLock, loadChainState, releaseChainLock, saveChainState } from '../../chain/embedded/state-file.js';
import type { Logger } from '../../shared/index.js';
import { seedDemoDao, startDemoOracle, type DemoOracle } from '../../demo/index.js';
import { StewardError } from '../../errors/index.js';
import { createContext, type CliIo } from '../context.js';
import { parseForkOptions, type ForkOptions } from '../../chain/fork/fork-options.js';
import { forkSummary } from '../../chain/fork/fork-summary.js';
import { redactUrl } from '../../shared/redact.js';
import { forkCacheStore, openStore, type Store } from '../../store/index.js';
import { SUMMARY } from '../summaries.js';

interface LocalnetOptions {
  port: string;
  program: string[];
  account: string[];
  demo?: boolean;
  readyJson?: boolean;
  state?: string;
  fork?: string;
  forkBudget?: string;
  forkMaxAge?: string;
  forkNoCache?: boolean;
  forkCacheDb?: string;
}

/** Oracle price writes and other writes without a transaction are saved at most this often. */
const IDLE_SAVE_MS = 5_000;

/**
 * Keeps `stateFile` current: at once after every landed transaction (before the RPC answers,
 * so a confirmed transaction is never lost to a crash), other writes within IDLE_SAVE_MS.
 */
function persistTo(stateFile: string, chain: EmbeddedChain, logger: Logger): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    try {
      saveChainState(stateFile, chain.exportState());
    } catch (error) {
      logger.error({ err: error, path: stateFile }, 'cannot save the embedded chain state');
    }
  };
  save();
  const off = chain.onCommit((event) => {
    if (event.signature !== '') save();
    else timer ??= setTimeout(save, IDLE_SAVE_MS).unref();
  });
  return {
    stop() {
      off();
      save();
    },
  };
}

/** How often a --ready-json child checks that its parent is still there. */
const PARENT_POLL_MS = 1_000;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65534) {
    throw new StewardError('OPTION_INVALID', `--port "${value}" is not a port number`, {
      hint: 'use 1–65534 (the websocket takes port + 1), or 0 for any free pair',
    });
  }
  return port;
}

function parsePrograms(values: string[]): { id: string; path: string }[] {
  return values.map((value) => {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) {
      throw new StewardError('OPTION_INVALID', `--program "${value}" is not ID=FILE.so`, {
        hint: 'e.g. --program GovER5Lthms3bLBqWub97yVrMmEogzX7xNjdXpPPCVZw=./spl_governance.so',
      });
    }
    return { id: value.slice(0, at), path: value.slice(at + 1) };
  });
}

function parseAccounts(values: string[]): { address: string; path: string }[] {
  if (values.length % 2 !== 0) {
    throw new StewardError(
      'OPTION_INVALID',
      `--account takes two values, ADDRESS FILE.json; got ${values.length} value(s): ${values.join(' ')}`,
      {
        hint: 'e.g. --account 7xKX...address ./account.json (a `solana account ADDRESS --output json` file)',
      },
    );
  }
  const out: { address: string; path: string }[] = [];
  for (let i = 0; i < values.length; i += 2) out.push({ address: values[i] as string, path: values[i + 1] as string });
  return out;
}

/** Programs the demo needs on the chain, besides what --program names. */
const DEMO_PROGRAMS = [SPL_GOVERNANCE_PROGRAM_ID, SQUADS_V4_PROGRAM_ID];

/** --program first; each demo program not named there from STEWARD_PROGRAMS_DIR or the cache. */
function withDemoPrograms(explicit: { id: string; path: string }[]): { load: { id: string; path: string }[]; lines: string[] } {
  const load = [...explicit];
  const lines: string[] = [];
  for (const id of DEMO_PROGRAMS) {
    const found = findProgram(id, { explicit });
    if (!found) {
      lines.push(
        `${knownProgramName(id)} ${id}: no program file found (--program, STEWARD_PROGRAMS_DIR, .steward/programs, ~/.cache/steward/programs); not on this chain`,
      );
      continue;
    }
    if (found.source !== '--program') load.push({ id, path: found.path });
    lines.push(`${knownProgramName(id)} ${id}: loaded from ${found.path} (${found.source})`);
  }
  return { load, lines };
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Resolves when the process is asked to stop: SIGINT, SIGTERM, or (watchParent) its parent gone. */
function stopRequested(watchParent: boolean): { reason: Promise<string>; dispose(): void } {
  const cleanups: (() => void)[] = [];
  const reason = new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => resolve(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    cleanups.push(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    if (!watchParent) return;
    // The parent holds our stdin's write end: the kernel closes it when the parent dies, even by SIGKILL.
    const onStdinEnd = () => resolve('stdin closed (parent gone)');
    process.stdin.on('end', onStdinEnd);
    process.stdin.on('close', onStdinEnd);
    process.stdin.on('error', onStdinEnd);
    process.stdin.resume();
    // A parent that handed us a stdin it keeps open elsewhere: notice being re-parented.
    const parent = process.ppid;
    const poll = setInterval(() => {
      if (process.ppid !== parent) resolve(`parent ${parent} gone`);
    }, PARENT_POLL_MS);
    poll.unref();
    cleanups.push(() => {
      clearInterval(poll);
      process.stdin.off('end', onStdinEnd);
      process.stdin.off('close', onStdinEnd);
      process.stdin.off('error', onStdinEnd);
      process.stdin.destroy();
    });
  });
  return { reason, dispose: () => cleanups.forEach((cleanup) => cleanup()) };
}

function parseFork(options: LocalnetOptions): ForkOptions | null {
  const fork = parseForkOptions(options);
  if (fork && (options.demo || options.state)) {
    throw new StewardError('OPTION_INVALID', `--fork cannot be combined with ${options.demo ? '--demo' : '--state'}`, {
      hint: 'a fork reads its accounts from the upstream cluster; run it without --demo and --state',
      context: { option: '--fork' },
    });
  }
  return fork;
}

export function registerLocalnet(program: Command, io: CliIo): void {
  program
    .command('localnet')
    .description(SUMMARY['localnet'])
    .option('--port <port>', 'HTTP JSON-RPC port (0 = any free pair)', '8899')
    .option('--program <ID=FILE.so>', 'load a program binary at ID (repeatable)', collect, [])
    .option('--account <ADDRESS FILE.json...>', 'load an account from a `solana account --output json` file (repeatable)', [])
    .option('--demo', 'seed the demo DAO and keep its live prices fresh (what `--url embedded` serves)')
    .option(
      '--state <file>',
      'keep the chain in FILE: continue it when FILE exists, save every change to it (what commands on the embedded default use)',
    )
    .option(
      '--fork-no-cache',
      "with --fork: start cold and keep nothing (by default the store's fork cache serves reads recent enough and keeps new ones)",
    )
    .option(
      '--fork-cache-db <file>',
      'with --fork: the database holding the fork cache (default: the fork journal beside --db, steward.fork.db)',
    )
    .option(
      '--ready-json',
      'for a parent process: print one JSON line {url, wsUrl, pid} on stdout when serving, all else on stderr; exit when stdin closes',
    )
    .action(async (options: LocalnetOptions, command: Command) => {
      const readyJson = options.readyJson === true;
      // With --ready-json, stdout carries the ready line and nothing else.
      const say = readyJson ? io.stderr : io.stdout;
      const ctx = createContext(command, io);
      const logger = ctx.logger;
      const stop = stopRequested(readyJson);
      let oracle: DemoOracle | null = null;
      let cacheStore: Store | null = null;
      const stateFile = options.state;
      try {
        const explicit = parsePrograms(options.program);
        const programs = withDemoPrograms(explicit);
        for (const line of programs.lines) say(line);
        // --fork, --fork-budget and --fork-max-age are global options (every command that opens a cluster takes them).
        const globals = command.optsWithGlobals<{ fork?: string; forkBudget?: string; forkMaxAge?: string }>();
        const fork = parseFork({
          ...options,
          ...(globals.fork === undefined ? {} : { fork: globals.fork }),
          ...(globals.forkBudget === undefined ? {} : { forkBudget: globals.forkBudget }),
          ...(globals.forkMaxAge === undefined ? {} : { forkMaxAge: globals.forkMaxAge }),
        });
        const restore = stateFile ? loadChainState(stateFile) : null;
        // The fork cache lives in the store (the fork journal beside --db, or --fork-cache-db): reads of the same upstream kept across commands.
        cacheStore = fork && !options.forkNoCache ? (options.forkCacheDb ? openStore(options.forkCacheDb) : ctx.openStore()) : null;
        const cache = cacheStore && fork ? forkCacheStore(cacheStore.db, redactUrl(fork.url)) : null;
        const running = await startEmbeddedChain({
          ...(restore ? { restore } : {}),
          ...(fork ? { fork: { ...fork, cache } } : {}),
          port: parsePort(options.port),
          programs: programs.load,
          accounts: parseAccounts(options.account),
          logger,
        });
        let persisted: { stop(): void } | null = null;
        try {
          if (stateFile)
            claimChainLock(stateFile, { pid: process.pid, url: running.url, wsUrl: running.wsUrl, chainId: running.chain.chainId });
          if (options.demo && !restore) {
            const dao = await seedDemoDao(running.chain);
            say(`demo DAO seeded: native treasury ${dao.addresses.nativeTreasury.toBase58()}, ${dao.accounts.length} accounts`);
            say(
              dao.governance.mode === 'program'
                ? 'demo governance (program mode): created by the SPL Governance program from real instructions (realm with community and council mints, deposits and council seats, governance, native treasury, proposals signed off and voted)'
                : 'demo governance (written mode): SPL Governance program not found, so its accounts (the same realm, community and council mints) are written as data (votes are prepared, not cast; `steward programs pull --url mainnet-beta` fetches the program)',
            );
            say(
              dao.squads.mode === 'program'
                ? `demo Squads vault: multisig ${dao.squads.addresses.multisig.toBase58()} created by the Squads v4 program, vault ${dao.squads.addresses.vault.toBase58()} funded, the agent's USDC spending limit added by a config transaction the members approved`
                : 'demo Squads vault: Squads v4 program not found, so the demo has none',
            );
          }
          if (restore)
            say(
              `embedded chain ${running.chain.chainId} continued from ${stateFile} (${restore.history.length} transactions, saved ${new Date(restore.savedAtMs).toISOString()})`,
            );
          if (options.demo)
            oracle = startDemoOracle(running.chain, { onError: (error) => logger.warn({ err: error }, 'demo oracle publication failed') });
          if (stateFile) persisted = persistTo(stateFile, running.chain, logger);
          if (readyJson)
            io.stdout(JSON.stringify({ url: running.url, wsUrl: running.wsUrl, pid: process.pid, chainId: running.chain.chainId }));
          say(`JSON-RPC URL: ${running.url}`);
          say(`WebSocket URL: ${running.wsUrl}`);
          if (running.fork) {
            const info = running.fork.info();
            say(
              `fork of ${info.upstream} from its slot ${info.forkSlot}: accounts are fetched on first access (at most ${info.budget} upstream requests${info.cache.enabled ? `; cached reads over ${info.cache.maxAgeSlots} slots before the fork are read again` : ''}); writes stay here`,
            );
          }
          say(`embedded chain ready (slot ${running.chain.clock().slot}); Ctrl-C to stop`);
          const reason = await stop.reason;
          if (running.fork) {
            const info = running.fork.info();
            say(`fork: ${forkSummary(info)}`);
          }
          if (readyJson) say(`embedded chain stopping: ${reason}`);
        } finally {
          oracle?.stop();
          persisted?.stop();
          if (stateFile) releaseChainLock(stateFile);
          await running.close();
        }
      } finally {
        stop.dispose();
        cacheStore?.close();
      }
      say('embedded chain stopped');
    });
}
