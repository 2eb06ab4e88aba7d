// The one error class of Steward: a stable code, the message, a typed context (what and where,
// its shape fixed per code in codes.ts) and a hint that tells the operator what to do.
// Third-party failures are wrapped into it at one boundary per domain so nothing above that
// boundary sees a raw library error.
import { terminalBlock, terminalText } from '../shared/untrusted-text.js';
import { errorDocs, errorKind, type ErrorCode, type ErrorContexts, type ErrorKind } from './codes.js';

export interface StewardErrorOptions<C extends ErrorCode = ErrorCode> {
  /** What to do about it, in the operator's terms. */
  hint?: string;
  /** Machine-readable facts: file, line, account, field path... (shape per code: ErrorContexts). */
  context?: ErrorContexts[C];
  cause?: unknown;
  /** Several problems reported at once (config validation). */
  details?: readonly string[];
}

export class StewardError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'StewardError';
  readonly code: C;
  readonly hint: string | undefined;
  readonly context: Partial<ErrorContexts[C]>;
  readonly details: readonly string[];

  constructor(code: C, message: string, options: StewardErrorOptions<C> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.context = options.context ?? {};
    this.details = options.details ?? [];
  }

  /** 'input' errors are the operator's to fix (exit 2); 'runtime' errors are the world's (exit 1). */
  get kind(): ErrorKind {
    return errorKind(this.code);
  }

  /** Where the docs explain this code's family. */
  get docs(): string {
    return errorDocs(this.code);
  }

  /** The text the CLI prints: message, every detail, the hint, then where the docs are. Never a stack. */
  format(): string {
    // Messages quote untrusted input (file contents, RPC answers, model output): controls shown escaped.
    const lines = [`error[${this.code}]: ${terminalBlock(this.message)}`];
    for (const detail of this.details) lines.push(`  ${terminalText(detail)}`);
    if (this.hint) lines.push(`hint: ${terminalBlock(this.hint)}`);
    lines.push(`see: ${this.docs}`);
    return lines.join('\n');
  }
}

/**
 * Whether `value` is a StewardError, and with `code`, one of that code (the @solana/kit pattern):
 * `if (isStewardError(e, 'LLM_OUTPUT_INVALID')) e.context.raw` is typed.
 */
export function isStewardError(value: unknown): value is StewardError;
export function isStewardError<C extends ErrorCode>(value: unknown, code: C): value is StewardError<C>;
export function isStewardError(value: unknown, code?: ErrorCode): boolean {
  return value instanceof StewardError && (code === undefined || value.code === code);
}

/** Wraps anything thrown into a StewardError, keeping StewardErrors as they are. */
export function toStewardError(value: unknown, code: ErrorCode = 'INTERNAL', message?: string): StewardError {
  if (value instanceof StewardError) return value;
  const text = value instanceof Error ? value.message : String(value);
  return new StewardError(code, message ? `${message}: ${text}` : text, { cause: value });
}
