// Logging: pino, human-readable on a TTY and JSON lines otherwise. Every record and message
// passes through `redact`, so keypair bytes, API keys and URL credentials never reach a log,
// and through `neutraliseOutput`, so no control character from untrusted text reaches a terminal.
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redact } from './redact.js';
import { neutraliseOutput } from './untrusted-text.js';

/** Redacted, and no control character left in any string: log lines reach terminals too. */
function forLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return neutraliseOutput(value);
  if (depth > 12 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => forLog(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, forLog(item, depth + 1)]));
}

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Force pretty (true) or JSON (false) output; default: pretty when stderr is a TTY. */
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const usePretty = options.pretty ?? Boolean((destination as { isTTY?: boolean }).isTTY);
  const stream = usePretty
    ? pretty({ destination, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true })
    : destination;
  return pino(
    {
      level: options.level ?? 'info',
      base: null,
      formatters: { log: (object) => forLog(redact(object)) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === 'string' ? forLog(redact(arg)) : arg)) as Parameters<typeof method>;
          method.apply(this, cleaned);
        },
      },
    },
    stream,
  );
}

/** A logger that writes nothing, for library callers and tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
