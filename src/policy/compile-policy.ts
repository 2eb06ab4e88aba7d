// Turns a validated policy file into the form the rules read: every decimal parsed once into
// bigint base units of its token (or micro-USD), durations into milliseconds, lists into sets.
// A policy that names a token it does not define, or a limit more precise than its token, is
// refused here, before any action is judged by it.
import { StewardError } from '../errors/index.js';
import { parseAmount } from '../shared/amount.js';
import type { PolicyConfig } from '../config/schemas/policy.js';
import { durationMs } from '../shared/duration.js';
import type { ActionKind } from './actions.js';
import { MICRO_USD_DECIMALS } from '../shared/index.js';

export interface CompiledToken {
  symbol: string;
  /** Mint address, or "native" for SOL. */
  mint: string;
  decimals: number;
  stable: boolean;
}

export interface CompiledWindow {
  /** As written in the policy, e.g. "24h". Also the key of the spend figures in the context. */
  label: string;
  ms: number;
  usd: bigint | undefined;
  tokens: ReadonlyMap<string, bigint>;
}

export interface ActiveHoursRange {
  /** 0 = Sunday … 6 = Saturday, as Date#getUTCDay. */
  days: ReadonlySet<number>;
  fromMinute: number;
  toMinute: number;
}

export interface CompiledPolicy {
  name: string;
  paused: boolean;
  tokens: ReadonlyMap<string, CompiledToken>;
  tokensByMint: ReadonlyMap<string, CompiledToken>;
  perTx: { usd: bigint | undefined; tokens: ReadonlyMap<string, bigint> };
  windows: readonly CompiledWindow[];
  /** Longest window in ms: how far back the ledger must be read. */
  longestWindowMs: number;
  reserves: ReadonlyMap<string, bigint>;
  allowedKinds: ReadonlySet<ActionKind>;
  destinations: { treasury: boolean; addresses: ReadonlySet<string> };
  /** Programs a transaction may invoke: the base set plus the policy's `allow.programs`. */
  programs: ReadonlySet<string>;
  validators: ReadonlySet<string> | undefined;
  approval: { aboveUsd: bigint | undefined; kinds: ReadonlySet<ActionKind>; expiresAfterMs: number };
  swap: { maxSlippageBps: number; maxPriceImpactBps: number };
  oracle: { maxStalenessMs: number; maxConfidenceBps: number };
  activeHours: readonly ActiveHoursRange[] | undefined;
  /** Whether any rule needs a USD value (then an untrusted price denies). */
  needsUsd: boolean;
}

/** System, SPL Token, Token-2022, Associated Token Account, Memo (v1 and v2), Compute Budget. */
export const BASE_PROGRAMS: readonly string[] = [
  '11111111111111111111111111111111',
  'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
  'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb',
  'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL',
  'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo',
  'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr',
  'ComputeBudget111111111111111111111111111111',
];

const DAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } as const;

/** Compiles a validated policy. Throws CONFIG_INVALID naming the field when a value cannot apply. */
export function compilePolicy(config: PolicyConfig): CompiledPolicy {
  const problems: string[] = [];
  const tokens = new Map<string, CompiledToken>();
  const tokensByMint = new Map<string, CompiledToken>();
  for (const [symbol, entry] of Object.entries(config.tokens)) {
    const token: CompiledToken = { symbol, mint: entry.mint, decimals: entry.decimals, stable: entry.stable };
    const clash = tokensByMint.get(entry.mint);
    if (clash) problems.push(`tokens.${symbol}: mint ${entry.mint} is already listed as ${clash.symbol}`);
    tokens.set(symbol, token);
    tokensByMint.set(entry.mint, token);
  }

  const tokenAmounts = (field: string, amounts: Record<string, string> | undefined): Map<string, bigint> => {
    const out = new Map<string, bigint>();
    for (const [symbol, text] of Object.entries(amounts ?? {})) {
      const token = tokens.get(symbol);
      if (!token) {
        problems.push(`${field}.${symbol}: no token "${symbol}" in the tokens table (known: ${[...tokens.keys()].join(', ')})`);
        continue;
      }
      const parsed = parseAmount(text, token.decimals, { allowZero: true });
      if (parsed.ok) out.set(symbol, parsed.value);
      else problems.push(`${field}.${symbol}: ${parsed.reason}`);
    }
    return out;
  };
  const usdAmount = (field: string, text: string | undefined): bigint | undefined => {
    if (text === undefined) return undefined;
    const parsed = parseAmount(text, MICRO_USD_DECIMALS, { allowZero: true });
    if (parsed.ok) return parsed.value;
    problems.push(`${field}: ${parsed.reason}`);
    return undefined;
  };

  const windows = config.limits.windows.map((window, index): CompiledWindow => ({
    label: window.window,
    ms: durationMs(window.window),
    usd: usdAmount(`limits.windows[${index}].usd`, window.usd),
    tokens: tokenAmounts(`limits.windows[${index}].tokens`, window.tokens),
  }));
  const labels = new Set<string>();
  for (const [index, window] of windows.entries()) {
    if (labels.has(window.label))
      problems.push(`limits.windows[${index}].window: "${window.label}" is listed twice; merge the two entries`);
    labels.add(window.label);
    if (window.ms === 0) problems.push(`limits.windows[${index}].window: a window must be longer than zero`);
  }

  const compiled: CompiledPolicy = {
    name: config.name,
    paused: config.paused,
    tokens,
    tokensByMint,
    perTx: {
      usd: usdAmount('limits.perTx.usd', config.limits.perTx.usd),
      tokens: tokenAmounts('limits.perTx.tokens', config.limits.perTx.tokens),
    },
    windows,
    longestWindowMs: windows.reduce((max, window) => Math.max(max, window.ms), 0),
    reserves: tokenAmounts('limits.reserves', config.limits.reserves),
    allowedKinds: new Set(config.allow.actions),
    destinations: {
      treasury: config.allow.destinations.includes('treasury'),
      addresses: new Set(config.allow.destinations.filter((entry) => entry !== 'treasury')),
    },
    programs: new Set([...BASE_PROGRAMS, ...config.allow.programs]),
    validators: config.allow.validators ? new Set(config.allow.validators) : undefined,
    approval: {
      aboveUsd: usdAmount('approval.aboveUsd', config.approval.aboveUsd),
      kinds: new Set(config.approval.actions),
      expiresAfterMs: durationMs(config.approval.expiresAfter),
    },
    swap: { ...config.swap },
    oracle: { maxStalenessMs: durationMs(config.oracle.maxStaleness), maxConfidenceBps: config.oracle.maxConfidenceBps },
    activeHours: config.activeHours?.map((range) => ({
      days: new Set(range.days.map((day) => DAYS[day])),
      fromMinute: minutes(range.from),
      toMinute: minutes(range.to),
    })),
    needsUsd: false,
  };
  compiled.needsUsd =
    compiled.perTx.usd !== undefined || compiled.approval.aboveUsd !== undefined || windows.some((w) => w.usd !== undefined);

  if (problems.length > 0) {
    throw new StewardError('CONFIG_INVALID', `policy "${config.name}" cannot be applied: ${problems.length} problem(s)`, {
      details: problems,
      hint: 'fix the fields named above in the policy file; `steward validate` re-checks it',
      context: { policy: config.name, problems },
    });
  }
  return compiled;
}

function minutes(text: string): number {
  const [hours, mins] = text.split(':').map((part) => Number.parseInt(part, 10));
  return (hours ?? 0) * 60 + (mins ?? 0);
}
