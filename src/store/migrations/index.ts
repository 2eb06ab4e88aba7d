// Every migration, in order. Append new ones with the next version number; never edit a
// released one (a database that already applied it would not see the change).
import { migration0001 } from './0001-core.js';
import { migration0003 } from './0003-treasury-observations.js';
import type { Migration } from './types.js';

export const migrations: readonly Migration[] = [migration0001, migration0003];
export type { Migration } from './types.js';
