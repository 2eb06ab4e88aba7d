// Where the embedded chain finds a program's bytes, in order: an explicit `--program ID=FILE`,
// the folder `STEWARD_PROGRAMS_DIR` names, then the cache `steward programs pull` fills
// (`.steward/programs` under the working directory, then `~/.cache/steward/programs`).
// `STEWARD_PROGRAMS_DIR=none` turns the search off: only --program loads anything.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { programFileNames } from './known-programs.js';

export type ProgramSource = '--program' | 'STEWARD_PROGRAMS_DIR' | 'cache';

export interface FoundProgram {
  id: string;
  path: string;
  source: ProgramSource;
}

export interface ProgramSearch {
  /** `--program ID=FILE` pairs given on the command line. */
  explicit?: readonly { id: string; path: string }[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

/** The cache folders, most specific first: the project's, then the user's. */
export function programCacheDirs(options: Pick<ProgramSearch, 'cwd' | 'home'> = {}): string[] {
  return [resolve(options.cwd ?? process.cwd(), '.steward/programs'), join(options.home ?? homedir(), '.cache/steward/programs')];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findIn(dir: string, id: string): string | null {
  if (!existsSync(dir)) return null;
  for (const name of programFileNames(id)) {
    const path = join(dir, name);
    if (isFile(path)) return path;
  }
  return null;
}

/** The file the embedded chain loads for `id`, and where it was found; null when none is. */
export function findProgram(id: string, search: ProgramSearch = {}): FoundProgram | null {
  const explicit = search.explicit?.find((program) => program.id === id);
  if (explicit) return { id, path: explicit.path, source: '--program' };
  const dir = (search.env ?? process.env)['STEWARD_PROGRAMS_DIR'];
  if (dir === 'none') return null;
  if (dir) {
    const path = findIn(resolve(search.cwd ?? process.cwd(), dir), id);
    if (path) return { id, path, source: 'STEWARD_PROGRAMS_DIR' };
  }
  for (const cache of programCacheDirs(search)) {
    const path = findIn(cache, id);
    if (path) return { id, path, source: 'cache' };
  }
  return null;
}
