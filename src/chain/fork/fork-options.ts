// `--fork URL [--fork-budget N]` as `steward localnet` and the commands that take it read them.
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

export function parseForkOptions(fork: string | undefined, forkBudget: string | undefined): { url: string; budget?: number } | null {
  if (forkBudget !== undefined && !fork) {
    throw new StewardError('OPTION_INVALID', '--fork-budget needs --fork URL', {
      hint: 'add --fork URL, or drop --fork-budget',
      context: { option: '--fork-budget' },
    });
  }
  if (!fork) return null;
  let budget: number | undefined;
  if (forkBudget !== undefined) {
    budget = Number(forkBudget);
    if (!/^\d+$/.test(forkBudget) || !Number.isSafeInteger(budget) || budget < 1) {
      throw new StewardError('OPTION_INVALID', `--fork-budget "${forkBudget}" is not a positive whole number`, {
        hint: 'e.g. --fork-budget 2000',
        context: { option: '--fork-budget', value: forkBudget },
      });
    }
  }
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
  return { url: fork, ...(budget === undefined ? {} : { budget }) };
}
