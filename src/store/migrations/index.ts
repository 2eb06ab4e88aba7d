// Every migration, in order. Append new ones with the next version number; never edit a
// released one (a database that already applied it would not see the change).
import { migration0001 } from './0001-core.js';
import { migration0003 } from './0003-treasury-observations.js';
import { migration0004 } from './0004-proposal-reviews.js';
import { migration0005 } from './0005-execution.js';
import { migration0006 } from './0006-agent-runs.js';
import { migration0007 } from './0007-effect-checks.js';
import { migration0008 } from './0008-fence.js';
import { migration0009 } from './0009-run-reports.js';
import { migration0010 } from './0010-cluster-identity.js';
import { migration0011 } from './0011-fork-cache.js';
import type { Migration } from './types.js';

export const migrations: readonly Migration[] = [
  migration0001,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
];
export type { Migration } from './types.js';
