// Where the embedded chain finds a program's bytes (#20): an explicit --program first, then
// STEWARD_PROGRAMS_DIR (by id or by the program's usual file name), then the project's cache, then
// the user's; STEWARD_PROGRAMS_DIR=none turns the search off.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPL_GOVERNANCE_PROGRAM_ID, SQUADS_V4_PROGRAM_ID, findProgram } from '../../src/chain/index.js';
import { tempTree } from '../helpers/tmp.js';

const GOV = SPL_GOVERNANCE_PROGRAM_ID;

describe('findProgram', () => {
  const root = tempTree({
    'dir/spl_governance.so': 'env',
    [`dir/${SQUADS_V4_PROGRAM_ID}.so`]: 'env-squads',
    [`work/.steward/programs/${GOV}.so`]: 'project-cache',
    [`home/.cache/steward/programs/${GOV}.so`]: 'user-cache',
    [`home/.cache/steward/programs/${SQUADS_V4_PROGRAM_ID}.so`]: 'user-cache-squads',
  });
  const cwd = join(root, 'work');
  const home = join(root, 'home');
  const env = { STEWARD_PROGRAMS_DIR: join(root, 'dir') };

  it('takes --program first, then STEWARD_PROGRAMS_DIR, then the project cache, then the user cache', () => {
    const explicit = [{ id: GOV, path: '/x/gov.so' }];
    expect(findProgram(GOV, { explicit, env, cwd, home })).toEqual({ id: GOV, path: '/x/gov.so', source: '--program' });
    expect(findProgram(GOV, { env, cwd, home })).toEqual({
      id: GOV,
      path: join(root, 'dir/spl_governance.so'),
      source: 'STEWARD_PROGRAMS_DIR',
    });
    expect(findProgram(SQUADS_V4_PROGRAM_ID, { env, cwd, home })?.path).toBe(join(root, `dir/${SQUADS_V4_PROGRAM_ID}.so`));
    expect(findProgram(GOV, { env: {}, cwd, home })).toEqual({ id: GOV, path: join(cwd, `.steward/programs/${GOV}.so`), source: 'cache' });
    expect(findProgram(SQUADS_V4_PROGRAM_ID, { env: {}, cwd, home })).toEqual({
      id: SQUADS_V4_PROGRAM_ID,
      path: join(home, `.cache/steward/programs/${SQUADS_V4_PROGRAM_ID}.so`),
      source: 'cache',
    });
    // A folder without the program falls through to the cache.
    expect(findProgram(GOV, { env: { STEWARD_PROGRAMS_DIR: join(root, 'home') }, cwd, home })?.source).toBe('cache');
  });

  it('STEWARD_PROGRAMS_DIR=none loads only what --program names; an unknown id is found only by its id', () => {
    expect(findProgram(GOV, { env: { STEWARD_PROGRAMS_DIR: 'none' }, cwd, home })).toBeNull();
    expect(findProgram(GOV, { explicit: [{ id: GOV, path: '/x/gov.so' }], env: { STEWARD_PROGRAMS_DIR: 'none' }, cwd, home })?.source).toBe(
      '--program',
    );
    expect(findProgram('11111111111111111111111111111111', { env, cwd, home })).toBeNull();
  });
});
