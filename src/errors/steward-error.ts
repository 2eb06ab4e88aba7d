// The one error class of Steward: a stable code, the message, a typed context (what and where)
// and a hint that tells the operator what to do. Third-party failures are wrapped into it at
// one boundary per domain so nothing above that boundary sees a raw library error.
import { terminalBlock, terminalText } from '../shared/untrusted-text.js';
import { errorCodes, type ErrorCode } from './codes.js';

export interface StewardErrorOptions {
  /** What to do about it, in the operator's terms. */
  hint?: string;
  /** Machine-readable facts: file, line, account, field path... */
  context?: Record<string, unknown>;
  cause?: unknown;
  /** Several problems reported at once (config validation). */
  details?: readonly string[];
}

export class StewardError extends Error {
  override readonly name = 'StewardError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly context: Record<string, unknown>;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: StewardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.context = options.context ?? {};
    this.details = options.details ?? [];
  }

  /** 'input' errors are the operator's to fix (exit 2); 'runtime' errors are the world's (exit 1). */
  get kind(): 'input' | 'runtime' {
    return errorCodes[this.code];
  }

  /** The text the CLI prints: message, every detail, then the hint. Never a stack. */
  format(): string {
    // Messages quote untrusted input (file contents, RPC answers, model output): controls shown escaped.
    const lines = [`error[${this.code}]: ${terminalBlock(this.message)}`];
    for (const detail of this.details) lines.push(`  ${terminalText(detail)}`);
    if (this.hint) lines.push(`hint: ${terminalBlock(this.hint)}`);
    return lines.join('\n');
  }
}

export function isStewardError(value: unknown): value is StewardError {
  return value instanceof StewardError;
}

/** Wraps anything thrown into a StewardError, keeping StewardErrors as they are. */
export function toStewardError(value: unknown, code: ErrorCode = 'INTERNAL', message?: string): StewardError {
  if (value instanceof StewardError) return value;
  const text = value instanceof Error ? value.message : String(value);
  return new StewardError(code, message ? `${message}: ${text}` : text, { cause: value });
}
