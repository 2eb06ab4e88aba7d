// The embedded chain in a child process. The LiteSVM 0.8 native addon is not memory-safe
// (LiteSVM/litesvm#171; here it corrupted bn.js numbers on the JS heap after a CPI), so a
// process that decides about money must not load it: it spawns `steward localnet --ready-json`
// and talks to it over JSON-RPC only, as it would to solana-test-validator.
// The child exits when we close() it, when we exit, and when we die without a word: it holds
// its stdin from us and stops when the kernel closes that pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { StewardError } from '../../errors/index.js';
import type { Logger } from '../../shared/index.js';

/** bin/steward.js, resolved from this file so the child starts whatever the cwd. */
const STEWARD_BIN = fileURLToPath(new URL('../../../bin/steward.js', import.meta.url));
const STDERR_TAIL_LINES = 30;

export interface SpawnEmbeddedChainOptions {
  /** Seed the demo DAO and run its price oracle in the child (`localnet --demo`). */
  demo: boolean;
  /** Program binaries to load, as `localnet --program ID=FILE.so`. */
  programs?: readonly { id: string; path: string }[];
  /** Keep the chain in this file (`localnet --state`): continued when it exists, saved on every change. */
  stateFile?: string;
  /**
   * Fork this cluster (`localnet --fork URL --fork-budget N`) instead of a demo or empty chain;
   * `cacheDb`: the store whose fork cache it reads and fills (`--fork-cache-db`).
   */
  fork?: { url: string; budget?: number | undefined; maxAgeSlots?: number | undefined; cacheDb?: string | undefined } | undefined;
  /** Receives the child's log lines (warnings and above as warn, the rest as debug). */
  logger?: Logger;
  /** How long to wait for the ready line (default 60 s: a cold tsx cache compiles the sources). */
  readyTimeoutMs?: number;
  /** How long close() waits after SIGTERM before SIGKILL (default 5 s). */
  closeGraceMs?: number;
}

export interface EmbeddedChainChild {
  /** JSON-RPC URL on 127.0.0.1. */
  url: string;
  wsUrl: string;
  pid: number;
  /** The chain's own identity (see EmbeddedChain.chainId). */
  chainId: string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface ReadyLine {
  url: string;
  wsUrl: string;
  pid: number;
  chainId: string;
}

function parseReadyLine(line: string): ReadyLine | null {
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (
      typeof value.url === 'string' &&
      typeof value.wsUrl === 'string' &&
      Number.isInteger(value.pid) &&
      typeof value.chainId === 'string'
    ) {
      return { url: value.url, wsUrl: value.wsUrl, pid: value.pid as number, chainId: value.chainId };
    }
  } catch {
    // not the ready line
  }
  return null;
}

