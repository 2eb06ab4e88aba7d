// `--fork URL [--fork-budget N] [--fork-max-age SLOTS]` as `steward localnet` and the commands that take it read them.
import { basename, dirname, join, resolve } from 'node:path';
import { StewardError } from '../../errors/index.js';

/**
 * The journal of commands run with --fork: a database beside `db` (steward.db → steward.fork.db),
 * so what an agent did on a fork (its actions, spending, approvals, observations, reviews) never
 * counts in the real journal, and the fork cache lives with it.
 */
export function forkJournalFor(db: string): string {
  if (db === ':memory:') return db;
  const resolved = resolve(db);
  return join(dirname(resolved), `${basename(resolved).replace(/\.[^.]+$/, '')}.fork.db`);
}

/** A fork as the flags ask for it: the upstream, its request budget and the age limit of cached reads. */
export interface ForkOptions {
  url: string;
  budget?: number;
  /** Cached reads older than this many slots before the fork's start slot are read again. */
  maxAgeSlots?: number;
}

export interface ForkFlags {
  fork?: string | undefined;
  forkBudget?: string | undefined;
  forkMaxAge?: string | undefined;
}

/** A positive whole number given as `option` (exit 2 with what is wrong otherwise). */
function positiveWhole(option: string, text: string, example: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new StewardError('OPTION_INVALID', `${option} "${text}" is not a positive whole number`, {
      hint: `e.g. ${option} ${example}`,
      context: { option, value: text },
    });
  }
  return value;
}

export function parseForkOptions(flags: ForkFlags): ForkOptions | null {
  const { fork, forkBudget, forkMaxAge } = flags;
  for (const [option, value] of [
    ['--fork-budget', forkBudget],
    ['--fork-max-age', forkMaxAge],
  ] as const) {
    if (value !== undefined && !fork) {
      throw new StewardError('OPTION_INVALID', `${option} needs --fork URL`, {
        hint: `add --fork URL, or drop ${option}`,
        context: { option },
      });
    }
  }
  if (!fork) return null;
  const budget = forkBudget === undefined ? undefined : positiveWhole('--fork-budget', forkBudget, '2000');
  const maxAgeSlots = forkMaxAge === undefined ? undefined : positiveWhole('--fork-max-age', forkMaxAge, '150');
  let url: URL;
  try {
    url = new URL(fork);
  } catch {
    throw new StewardError('OPTION_INVALID', `--fork "${fork}" is not a URL`, {
      hint: 'pass the upstream RPC URL, e.g. --fork https://api.mainnet-beta.solana.com',
      context: { option: '--fork' },
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StewardError('OPTION_INVALID', `--fork needs an http(s) URL, not ${url.protocol}`, {
      hint: 'pass the upstream JSON-RPC URL',
      context: { option: '--fork' },
    });
  }
  return { url: fork, ...(budget === undefined ? {} : { budget }), ...(maxAgeSlots === undefined ? {} : { maxAgeSlots }) };
}
