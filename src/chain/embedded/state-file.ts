// The embedded chain's state file and its lock. One process serves a state file at a time:
// it holds FILE.lock ({pid, url, wsUrl, chainId}) while it runs, so another command finds the
// running chain and talks to it instead of starting a second copy of the same chain.
// Writes are atomic (a temporary file renamed over the old one): a crash leaves the last
// complete state, never half of one.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { StewardError } from '../../errors/index.js';
import { pidExists } from '../../shared/index.js';
import { parseChainState, type ChainState } from './chain-state.js';

export interface ChainLockHolder {
  pid: number;
  url: string;
  wsUrl: string;
  chainId: string;
}

const lockPath = (stateFile: string) => `${stateFile}.lock`;

export function loadChainState(stateFile: string): ChainState | null {
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StewardError(
      'CHAIN_FAILED',
      `cannot read the embedded chain state ${stateFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: 'check the permissions of the folder holding the database',
        context: { path: stateFile },
        cause: error,
      },
    );
  }
  return parseChainState(text, stateFile);
}

export function saveChainState(stateFile: string, state: ChainState): void {
  mkdirSync(dirname(stateFile), { recursive: true, mode: 0o700 });
  const temporary = `${stateFile}.${process.pid}.tmp`;
  // Owner-only, as the database beside it: it holds the chain's faucet key.
  writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  renameSync(temporary, stateFile);
}

/** The live process serving `stateFile`, or null (no lock, or its holder is gone). */
export function chainLockHolder(stateFile: string): ChainLockHolder | null {
  let holder: Partial<ChainLockHolder>;
  try {
    holder = JSON.parse(readFileSync(lockPath(stateFile), 'utf8')) as Partial<ChainLockHolder>;
  } catch {
    return null;
  }
  if (
    typeof holder.pid !== 'number' ||
    typeof holder.url !== 'string' ||
    typeof holder.wsUrl !== 'string' ||
    typeof holder.chainId !== 'string'
  )
    return null;
  return pidExists(holder.pid) ? (holder as ChainLockHolder) : null;
}

/** Takes the lock for this process; fails naming the holder when a live process has it. */
export function claimChainLock(stateFile: string, holder: ChainLockHolder): void {
  mkdirSync(dirname(stateFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath(stateFile), 'wx');
      try {
        writeSync(fd, JSON.stringify(holder));
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = chainLockHolder(stateFile);
      if (current) {
        throw new StewardError(
          'CHAIN_FAILED',
          `the embedded chain state ${stateFile} is already served by process ${current.pid} at ${current.url}`,
          {
            hint: `use --url ${current.url}, or stop that process first`,
            context: { path: stateFile, pid: current.pid },
          },
        );
      }
      // Its holder died without cleaning up.
      rmSync(lockPath(stateFile), { force: true });
    }
  }
  throw new StewardError('CHAIN_FAILED', `cannot take the lock ${lockPath(stateFile)}`, {
    hint: 'another process keeps re-creating it; stop the other steward commands',
    context: { path: stateFile },
  });
}

/** Drops the lock if this process holds it. */
export function releaseChainLock(stateFile: string): void {
  const holder = chainLockHolder(stateFile);
  if (holder?.pid === process.pid) rmSync(lockPath(stateFile), { force: true });
}

/** The embedded chain state kept beside a database: `.steward/steward.db` → `.steward/steward.chain.json`; none in memory. */
export function chainStateFileFor(db: string): string | null {
  if (db === ':memory:') return null;
  const resolved = resolve(db);
  return join(dirname(resolved), `${basename(resolved).replace(/\.[^.]+$/, '')}.chain.json`);
}