/** Forwards one line of the child's stderr to the logger, keeping pino's level where there is one. */
function forward(logger: Logger | undefined, pid: number, line: string): void {
  if (!logger || line.trim() === '') return;
  let level = 30;
  let msg = line;
  try {
    const parsed = JSON.parse(line) as { level?: unknown; msg?: unknown };
    if (typeof parsed.level === 'number') level = parsed.level;
    if (typeof parsed.msg === 'string') msg = parsed.msg;
  } catch {
    // a plain text line
  }
  if (level >= 40) logger.warn({ chainPid: pid, line }, `embedded chain: ${msg}`);
  else logger.debug({ chainPid: pid }, `embedded chain: ${msg}`);
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Spawns `steward localnet --port 0 --ready-json [--demo]` and resolves once it serves. */
export async function spawnEmbeddedChain(options: SpawnEmbeddedChainOptions): Promise<EmbeddedChainChild> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const closeGraceMs = options.closeGraceMs ?? 5_000;
  const args = ['--no-allocation-site-pretenuring', STEWARD_BIN, 'localnet', '--port', '0', '--ready-json'];
  if (options.demo) args.push('--demo');
  if (options.stateFile) args.push('--state', options.stateFile);
  if (options.fork) {
    args.push('--fork', options.fork.url, ...(options.fork.budget === undefined ? [] : ['--fork-budget', String(options.fork.budget)]));
    if (options.fork.maxAgeSlots !== undefined) args.push('--fork-max-age', String(options.fork.maxAgeSlots));
    args.push(...(options.fork.cacheDb === undefined ? ['--fork-no-cache'] : ['--fork-cache-db', options.fork.cacheDb]));
  }
  for (const program of options.programs ?? []) args.push('--program', `${program.id}=${program.path}`);
  const level = options.logger?.level;
  if (level) args.push('--log-level', level);

  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
  const started = Date.now();
  const stderrTail: string[] = [];
  const tail = () => (stderrTail.length ? stderrTail.join('\n') : '(nothing on stderr)');
  // Keep draining both pipes for the child's whole life: a full pipe would block its writes.
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    forward(options.logger, child.pid ?? 0, line);
  });
  const stdoutLines = createInterface({ input: child.stdout! });
  // A write to the stdin of a child that already died must not crash us (EPIPE).
  child.stdin!.on('error', () => undefined);
  // Our normal exit (process.exit included) takes the child along; a crash closes its stdin.
  const killOnExit = () => {
    if (!exited(child)) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const failure = (message: string, hint: string, cause?: unknown) =>
    new StewardError('CHAIN_FAILED', `${message}; its last output:\n${tail()}`, {
      hint,
      context: { pid: child.pid, command: `${process.execPath} ${args.join(' ')}` },
      ...(cause === undefined ? {} : { cause }),
    });

  let ready: ReadyLine;
  try {
    ready = await new Promise<ReadyLine>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          failure(
            `the embedded chain (pid ${child.pid}) did not report ready within ${readyTimeoutMs} ms`,
            'the machine may be overloaded; run `steward localnet --demo` in a terminal to watch it start',
          ),
        );
      }, readyTimeoutMs);
      const done = () => {
        clearTimeout(timer);
        stdoutLines.off('line', onLine);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const onLine = (line: string) => {
        const parsed = parseReadyLine(line);
        if (!parsed) {
          stderrTail.push(line);
          return;
        }
        done();
        resolve(parsed);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        // Let the last stderr lines arrive before quoting them.
        setImmediate(() =>
          reject(
            failure(
              `the embedded chain process exited (${signal ? `signal ${signal}` : `code ${code}`}) before it was ready`,
              'its last output above names the cause (a bad --program file, a port, a missing dependency); `steward localnet --demo` shows it in full',
            ),
          ),
        );
      };
      const onError = (error: Error) => {
        done();
        reject(
          failure(
            `cannot start the embedded chain process ${process.execPath}: ${error.message}`,
            'check that Node can run bin/steward.js from this checkout',
            error,
          ),
        );
      };
      stdoutLines.on('line', onLine);
      child.once('exit', onExit);
      child.once('error', onError);
    });
  } catch (error) {
    process.off('exit', killOnExit);
    if (!exited(child)) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    throw error;
  }
  stdoutLines.on('line', (line) => forward(options.logger, ready.pid, line));
  options.logger?.debug({ pid: ready.pid, url: ready.url, ms: Date.now() - started }, 'embedded chain child ready');
  // The child must not keep us alive on its own: close() or our exit ends it.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (!exited(child)) {
        const gone = once(child, 'exit');
        child.kill('SIGTERM');
        const grace = setTimeout(() => child.kill('SIGKILL'), closeGraceMs);
        await gone;
        clearTimeout(grace);
      }
      process.off('exit', killOnExit);
      child.stdin?.destroy();
    })();
    return closing;
  };
  return { url: ready.url, wsUrl: ready.wsUrl, pid: ready.pid, chainId: ready.chainId, close, [Symbol.asyncDispose]: close };
}
